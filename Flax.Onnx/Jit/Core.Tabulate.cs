namespace Flax;

public static partial class Core
{
    /// <summary>
    /// A table of every variable <paramref name="fn"/> creates for inputs of the given shapes (like Flax's
    /// <c>tabulate</c>): collection, path, shape, dtype, element count and bytes, with a total per collection and
    /// overall. Only shapes are needed: the variables are created as by <c>LazyInit</c> and nothing runs.
    /// </summary>
    /// <param name="fn">The model.</param>
    /// <param name="inputs">The input signatures, one per tensor input.</param>
    /// <returns>The table as text, one line per row.</returns>
    /// <exception cref="ArgumentException">The number of specs differs from the model's inputs.</exception>
    public static string Tabulate(Func<Scope, Tensor, Tensor> fn, params TensorSpec[] inputs) =>
        VariableTable.Format(LazyInitTraced(ScopeFunction.Of(fn), PrngKey.Create(0), inputs, null, null));

    /// <inheritdoc cref="Tabulate(Func{Scope, Tensor, Tensor}, TensorSpec[])"/>
    public static string Tabulate(Func<Scope, Tensor, Tensor, Tensor> fn, params TensorSpec[] inputs) =>
        VariableTable.Format(LazyInitTraced(ScopeFunction.Of(fn), PrngKey.Create(0), inputs, null, null));
}
