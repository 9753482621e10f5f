namespace Flax;

/// <summary>
/// A filter argument is not a filter (Flax's <c>InvalidFilterError</c>); in C# this is a null string, name list or
/// <see cref="Filter"/> where a filter is expected. Message: <c>Invalid Filter: "None"</c>.
/// </summary>
public sealed class InvalidFilterException : FlaxException
{
    internal InvalidFilterException(object? filterLike)
        : base($"Invalid Filter: \"{Text(filterLike)}\"", "InvalidFilterError") { }
}
