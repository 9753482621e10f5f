using Flax.Tests.Lowering;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Tests.Lift;

/// <summary>Models built with lifted transforms export with a dynamic batch axis, pass <c>onnx.checker</c>'s full check,
/// and the exported file run by ONNX Runtime equals <c>Core.Apply</c>.</summary>
[TestClass]
public sealed class LiftExportTests
{
    public TestContext TestContext { get; set; } = null!;

    private string TempPath(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-{name}");

    /// <summary>The vmapped heads of <c>core_attention_test</c> without dropout: the outer vmap maps the dynamic batch axis.</summary>
    private static Tensor Attention(Scope s, Tensor x) => Examples.Design.Attention.MultiHeadDotProductAttention(s, x, x, numHeads: 2,
        attnFn: (_, w) => Examples.Design.Attention.SoftmaxAttn(w));

    /// <summary>A linen-style LSTM over the time axis, then a dense read-out of every step.</summary>
    private static Tensor Lstm(Scope s, Tensor x)
    {
        var (_, ys) = Flax.Nn.Rnn(s.Push("rnn"), Flax.Nn.LstmCell, x, Flax.Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), 5));
        return Flax.Nn.Dense(s.Push("out"), ys, 2);
    }

    private void CheckExport(Func<Scope, Tensor, Tensor> model, int[] shape)
    {
        var x = Prng.Normal(PrngKey.Create(1), shape);
        var (_, variables) = Core.Init((s, h) => model(s, h))(PrngKey.Create(0), x);
        var path = TempPath("lifted.onnx");
        Core.Export((s, h) => model(s, h), variables, path, [new TensorSpec(DType.Float32, [-1, .. shape[1..]])]);
        OnnxChecker.AssertValid(path);
        var bigger = Prng.Normal(PrngKey.Create(2), [3, .. shape[1..]]);
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(bigger.ToArray<float>(), Array.ConvertAll(bigger.Shape, d => (long)d));
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [input], ["output_0"]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        var expected = Core.Apply((s, h) => model(s, h))(variables, bigger).ToArray<float>();
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [TestMethod]
    public void VmappedAttentionExports() => CheckExport(Attention, [2, 7, 16]);

    [TestMethod]
    public void ScannedLstmExports() => CheckExport(Lstm, [2, 6, 3]);

    /// <summary>The custom-gradient MLP of <c>core_custom_vjp_test</c>: the exported graph holds only the plain MLP.</summary>
    [TestMethod]
    public void CustomVjpMlpExports() => CheckExport(Examples.Design.CustomVjpMlp.Model, [2, 4]);
}
