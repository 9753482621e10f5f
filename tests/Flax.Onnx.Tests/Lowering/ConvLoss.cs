using Flax.Tests.Autodiff;

namespace Flax.Tests.Lowering;

/// <summary>The program <c>(x, r) -> sum(conv(x, kernel) * r)</c> of the convolution lowering tests: the kernel a
/// parameter at <see cref="KernelPath"/>, the batch axis of x dynamic, output <c>loss</c>.</summary>
internal static class ConvLoss
{
    internal const string KernelPath = "params/Conv_0/kernel";

    internal static Program Program(DType dtype, ConvParams p, int[] xShape, int[] wShape)
    {
        var x = new Var(new TensorType(dtype, (int[])[-1, .. xShape[1..]]));
        var kernel = new Var(new TensorType(dtype, wShape));
        var b = new GradBuilder();
        var y = b.Emit(Primitive.ConvGeneralDilated, p, x, kernel);
        var weights = new Var(y.Type);
        var loss = b.ReduceSum(b.Mul(y, weights), Enumerable.Range(0, y.Type.Rank));
        return ProgramChecker.Check(new Program([x, weights], [new ProgramParameter(KernelPath, kernel)], [.. b.Constants], [.. b.Eqns],
            [new ProgramOutput("loss", loss)]));
    }
}
