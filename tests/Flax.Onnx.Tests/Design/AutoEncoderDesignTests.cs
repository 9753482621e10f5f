using Flax.Examples.Design;
using Flax.Tests.Nn;
using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>tests/core/design/core_auto_encoder_test.py</c> and <c>core_tied_autoencoder_test.py</c>.</summary>
[TestClass]
public sealed class AutoEncoderDesignTests
{
    private static readonly NDArray X = NDArray.Ones(DType.Float32, 1, 4);

    private static void AssertTree(VariableDict variables, string encoder, string decoder)
    {
        ShapeTree.AssertEqual(variables,
            ($"{encoder}/hidden/kernel", "(4, 3)"), ($"{encoder}/hidden/bias", "(3,)"), ($"{encoder}/out/kernel", "(3, 2)"), ($"{encoder}/out/bias", "(2,)"),
            ($"{decoder}/hidden/kernel", "(2, 3)"), ($"{decoder}/hidden/bias", "(3,)"), ($"{decoder}/out/kernel", "(3, 4)"), ($"{decoder}/out/bias", "(4,)"));
        Assert.AreEqual(48, ShapeTree.Count(variables));
    }

    [TestMethod]
    public void AutoEncoderHpStruct()
    {
        var ae = new AutoEncoders.AutoEncoder(Latents: 2, Features: 4, Hidden: 3);
        var (xr, variables) = Core.Init(ae.Call)(PrngKey.Create(0), X);
        CollectionAssert.AreEqual(X.Shape, xr.Shape);
        AssertTree(variables, "encoder", "decoder");
    }

    [TestMethod]
    public void AutoEncoderWithScope()
    {
        var (xr, variables) = Core.Init((s, x) => new AutoEncoders.AutoEncoder2(s, Latents: 2, Features: 4, Hidden: 3).Call(x))(PrngKey.Create(0), X);
        CollectionAssert.AreEqual(X.Shape, xr.Shape);
        AssertTree(variables, "encode", "decode");
    }

    [TestMethod]
    public void AutoEncoderBindMethod()
    {
        var (xr, variables) = Core.Init((s, x) => AutoEncoders.AutoEncoder3(s, hidden: 3, latents: 2, features: 4)(x))(PrngKey.Create(0), X);
        CollectionAssert.AreEqual(X.Shape, xr.Shape);
        AssertTree(variables, "encode", "decode");
    }

    [TestMethod]
    public void TiedAutoEncoder()
    {
        var ae = new TiedAutoEncoder(Latents: 2, Features: 4);
        var (xr, variables) = Core.Init(ae.Call)(PrngKey.Create(0), X);
        ShapeTree.AssertEqual(variables, ("kernel", "(4, 2)"));
        CollectionAssert.AreEqual(X.Shape, xr.Shape);

        // The decoder computes z @ kernel.T with the encoder's kernel.
        var kernel = (NDArray)variables.Flatten()["params/kernel"];
        var k = kernel.ToArray<float>();
        var z = Enumerable.Range(0, 2).Select(j => Enumerable.Range(0, 4).Sum(i => k[i * 2 + j])).ToArray();
        var expected = Enumerable.Range(0, 4).Select(i => z[0] * k[i * 2] + z[1] * k[i * 2 + 1]).ToArray();
        TestData.AssertClose(NDArray.From(expected, 1, 4), xr, 1e-5, 1e-5);
        TestData.AssertClose(xr, Core.Apply(ae.Call)(variables, X), 1e-6, 1e-6);
    }

    [TestMethod]
    public void InitFromDecoder()
    {
        var ae = new TiedAutoEncoder(Latents: 2, Features: 4);
        var (xr, variables) = Core.Init(ae.Decode)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 2));
        ShapeTree.AssertEqual(variables, ("kernel", "(4, 2)"));
        CollectionAssert.AreEqual(new[] { 1, 4 }, xr.Shape);
        // Created inside the map as (2, 4) with the root's first params key, then transposed on the way out.
        var created = Flax.Nn.DefaultKernelInit(PrngKey.Create(0).FoldInStatic(1), [2, 4], DType.Float32).ToArray<float>();
        var kernel = ((NDArray)variables.Flatten()["params/kernel"]).ToArray<float>();
        CollectionAssert.AreEqual(Enumerable.Range(0, 8).Select(i => created[(i % 2) * 4 + i / 2]).ToArray(), kernel);
    }
}
