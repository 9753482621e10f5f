namespace Flax;

/// <summary>
/// Observes every value a scope creates by running an init function (<see cref="Scope.Param{T}(string, Initializer, int[], DType)"/>,
/// <see cref="Scope.Variable{T}(string, string, Func{T})"/>). The root scope may carry one; its children share it.
/// Tracing uses it to turn a freshly initialized host array into a named parameter of the traced program.
/// </summary>
internal interface IVariableHook
{
    /// <summary>Called once per created value, before it is stored.</summary>
    /// <param name="collection">The collection, e.g. <c>params</c>.</param>
    /// <param name="path">The path of the scope that creates it (empty at the root).</param>
    /// <param name="name">The variable's name within that scope.</param>
    /// <param name="value">The value the init function returned.</param>
    /// <returns>The value to store and hand to the model instead.</returns>
    object OnCreate(string collection, IReadOnlyList<string> path, string name, object value);
}
