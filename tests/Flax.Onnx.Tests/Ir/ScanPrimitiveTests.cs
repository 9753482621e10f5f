using System.Collections.Immutable;
using Flax.Tests.Lowering;

namespace Flax.Tests.Ir;

/// <summary>The <see cref="Primitive.Scan"/> primitive: ONNX Runtime's <c>Scan</c> against an explicit host loop
/// (forward and reverse; float32 within 1e-5), and every typing and lowering error.</summary>
[TestClass]
public sealed class ScanPrimitiveTests
{
    private static TensorType F32(params int[] dims) => new(DType.Float32, dims);

    /// <summary><see cref="LoweringCrossCheckTests.ScanProgram"/> at batch 2 on the host, in float64.</summary>
    private static double[][] HostLoop(float[] w, float[] h0, float[] c0, float[] x, float[] u, bool reverse)
    {
        const int steps = 4, batch = 2;
        var h = h0.Select(v => (double)v).ToArray();
        double c = c0[0];
        var (y, cs, ws) = (new double[steps * batch * 3], new double[steps], new double[steps * 3]);
        for (int n = 0; n < steps; n++)
        {
            int t = reverse ? steps - 1 - n : n;
            c += u[t];
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < 3; j++)
                {
                    h[b * 3 + j] = Math.Tanh(h[b * 3 + j] * w[j] + x[(t * batch + b) * 3 + j]);
                    y[(t * batch + b) * 3 + j] = h[b * 3 + j] * c;
                }
            cs[t] = c;
            for (int j = 0; j < 3; j++) ws[t * 3 + j] = w[j];
        }
        return [h, [c], y, cs, ws];
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void OnnxScanEqualsAnExplicitLoop(bool reverse)
    {
        var program = LoweringCrossCheckTests.ScanProgram(reverse);
        var random = new System.Random(reverse ? 2 : 1);
        var inputs = program.Inputs.Select(v => ReferenceCheck.Draw(random, v.Type, -1, 1, batch: 2)).ToArray();
        var model = Lowerer.Lower(program, [.. Enumerable.Range(0, inputs.Length).Select(i => $"input_{i}")]);
        using var session = new OnnxSession(model.ToBytes(), model.InputNames, model.OutputNames, Device.Cpu);
        var actual = session.Run(inputs);
        var f = inputs.Select(a => a.ToArray<float>()).ToArray();
        var expected = HostLoop(f[0], f[1], f[2], f[3], f[4], reverse);
        Assert.HasCount(5, actual);
        for (int k = 0; k < 5; k++)
        {
            var a = actual[k].ToArray<float>();
            Assert.HasCount(expected[k].Length, a);
            for (int i = 0; i < a.Length; i++)
                Assert.IsTrue(Math.Abs(a[i] - expected[k][i]) <= 1e-5, $"output {k} element {i}: {a[i]} vs {expected[k][i]}");
        }
    }

    /// <summary>A body that adds its carry to its one slice: <c>(c, x) -> (c + x, c + x)</c> over <c>f32[3]</c>.</summary>
    private static Program AddBody()
    {
        var (c, x, s) = (new Var(F32(3)), new Var(F32(3)), new Var(F32(3)));
        return new Program([c, x], [], [], [new Eqn(Primitive.Add, [c, x], EqnParams.None, [s], "")], [new("c", s), new("y", s)]);
    }

    private static string InferError(ScanParams p, params TensorType[] inputs) =>
        Assert.ThrowsExactly<ArgumentException>(() => ShapeInference.InferAll(Primitive.Scan, p, inputs)).Message;

    [TestMethod]
    public void TypesTheFinalCarryAndTheStackedOutputs()
    {
        var types = ShapeInference.InferAll(Primitive.Scan, new ScanParams(AddBody(), 0, 1, 5, false), [F32(3), F32(5, 3)]);
        CollectionAssert.AreEqual(new[] { F32(3), F32(5, 3) }, types.ToArray());
    }

    [TestMethod]
    public void TypingErrors()
    {
        var body = AddBody();
        Assert.AreEqual("scan takes 0 const(s), 1 carry value(s) and the scanned inputs over at least one step, got 2 input(s) and length 0.",
            InferError(new ScanParams(body, 0, 1, 0, false), F32(3), F32(5, 3)));
        Assert.AreEqual("scan's body must read 3 value(s) and give at least 1 (the carry), got 2 input(s), 2 output(s) and 0 parameter(s).",
            InferError(new ScanParams(body, 0, 1, 5, false), F32(3), F32(5, 3), F32(5, 3)));
        Assert.AreEqual("scan's body reads input 0 as f32[3], given f32[4].",
            InferError(new ScanParams(body, 0, 1, 5, false), F32(4), F32(5, 3)));
        Assert.AreEqual("scan's scanned input 0 has shape (4, 3), whose axis 0 is not the length 5.",
            InferError(new ScanParams(body, 0, 1, 5, false), F32(3), F32(4, 3)));
        Assert.AreEqual("scan's body reads scanned input 0 as f32[3], its slice is f32[2].",
            InferError(new ScanParams(body, 0, 1, 5, false), F32(3), F32(5, 2)));
        var (c, x, wide) = (new Var(F32(3)), new Var(F32(3)), new Var(F32(6)));
        var widening = new Program([c, x], [], [], [new Eqn(Primitive.Concatenate, [c, x], new AxisParams(0), [wide], "")], [new("c", wide)]);
        Assert.AreEqual("scan carry output and input must have the same type structure: carry 0 is f32[3] in and f32[6] out.",
            InferError(new ScanParams(widening, 0, 1, 5, false), F32(3), F32(5, 3)));
    }

    [TestMethod]
    public void AScanWithoutScannedInputsHasNoOnnxForm()
    {
        var (c, d) = (new Var(F32(3)), new Var(F32(3)));
        var body = new Program([c], [], [], [new Eqn(Primitive.Neg, [c], EqnParams.None, [d], "")], [new("c", d)]);
        var p = new ScanParams(body, 0, 1, 3, false);
        var init = new Var(F32(3));
        var output = new Var(F32(3));
        var program = new Program([init], [], [], [new Eqn(Primitive.Scan, [init], p, [output], "/rnn")], [new("output_0", output)]);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Lowerer.Lower(program, ["x"]));
        Assert.AreEqual("Cannot lower primitive 'Scan' (at /rnn): scan without a scanned input has no ONNX Scan form (ONNX Scan needs at least one scan input).", e.Message);
    }
}
