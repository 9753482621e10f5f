namespace Flax.Tests.Autodiff;

/// <summary>An argument of a gradient check: its value (float64) and whether its leading axis is the dynamic batch
/// size in the program (the checked rules must then work with -1 sizes).</summary>
internal sealed record Arg(NDArray Value, bool Batch = false);

/// <summary>
/// Checks reverse-mode gradients against central finite differences, in float64 on the reference evaluator. The
/// function under test becomes a program whose inputs are the arguments; its result <c>r</c> is reduced to the loss
/// <c>sum(r * w)</c> with random weights <c>w</c> (another input), so every cotangent entry differs. The gradient of
/// each argument element must match <c>(loss(x + h) - loss(x - h)) / 2h</c> with <c>h = 1e-6</c> within
/// <c>1e-6 * (1 + |fd|)</c>: the truncation error is about <c>h^2</c> and the rounding error about
/// <c>1e-16 * |loss| / h</c>, both far below the tolerance for the small, smooth cases used. The gradient program is
/// simplified first (common subexpressions, broadcast folding, dead code), as the lowering does.
/// </summary>
internal static class GradCheck
{
    internal const double Step = 1e-6;
    internal const double Tolerance = 1e-6;

    /// <summary>Random float64 values uniform in <c>[low, high)</c>.</summary>
    internal static NDArray Uniform(System.Random rng, int[] shape, double low = -1, double high = 1) =>
        NDArray.From(Enumerable.Range(0, (int)NDArray.CheckedSize(shape)).Select(_ => low + (high - low) * rng.NextDouble()).ToArray(), shape);

    /// <summary>Random float64 values of magnitude in <c>[low, high)</c> and random sign.</summary>
    internal static NDArray AwayFromZero(System.Random rng, int[] shape, double low = 0.5, double high = 2) =>
        NDArray.From(Enumerable.Range(0, (int)NDArray.CheckedSize(shape))
            .Select(_ => (rng.Next(2) * 2 - 1) * (low + (high - low) * rng.NextDouble())).ToArray(), shape);

    /// <summary>
    /// Differentiates <paramref name="body"/> with respect to every argument and compares with finite differences.
    /// </summary>
    /// <param name="rng">Draws the loss weights.</param>
    /// <param name="body">Emits the function under test given the argument variables; returns its float64 result.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="step">The finite-difference step.</param>
    /// <param name="tolerance">The relative tolerance.</param>
    internal static void Check(System.Random rng, Func<GradBuilder, Var[], Var> body, Arg[] args, double step = Step, double tolerance = Tolerance)
    {
        var (program, batch) = Build(body, args);
        var weights = Uniform(rng, program.Inputs[^1].Type.Dims.Select(d => d < 0 ? batch : d).ToArray());
        var values = args.Select(a => a.Value).Append(weights).ToList();
        // Simplified as before lowering, so the rules are checked together with the passes that rewrite their output.
        var grads = CommonSubexpressions.Simplify(Flax.Autodiff.ValueAndGrad(program, "loss", [], [.. Enumerable.Range(0, args.Length)]));
        var outputs = Evaluator.Run(grads, values, new Dictionary<string, NDArray>());
        for (int i = 0; i < args.Length; i++)
        {
            var grad = outputs[1 + i];
            CollectionAssert.AreEqual(args[i].Value.Shape, grad.Shape, $"shape of the gradient of argument {i}");
            var x = args[i].Value.ToArray<double>();
            var g = grad.ToArray<double>();
            for (int j = 0; j < x.Length; j++)
            {
                double Loss(double delta)
                {
                    var moved = (double[])x.Clone();
                    moved[j] += delta;
                    var inputs = values.ToList();
                    inputs[i] = NDArray.From(moved, args[i].Value.Shape);
                    return Evaluator.Run(program, inputs, new Dictionary<string, NDArray>())[0].Item<double>();
                }
                double fd = (Loss(step) - Loss(-step)) / (2 * step);
                Assert.IsTrue(Math.Abs(g[j] - fd) <= tolerance * (1 + Math.Abs(fd)),
                    $"argument {i} element {j}: gradient {g[j]}, finite difference {fd}\n{grads}");
            }
        }
    }

    /// <summary>The program <c>(args..., w) -> sum(body(args) * w)</c> and the batch size of the arguments.</summary>
    private static (Program Program, int Batch) Build(Func<GradBuilder, Var[], Var> body, Arg[] args)
    {
        int batch = args.Where(a => a.Batch).Select(a => a.Value.Shape[0]).DefaultIfEmpty(-1).First();
        var inputs = args.Select(a =>
        {
            var shape = a.Value.Shape;
            if (a.Batch) shape[0] = -1;
            return new Var(new TensorType(DType.Float64, shape));
        }).ToArray();
        var b = new GradBuilder();
        var result = body(b, inputs);
        var weights = new Var(result.Type);
        var loss = b.ReduceSum(b.Mul(result, weights), Enumerable.Range(0, result.Type.Rank));
        var program = new Program([.. inputs, weights], [], [.. b.Constants], [.. b.Eqns], [new ProgramOutput("loss", loss)]);
        return (ProgramChecker.Check(program), batch);
    }

    /// <summary>Random sizes in <c>[1, max]</c>.</summary>
    internal static int[] Shape(System.Random rng, int rank, int max = 4) =>
        Enumerable.Range(0, rank).Select(_ => rng.Next(1, max + 1)).ToArray();

    /// <summary><paramref name="shape"/> with each axis set to 1 with probability one half.</summary>
    internal static int[] Squeezed(System.Random rng, int[] shape) => shape.Select(d => rng.Next(2) == 0 ? 1 : d).ToArray();

    /// <summary>An int32 constant.</summary>
    internal static Var Indices(GradBuilder b, int[] values, params int[] shape) => b.Constant(NDArray.From(values, shape));
}
