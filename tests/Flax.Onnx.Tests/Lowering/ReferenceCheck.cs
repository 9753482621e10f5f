using System.Collections.Immutable;

namespace Flax.Tests.Lowering;

/// <summary>
/// Runs a program through the ONNX lowering on ONNX Runtime (CPU) and through the managed reference evaluator, and
/// compares: same dtype and shape, integers, bools and infinities exactly, NaN with NaN, other floats within
/// <c>atol + rtol * |expected|</c>.
/// </summary>
internal static class ReferenceCheck
{
    /// <summary>A program of one equation over fresh inputs of the given types, traced under scope <c>/Layer_0</c>.</summary>
    internal static Program Single(Primitive primitive, EqnParams parameters, params TensorType[] inputs)
    {
        var vars = inputs.Select(t => new Var(t)).ToImmutableArray();
        var y = new Var(ShapeInference.Infer(primitive, parameters, inputs));
        return new Program(vars, [], [], [new Eqn(primitive, vars, parameters, [y], "/Layer_0")], [new ProgramOutput("output_0", y)]);
    }

    /// <summary>Asserts that ONNX Runtime and the evaluator agree on <paramref name="program"/> at
    /// <paramref name="inputs"/>.</summary>
    internal static void AssertMatches(Program program, NDArray[] inputs, double atol = 1e-6, double rtol = 1e-5,
        IReadOnlyDictionary<string, NDArray>? parameters = null)
    {
        parameters ??= new Dictionary<string, NDArray>();
        var names = Enumerable.Range(0, inputs.Length).Select(i => $"input_{i}").ToArray();
        var model = Lowerer.Lower(program, names);
        using var session = new OnnxSession(model.ToBytes(), [.. model.InputNames, .. model.ParameterNames], model.OutputNames, Device.Cpu);
        var actual = session.Run([.. inputs, .. model.ParameterNames.Select(p => parameters[p])]);
        var expected = Evaluator.Run(program, inputs, parameters);
        Assert.HasCount(expected.Length, actual);
        for (int k = 0; k < actual.Length; k++)
            AssertClose(expected[k], actual[k], atol, rtol);
    }

    private static void AssertClose(NDArray expected, NDArray actual, double atol, double rtol)
    {
        Assert.AreEqual(expected.DType, actual.DType);
        CollectionAssert.AreEqual(expected.Shape, actual.Shape, $"shape {Shapes.Format(actual.Shape)} != {Shapes.Format(expected.Shape)}");
        var e = HostTensor.FromNDArray(expected).Data;
        var a = HostTensor.FromNDArray(actual).Data;
        bool exact = !expected.DType.IsFloat();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = exact || double.IsInfinity(e[i]) ? a[i] == e[i]
                : double.IsNaN(e[i]) ? double.IsNaN(a[i])
                : Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i]);
            if (!ok) Assert.Fail($"Element {i}: ONNX Runtime gave {a[i]:R}, the reference {e[i]:R} (atol {atol}, rtol {rtol}).");
        }
    }

    /// <summary>Random values of a type: floats uniform in [lo, hi), integers in [lo, hi], bools fair; -1 axes become
    /// <paramref name="batch"/>.</summary>
    internal static NDArray Draw(System.Random random, TensorType type, double lo = -2, double hi = 2, int batch = 3)
    {
        var shape = type.Dims.Select(d => d < 0 ? batch : d).ToArray();
        int n = (int)NDArray.CheckedSize(shape);
        return type.DType switch
        {
            DType.Float32 => NDArray.From(Enumerable.Range(0, n).Select(_ => (float)(lo + (hi - lo) * random.NextDouble())).ToArray(), shape),
            DType.Float64 => NDArray.From(Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * random.NextDouble()).ToArray(), shape),
            DType.Int32 => NDArray.From(Enumerable.Range(0, n).Select(_ => random.Next((int)lo, (int)hi + 1)).ToArray(), shape),
            DType.Int64 => NDArray.From(Enumerable.Range(0, n).Select(_ => (long)random.Next((int)lo, (int)hi + 1)).ToArray(), shape),
            DType.Bool => NDArray.From(Enumerable.Range(0, n).Select(_ => random.Next(2) == 1).ToArray(), shape),
            _ => throw new NotSupportedException(type.DType.Name()),
        };
    }
}
