namespace Flax;

/// <summary>
/// Flax's functional layers (<c>flax.core.nn</c>): each layer is a static method that takes the <see cref="Scope"/> it
/// stores its variables in as its first argument, then the input tensor, then Flax's arguments in Flax's order. A layer
/// creates its parameters in the scope it is given (create child scopes with <see cref="Scope.Push"/>), with Flax's
/// names, shapes, dtypes, initializers and creation order, so the same seed gives the same values. Activations and
/// pooling need no scope.
/// </summary>
/// <example>
/// <code>
/// static Tensor Mlp(Scope scope, Tensor x)
/// {
///     x = Nn.Relu(Nn.Dense(scope.Push("hidden"), x, features: 8));
///     return Nn.Dense(scope.Push("out"), x, features: 1);
/// }
/// </code>
/// </example>
public static partial class Nn
{
    /// <summary>Flax's default kernel initializer (<c>flax.core.nn.linear.default_kernel_init</c>):
    /// <see cref="Initializers.LecunNormal"/>.</summary>
    public static Initializer DefaultKernelInit { get; } = Initializers.LecunNormal();

    /// <summary>
    /// Records the equations a layer appends, until disposed, under its scope's path (<c>/block_0/conv_1</c>), which
    /// names them in printed programs and ONNX graphs; null outside a trace.
    /// </summary>
    private static IDisposable? Named(Scope scope) =>
        TraceContext.Current is { IsActive: true } trace ? trace.InScope(scope.PathText) : null;

    /// <summary>The product of <paramref name="sizes"/> (1 for none).</summary>
    private static int Product(IEnumerable<int> sizes) => sizes.Aggregate(1, (n, d) => checked(n * d));

    /// <summary>Axes in <c>[0, rank)</c>, negative ones counted from the end, as Flax's <c>_normalize_axes</c>.</summary>
    private static int[] Normalize(int[] axes, int rank) => [.. axes.Select(a => a < 0 ? a + rank : a)];

    /// <summary>Throws unless <paramref name="x"/> has at least <paramref name="rank"/> axes.</summary>
    /// <exception cref="ArgumentException">The rank is too small.</exception>
    private static void RequireRank(Tensor x, int rank, string layer)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < rank)
            throw new ArgumentException($"{layer} needs inputs of rank at least {rank}, got shape {Shapes.Format(x.Shape)}.");
    }
}
