using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class EmbeddingTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    [TestMethod]
    public void EmbeddingTableUsesFlaxDefaultInitAndLooksUpRows()
    {
        var indices = TestData.Indices(1, 7, 2, 3);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.Embedding(s.Push("embed"), 7, 4).Lookup(xs[0]), Key0, indices);

        var table = (NDArray)variables.Flatten()["params/embed/table"];
        var expectedTable = Initializers.Normal(1 / Math.Sqrt(4))(Key0.FoldInStatic("embed", 1), [7, 4], DType.Float32);
        TestData.AssertClose(expectedTable, table, 1e-7, 1e-6);
        var rows = indices.ToArray<int>().SelectMany(i => table.ToArray<float>()[(i * 4)..(i * 4 + 4)]).ToArray();
        TestData.AssertClose(NDArray.From(rows, 2, 3, 4), y, 0, 0);
    }

    [TestMethod]
    public void EmbeddingAttendIsQueryTimesTableTransposed()
    {
        var query = TestData.Normal(2, 2, 3, 4);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.Embedding(s, 5, 4).Attend(xs[0]), Key0, query);
        var table = (NDArray)variables.Flatten()["params/table"];
        var transposed = NDArray.From(Enumerable.Range(0, 20).Select(i => table.ToArray<float>()[(i % 5) * 4 + i / 5]).ToArray(), 4, 5);
        TestData.AssertClose(LinearReference.Dense(query, transposed, null), y);
    }

    [TestMethod]
    public void EmbeddingLookupRejectsFloatIndices()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.Embedding(s, 4, 2).Lookup(xs[0]), Key0, TestData.Normal(1, 3)));
        Assert.AreEqual("Input type must be an integer or unsigned integer. (Parameter 'indices')", e.Message);
    }

    /// <summary><c>jnp.take</c>'s default <c>mode="fill"</c> (flax 0.12.8's <c>Embed</c>): an index in
    /// <c>[-n, 0)</c> counts from the end, any other out-of-range index gives a row of NaN, on ONNX Runtime.</summary>
    [TestMethod]
    public void OutOfRangeIndicesFollowJnpTakeFillMode()
    {
        static Tensor Model(Scope s, Tensor x) => Flax.Nn.Embedding(s.Push("embed"), 4, 2).Lookup(x);
        var indices = NDArray.From(new long[] { 0, 3, 4, -1, -4, -5, 100 }, 7);
        var (y, variables) = Core.Init(Model)(Key0, indices);
        var table = ((NDArray)variables.Flatten()["params/embed/table"]).ToArray<float>();
        float[] Row(int i) => i < 0 ? [float.NaN, float.NaN] : table[(i * 2)..(i * 2 + 2)];
        var expected = NDArray.From(new[] { 0, 3, -1, 3, 0, -1, -1 }.SelectMany(Row).ToArray(), 7, 2);
        CollectionAssert.AreEqual(expected.ToArray<float>(), y.ToArray<float>());
        CollectionAssert.AreEqual(expected.ToArray<float>(), Core.Apply(Model)(variables, indices).ToArray<float>());
    }
}
