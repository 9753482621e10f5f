namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>tests/core/design/core_dense_test.py</c>: a dense layer written three ways, as a configured object whose
/// call reads params from a scope, as an explicit record created by one init function and stored as a single param,
/// and semi-explicitly with a child scope per layer.
/// </summary>
public static class DenseDesign
{
    /// <summary>The functional dense layer of <c>test_dense</c>: a configuration whose <see cref="Call"/> takes a scope.</summary>
    public sealed record Dense(int Features, bool Bias = true)
    {
        /// <summary><c>x @ kernel + bias</c> with <c>kernel</c> <c>(in, features)</c> and <c>bias</c> <c>(features,)</c>.</summary>
        public Tensor Call(Scope scope, Tensor x)
        {
            var kernel = scope.Param<Tensor>("kernel", Nn.DefaultKernelInit, [x.Shape[^1], Features]);
            var y = Tensor.MatMul(x, kernel);
            if (Bias) y += scope.Param<Tensor>("bias", Initializers.Zeros, [Features]);
            return y;
        }
    }

    /// <summary>
    /// The "scope free" dense layer of <c>test_explicit_dense</c>: its kernel and bias form one param value (Flax's
    /// <c>ExplicitDense</c> dataclass; here a dictionary, the tree node the variable store knows).
    /// </summary>
    public static class ExplicitDense
    {
        /// <summary><c>ExplicitDense.create</c>: splits the key in two and initialises the kernel and the bias.</summary>
        public static VariableDict Create(PrngKey rng, int inSize, int outSize)
        {
            var keys = rng.Split(2);
            return new(("kernel", Nn.DefaultKernelInit(keys[0], [inSize, outSize], DType.Float32)),
                ("bias", Initializers.Zeros(keys[1], [outSize], DType.Float32)));
        }

        /// <summary><c>ExplicitDense.create_in_scope</c>: the same parameters created in a scope of their own.</summary>
        public static VariableDict CreateInScope(Scope scope, int inSize, int outSize) => new(
            ("kernel", scope.Param<Tensor>("kernel", Nn.DefaultKernelInit, [inSize, outSize])),
            ("bias", scope.Param<Tensor>("bias", Initializers.Zeros, [outSize])));

        /// <summary><c>ExplicitDense.__call__</c>: <c>x @ kernel + bias</c>.</summary>
        public static Tensor Call(VariableDict dense, Tensor x) => Tensor.MatMul(x, (Tensor)dense["kernel"]) + (Tensor)dense["bias"];
    }

    /// <summary><c>explicit_mlp</c>: params <c>dense_0</c>, <c>dense_1</c>, each a whole <see cref="ExplicitDense"/>.</summary>
    public static Tensor ExplicitMlp(Scope scope, Tensor x) => Mlp(x, (i, input, size) =>
        scope.Param<VariableDict>($"dense_{i}", rng => ExplicitDense.Create(rng, input.Shape[^1], size)));

    /// <summary><c>semi_explicit_mlp</c>: children <c>dense_0</c>, <c>dense_1</c> named by <c>child(prefix='dense_')</c>.</summary>
    public static Tensor SemiExplicitMlp(Scope scope, Tensor x) => Mlp(x, (_, input, size) =>
        scope.Child<int, int, VariableDict>(ExplicitDense.CreateInScope, prefix: "dense_")(input.Shape[^1], size));

    /// <summary>The layer sizes <c>(3, 1)</c> with a ReLU between, each layer's parameters made by <paramref name="layer"/>.</summary>
    private static Tensor Mlp(Tensor x, Func<int, Tensor, int, VariableDict> layer)
    {
        int[] sizes = [3, 1];
        for (int i = 0; i < sizes.Length; i++)
        {
            x = ExplicitDense.Call(layer(i, x, sizes[i]), x);
            if (i + 1 < sizes.Length) x = Nn.Relu(x);
        }
        return x;
    }
}
