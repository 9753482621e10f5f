namespace Flax.Tests.Lift;

/// <summary><c>Lift.Cond</c> and <c>Lift.Switch</c>: Flax's <c>test_cond</c> and <c>test_switch</c>, and their errors.</summary>
[TestClass]
public sealed class CondTests
{
    private static readonly NDArray X = NDArray.Ones(DType.Float32, 1, 3);

    private static int Count(VariableDict variables, string name) => ((NDArray)variables.Flatten()[$"state/{name}"]).Item<int>();

    private static Func<Scope, Tensor, Tensor> Branch(string counter, bool negate) => (scope, x) =>
    {
        var count = scope.Variable<Tensor>("state", counter, () => NDArray.Scalar(0));
        count.Value += 1;
        static Tensor dense(Scope s, Tensor h) => Flax.Nn.Dense(s, h, 2);
        var y = scope.Child<Tensor, Tensor>(dense)(x);
        return negate ? -y : y;
    };

    /// <summary><c>test_cond</c>: init with pred true counts the true branch; apply with false counts the false branch
    /// and gives <c>-y</c> with the parameters created by init.</summary>
    [TestMethod]
    public void Cond()
    {
        static Tensor F(Scope scope, Tensor x, Tensor pred)
        {
            scope.Variable<Tensor>("state", "true_count", () => NDArray.Scalar(0));
            scope.Variable<Tensor>("state", "false_count", () => NDArray.Scalar(0));
            return Flax.Lift.Cond(pred, Branch("true_count", false), Branch("false_count", true), scope, x);
        }
        var (y1, variables) = Core.Init(F)(PrngKey.Create(0), X, NDArray.Scalar(true));
        Assert.AreEqual((1, 0), (Count(variables, "true_count"), Count(variables, "false_count")));
        var (y2, state) = Core.Apply(F, "state")(variables, X, NDArray.Scalar(false));
        Assert.AreEqual((1, 1), (Count(state, "true_count"), Count(state, "false_count")));
        CollectionAssert.AreEqual(y1.ToArray<float>(), y2.ToArray<float>().Select(v => -v).ToArray());
    }

    /// <summary><c>test_switch</c>: three branches; each call counts only the taken one; branch 2 equals branch 0.</summary>
    [TestMethod]
    public void Switch()
    {
        static Tensor F(Scope scope, Tensor x, Tensor index)
        {
            foreach (var name in new[] { "a_count", "b_count", "c_count" }) scope.Variable<Tensor>("state", name, () => NDArray.Scalar(0));
            return Flax.Lift.Switch(index, [Branch("a_count", false), Branch("b_count", true), Branch("c_count", false)], scope, x);
        }
        var (y1, variables) = Core.Init(F)(PrngKey.Create(0), X, NDArray.Scalar(0));
        Assert.AreEqual((1, 0, 0), (Count(variables, "a_count"), Count(variables, "b_count"), Count(variables, "c_count")));
        var (y2, updates) = Core.Apply(F, "state")(variables, X, NDArray.Scalar(1));
        variables = variables.Copy(updates);
        Assert.AreEqual((1, 1, 0), (Count(variables, "a_count"), Count(variables, "b_count"), Count(variables, "c_count")));
        CollectionAssert.AreEqual(y1.ToArray<float>(), y2.ToArray<float>().Select(v => -v).ToArray());
        var (y3, updates3) = Core.Apply(F, "state")(variables, X, NDArray.Scalar(2));
        variables = variables.Copy(updates3);
        Assert.AreEqual((1, 1, 1), (Count(variables, "a_count"), Count(variables, "b_count"), Count(variables, "c_count")));
        CollectionAssert.AreEqual(y1.ToArray<float>(), y3.ToArray<float>());
        // lax.switch clamps the index.
        var (y4, _) = Core.Apply(F, "state")(variables, X, NDArray.Scalar(7));
        CollectionAssert.AreEqual(y1.ToArray<float>(), y4.ToArray<float>());
    }

    [TestMethod]
    public void BranchesMustAgree()
    {
        static Tensor F(Scope scope, Tensor x, Tensor pred) =>
            Flax.Lift.Cond(pred, (s, h) => h, (s, h) => h.Sum(), scope, x);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Init(F)(PrngKey.Create(0), X, NDArray.Scalar(true)));
        Assert.AreEqual("branches must give the same shape and dtype for \"output\", got f32[1,3], f32[].", e.Message);
        static Tensor G(Scope scope, Tensor x, Tensor pred) => Flax.Lift.Cond(pred, (_, h) => h, (_, h) => h, scope, x);
        var p = Assert.ThrowsExactly<ArgumentException>(() => Core.Init(G)(PrngKey.Create(0), X, NDArray.Scalar(1f)));
        StringAssert.StartsWith(p.Message, "Pred type must be bool, got float32.");
    }

    /// <summary>Branches that write different values of a kind that is neither an array nor a number cannot be merged,
    /// whether the cond becomes one <c>cond</c> equation (scalar predicate) or the select form (array predicate);
    /// numbers (here bools) are merged as arrays.</summary>
    [TestMethod]
    public void BranchesWritingDifferentNonArrayValuesThrow()
    {
        static Func<Scope, Tensor, Tensor> Writes(object tag) => (s, h) =>
        {
            s.PutVariable("state", "tag", tag);
            return h;
        };
        static Tensor F(Scope scope, Tensor x, Tensor pred) => Flax.Lift.Cond(pred, Writes("a"), Writes("b"), scope, x);
        var variables = new VariableDict(("state", new VariableDict(("tag", "none"))));
        foreach (var pred in new[] { NDArray.Scalar(true), NDArray.Full(DType.Bool, 1, 1, 3) })
        {
            var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply(F, "state")(variables, X, pred));
            Assert.AreEqual("branches give different values for \"state/tag\" that are not arrays or numbers: a, b.", e.Message);
        }
        static Tensor G(Scope scope, Tensor x, Tensor pred) => Flax.Lift.Cond(pred, Writes(true), Writes(false), scope, x);
        var (_, state) = Core.Apply(G, "state")(variables, X, NDArray.Scalar(false));
        Assert.IsFalse(((NDArray)state.Flatten()["state/tag"]).Item<bool>());
    }
}
