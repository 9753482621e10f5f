namespace Flax.Tests.Lift;

/// <summary><c>Lift.Scan</c>: carries, reverse, broadcast inputs, its errors, checked against host loops.</summary>
[TestClass]
public sealed class ScanTests
{
    private static (Tensor[] Carry, Tensor Y) CumSum(Scope _, Tensor[] c, Tensor x)
    {
        var next = c[0] + x;
        return ([next], next * 2f);
    }

    private static float[] Run(bool reverse, NDArray x)
    {
        var scan = Flax.Lift.Scan(CumSum, reverse: reverse);
        Tensor Model(Scope s, Tensor xs)
        {
            var (carry, ys) = scan(s, [xs.SliceInDim(0, 1).Squeeze(0) * 0f], xs);
            return Tensor.Concat([ys, carry[0].ExpandDims(0)], 0);
        }
        return Core.Apply(Model)(VariableDict.Empty, x).ToArray<float>();
    }

    [TestMethod]
    public void CarryAndOutputsEqualALoop()
    {
        var x = NDArray.From([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        CollectionAssert.AreEqual(new[] { 2f, 4f, 8f, 12f, 18f, 24f, 9f, 12f }, Run(false, x));
    }

    [TestMethod]
    public void ReverseRunsFromTheLastStepAndKeepsStepOrder()
    {
        var x = NDArray.From([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        CollectionAssert.AreEqual(new[] { 18f, 24f, 16f, 20f, 10f, 12f, 9f, 12f }, Run(true, x));
    }

    [TestMethod]
    public void LengthShouldBeSpecifiedManually()
    {
        var scan = Flax.Lift.Scan(CumSum, inAxes: null);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply((s, x) => scan(s, [x], x).Ys)(VariableDict.Empty, NDArray.Ones(DType.Float32, 2)));
        Assert.AreEqual("length should be specified manually.", e.Message);
        // With a length, a broadcast input goes whole to every step.
        var counted = Flax.Lift.Scan(CumSum, inAxes: null, length: 3);
        var y = Core.Apply((s, x) => counted(s, [x * 0f], x).Ys)(VariableDict.Empty, NDArray.From([1f, 2f], 2));
        CollectionAssert.AreEqual(new[] { 2f, 4f, 4f, 8f, 6f, 12f }, y.ToArray<float>());
    }

    [TestMethod]
    public void CarryMustKeepItsType()
    {
        var scan = Flax.Lift.Scan((Scope _, Tensor[] c, Tensor x) => ((Tensor[])[Tensor.Concat([c[0], x], 0)], x));
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply((s, x) => scan(s, [x.SliceInDim(0, 1).Squeeze(0)], x).Ys)(VariableDict.Empty, NDArray.Ones(DType.Float32, 2, 3)));
        Assert.AreEqual("scan carry output and input must have the same type structure: carry 0 is f32[3] in and f32[6] out.", e.Message);
    }

    /// <summary>A broadcast variable computed from the loop is refused, as in Flax.</summary>
    [TestMethod]
    public void BroadcastVariableDependingOnTheLoopThrows()
    {
        var scan = Flax.Lift.Scan((Scope s, Tensor[] c, Tensor x) =>
        {
            s.PutVariable("state", "last", x);
            return (c, x);
        }, variableBroadcast: "state");
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Init((s, x) => scan(s, [], x).Ys)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 2, 3)));
        StringAssert.StartsWith(e.Message, "broadcasted variable has a data dependency on the scan body.");
    }
}
