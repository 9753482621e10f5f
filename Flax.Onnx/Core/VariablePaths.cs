namespace Flax;

/// <summary>Flattened variable names, <c>collection/scope/path/name</c>, as <see cref="VariableDict.Flatten"/> writes
/// them and as ONNX initializers are named.</summary>
internal static class VariablePaths
{
    /// <summary>Joins a collection, a scope path and a variable name: <c>params/Dense_0/kernel</c>.</summary>
    internal static string Join(string collection, IReadOnlyList<string> path, string name) =>
        path.Count == 0 ? $"{collection}{VariableDict.Separator}{name}"
            : $"{collection}{VariableDict.Separator}{string.Join(VariableDict.Separator, path)}{VariableDict.Separator}{name}";
}
