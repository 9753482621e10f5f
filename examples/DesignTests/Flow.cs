namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>tests/core/design/core_flow_test.py</c>: a normalising flow of three invertible dense layers
/// <c>y = x @ expm(K) + b</c>, whose inverse <c>(y - b) @ expm(-K)</c> reuses the same parameters by running the
/// children <c>"2"</c>, <c>"1"</c>, <c>"0"</c> in reverse.
/// </summary>
public static class Flow
{
    /// <summary><c>DenseFlow.params</c>: a square kernel and a bias.</summary>
    private static (Tensor Kernel, Tensor Bias) Params(Scope scope, int features) =>
        (scope.Param<Tensor>("kernel", Nn.DefaultKernelInit, [features, features]),
         scope.Param<Tensor>("bias", Initializers.Zeros, [features]));

    /// <summary><c>DenseFlow.forward</c>: <c>x @ expm(kernel) + bias</c>.</summary>
    public static Tensor DenseForward(Scope scope, Tensor x)
    {
        var (kernel, bias) = Params(scope, x.Shape[^1]);
        return Tensor.MatMul(x, Expm(kernel)) + bias;
    }

    /// <summary><c>DenseFlow.backward</c>: <c>(y - bias) @ expm(-kernel)</c>.</summary>
    public static Tensor DenseBackward(Scope scope, Tensor y)
    {
        var (kernel, bias) = Params(scope, y.Shape[^1]);
        return Tensor.MatMul(y - bias, Expm(-kernel));
    }

    /// <summary><c>StackFlow.forward</c> of <paramref name="layers"/> dense flows in children <c>"0"</c>, <c>"1"</c>, ...</summary>
    public static Tensor Forward(Scope scope, Tensor x, int layers = 3)
    {
        for (int i = 0; i < layers; i++) x = scope.Child<Tensor, Tensor>(DenseForward, i.ToString())(x);
        return x;
    }

    /// <summary><c>StackFlow.backward</c>: the inverse layers in reverse order.</summary>
    public static Tensor Backward(Scope scope, Tensor y, int layers = 3)
    {
        for (int i = layers - 1; i >= 0; i--) y = scope.Child<Tensor, Tensor>(DenseBackward, i.ToString())(y);
        return y;
    }

    /// <summary>
    /// The matrix exponential by scaling and squaring: the degree-16 Taylor polynomial of <c>A / 16</c>, squared
    /// 4 times. Exact to float32 for <c>‖A‖ ≲ 10</c>, which LeCun-initialised kernels satisfy; JAX's <c>expm</c>
    /// picks its scaling from the data (Padé 13), which a static graph cannot.
    /// </summary>
    public static Tensor Expm(Tensor a)
    {
        const int squarings = 4, degree = 16;
        int n = a.Shape[^1];
        var identity = NDArray.From(Enumerable.Range(0, n * n).Select(i => i / n == i % n ? 1f : 0f).ToArray(), n, n);
        var scaled = a / (1 << squarings);
        Tensor sum = identity, term = identity;
        for (int k = 1; k <= degree; k++)
        {
            term = Tensor.MatMul(term, scaled) / k;
            sum += term;
        }
        for (int i = 0; i < squarings; i++) sum = Tensor.MatMul(sum, sum);
        return sum;
    }
}
