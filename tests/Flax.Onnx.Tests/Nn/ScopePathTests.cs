namespace Flax.Tests.Nn;

[TestClass]
public sealed class ScopePathTests
{
    private static Tensor Model(Scope scope, Tensor x)
    {
        x = Flax.Nn.Relu(Flax.Nn.Dense(scope.Push("hidden"), x, 4));
        return Flax.Nn.MultiHeadDotProductAttention(scope.Push("mha"), x.Reshape(-1, 2, 2), null, numHeads: 2);
    }

    [TestMethod]
    public void LayersRecordTheirEquationsUnderTheirScopePath()
    {
        var traced = ScopeTracer.Trace(ScopeFunction.Of(Model), [new TensorSpec(DType.Float32, -1, 3)], null, PrngKey.Create(0), null, null);
        var paths = traced.Program.Eqns.Select(e => $"{e.Primitive.Name()}@{e.ScopePath}").ToList();
        CollectionAssert.IsSubsetOf(new[] { "dot_general@/hidden", "add@/hidden", "select@", "dot_general@/mha/query",
            "dot_general@/mha/dot_product_attention_0", "dot_general@/mha/out" }, paths, string.Join(", ", paths));
    }
}
