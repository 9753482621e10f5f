namespace Flax;

public static partial class Core
{
    /// <summary>
    /// The program <c>Core.Apply(fn)(variables, x)</c> runs for inputs of the given signatures, like
    /// <c>jax.make_jaxpr(apply)(variables, x)</c>: print it to see every equation, with parameters named by path.
    /// </summary>
    /// <param name="fn">The model.</param>
    /// <param name="variables">Its variables (only their shapes and dtypes matter).</param>
    /// <param name="inputs">The input signatures, one per tensor input (-1 marks the dynamic batch axis).</param>
    /// <returns>The traced program.</returns>
    /// <exception cref="ArgumentException">The number of specs differs from the model's inputs, or shapes do not fit an operation.</exception>
    public static Program MakeProgram(Func<Scope, Tensor, Tensor> fn, VariableDict variables, params TensorSpec[] inputs) =>
        MakeProgram(ScopeFunction.Of(fn), variables, inputs);

    /// <inheritdoc cref="MakeProgram(Func{Scope, Tensor, Tensor}, VariableDict, TensorSpec[])"/>
    public static Program MakeProgram(Func<Scope, Tensor, Tensor, Tensor> fn, VariableDict variables, params TensorSpec[] inputs) =>
        MakeProgram(ScopeFunction.Of(fn), variables, inputs);

    private static Program MakeProgram(ScopeFunction fn, VariableDict variables, TensorSpec[] inputs)
    {
        ArgumentNullException.ThrowIfNull(variables);
        CheckArity(fn, inputs);
        return ScopeTracer.Trace(fn, inputs, variables, null, null, null).Program;
    }
}
