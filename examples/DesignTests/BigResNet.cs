namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>core_big_resnets_test.py</c>: 50 residual blocks (conv 3x3, batch norm, relu, conv, batch norm, plus the
/// input) as a <c>lift.remat_scan</c> of lengths <c>(10, 5)</c>, so every parameter and statistic is stacked with
/// leading axes <c>(10, 5)</c>: kernels <c>(10, 5, 3, 3, 8, 8)</c>.
/// </summary>
public static class BigResNet
{
    /// <summary>One residual block; its layers are children <c>conv_1</c>, <c>bn_1</c>, <c>conv_2</c>, <c>bn_2</c>.</summary>
    public static Tensor ResidualBlock(Scope scope, Tensor x, int features)
    {
        static Tensor Conv(Scope s, Tensor h, int f) => Nn.Conv(s, h, f, [3, 3], bias: false);
        static Tensor Norm(Scope s, Tensor h) => Nn.BatchNorm(s, h);
        var residual = x;
        x = scope.Child<Tensor, int, Tensor>(Conv, "conv_1")(x, features);
        x = Nn.Relu(scope.Child<Tensor, Tensor>(Norm, "bn_1")(x));
        x = scope.Child<Tensor, int, Tensor>(Conv, "conv_2")(x, features);
        x = scope.Child<Tensor, Tensor>(Norm, "bn_2")(x);
        return Nn.Relu(residual + x);
    }

    /// <summary>The two-stage ResNet of <paramref name="blocks"/> (default <c>(10, 5)</c>) residual blocks.</summary>
    public static Tensor Model(Scope scope, Tensor x, int[]? blocks = null) =>
        Lift.RematScan((s, h) => ResidualBlock(s, h, h.Shape[^1]), blocks ?? [10, 5],
            variableAxes: new Dictionary<Filter, int> { ["params"] = 0, ["batch_stats"] = 0 },
            splitRngs: new Dictionary<Filter, bool> { ["params"] = true })(scope, x);
}
