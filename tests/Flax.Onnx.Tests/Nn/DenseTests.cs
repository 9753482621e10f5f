using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class DenseTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    private static NDArray Param(VariableDict variables, string path) => (NDArray)variables.Flatten()["params/" + path];

    [TestMethod]
    public void DenseCreatesKernelThenBiasWithFlaxKeysAndComputesAffineMap()
    {
        var x = TestData.Normal(1, 2, 3);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.Dense(s.Push("dense"), xs[0], 4), Key0, x);

        ShapeTree.AssertEqual(variables, ("dense/bias", "(4,)"), ("dense/kernel", "(3, 4)"));
        var kernel = Param(variables, "dense/kernel");
        TestData.AssertClose(Flax.Nn.DefaultKernelInit(Key0.FoldInStatic("dense", 1), [3, 4], DType.Float32), kernel, 0, 0);
        TestData.AssertClose(NDArray.Zeros(DType.Float32, 4), Param(variables, "dense/bias"), 0, 0);
        TestData.AssertClose(LinearReference.Dense(x, kernel, null), y);
    }

    [TestMethod]
    public void DenseAppliesGivenVariablesOverLeadingAxes()
    {
        var x = TestData.Normal(2, 2, 5, 3);
        var (kernel, bias) = (TestData.Normal(3, 3, 4), TestData.Normal(4, 4));
        var variables = Variables(("params/kernel", kernel), ("params/bias", bias));
        var (y, _) = Evaluated.Apply((s, xs) => Flax.Nn.Dense(s, xs[0], 4), variables, null, null, x);
        TestData.AssertClose(LinearReference.Dense(x, kernel, bias), y);
    }

    [TestMethod]
    public void DenseWithoutBiasCreatesOnlyTheKernel()
    {
        var (_, variables) = Evaluated.Init((s, xs) => Flax.Nn.Dense(s, xs[0], 2, bias: false), Key0, TestData.Normal(1, 1, 3));
        ShapeTree.AssertEqual(variables, ("kernel", "(3, 2)"));
    }

    [TestMethod]
    public void DenseRejectsAKernelOfAnotherShape()
    {
        var variables = Variables(("params/kernel", NDArray.Zeros(DType.Float32, 2, 4)), ("params/bias", NDArray.Zeros(DType.Float32, 4)));
        var e = Assert.ThrowsExactly<ScopeParamShapeException>(() =>
            Evaluated.Apply((s, xs) => Flax.Nn.Dense(s, xs[0], 4), variables, null, null, TestData.Normal(1, 1, 3)));
        Assert.AreEqual("For parameter \"kernel\" in \"/\", the given initializer is expected to generate shape (3, 4), but the existing parameter it received has shape (2, 4)."
            + " (.NET: kernel axis 0 is sized by the input's last axis, axis 1, which has 3 features here; the variables were made for inputs with 2)", e.Message);
    }

    [TestMethod]
    public void DenseGeneralInitialisesEveryBatchSliceWithTheSameKey()
    {
        var x = TestData.Normal(5, 2, 3, 4);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.DenseGeneral(s, xs[0], [5], batchDims: [0],
            biasInit: Initializers.Normal(1.0)), Key0, x);

        ShapeTree.AssertEqual(variables, ("bias", "(2, 5)"), ("kernel", "(2, 4, 5)"));
        var slice = Flax.Nn.DefaultKernelInit(Key0.FoldInStatic(1), [4, 5], DType.Float32).ToArray<float>();
        var biasSlice = Initializers.Normal(1.0)(Key0.FoldInStatic(2), [5], DType.Float32).ToArray<float>();
        var kernel = Param(variables, "kernel");
        var bias = Param(variables, "bias");
        CollectionAssert.AreEqual(slice.Concat(slice).ToArray(), kernel.ToArray<float>());
        CollectionAssert.AreEqual(biasSlice.Concat(biasSlice).ToArray(), bias.ToArray<float>());

        var expected = new float[2 * 3 * 5];
        for (int b = 0; b < 2; b++)
        {
            var xb = NDArray.From(x.ToArray<float>()[(b * 12)..((b + 1) * 12)], 3, 4);
            var yb = LinearReference.Dense(xb, NDArray.From(slice, 4, 5), NDArray.From(biasSlice, 5));
            yb.ToArray<float>().CopyTo(expected, b * 15);
        }
        TestData.AssertClose(NDArray.From(expected, 2, 3, 5), y);
    }

    [TestMethod]
    public void DenseGeneralContractsSeveralAxesIntoSeveralFeatures()
    {
        var x = TestData.Normal(6, 2, 3, 4);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.DenseGeneral(s, xs[0], [2, 3], axis: [1, -1]), Key0, x);
        ShapeTree.AssertEqual(variables, ("bias", "(2, 3)"), ("kernel", "(3, 4, 2, 3)"));
        var kernel = Param(variables, "kernel");
        TestData.AssertClose(Flax.Nn.DefaultKernelInit(Key0.FoldInStatic(1), [12, 6], DType.Float32).Reshape(3, 4, 2, 3), kernel, 0, 0);
        TestData.AssertClose(LinearReference.Dense(x, kernel, null, contracted: 2), y);
    }

    [TestMethod]
    public void DenseGeneralRejectsBatchDimsThatDoNotStartAtZero()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.DenseGeneral(s, xs[0], [2], batchDims: [1]), Key0, TestData.Normal(1, 2, 3, 4)));
        Assert.AreEqual("batch_dims (1,) must be consecutive leading dimensions starting from 0. (Parameter 'batchDims')", e.Message);
    }

    internal static VariableDict Variables(params (string Path, object Value)[] leaves) =>
        VariableDict.Unflatten(leaves.Select(l => KeyValuePair.Create(l.Path, l.Value)).ToList());
}
