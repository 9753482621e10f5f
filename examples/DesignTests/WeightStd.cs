namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>tests/core/design/core_weight_std_test.py</c>: weight standardisation as a variable map. The hidden layer
/// sees its kernel with every output column scaled to unit norm, even though it is initialised with standard deviation
/// 1e5.
/// </summary>
public static class WeightStd
{
    /// <summary>
    /// Flax's <c>weight_std(fn)</c>: <c>map_variables</c> with <c>init=True</c> replacing <c>kernel</c> by
    /// <c>kernel / sqrt(sum(kernel², all axes but the last) + eps)</c>.
    /// </summary>
    public static Func<Scope, Tensor, Tensor> Standardized(Func<Scope, Tensor, Tensor> fn, string kernelName = "kernel", double eps = 1e-8)
    {
        VariableDict Std(VariableDict variables)
        {
            var parameters = (VariableDict)variables["params"];
            var kernel = (Tensor)parameters[kernelName];
            var norm = (kernel * kernel).Sum([.. Enumerable.Range(0, kernel.Rank - 1)], keepDims: true);
            var standardized = kernel / (norm + eps).Sqrt();
            return variables.Copy([KeyValuePair.Create("params", (object)parameters.Copy([KeyValuePair.Create(kernelName, (object)standardized)]))]);
        }
        return Lift.MapVariables(fn, "params", Std, init: true);
    }

    /// <summary><c>mlp</c>: standardised hidden layers named <c>hidden_0</c>, ... and a plain <c>out</c> layer.</summary>
    public static Tensor Mlp(Scope scope, Tensor x)
    {
        int[] sizes = [8, 1];
        foreach (var size in sizes[..^1])
            x = scope.Child(Standardized((s, h) => Nn.Dense(s, h, size, kernelInit: Initializers.Normal(1e5))), prefix: "hidden_")(x);
        return scope.Child<Tensor, Tensor>((s, h) => Nn.Dense(s, h, sizes[^1]), "out")(x);
    }
}
