namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// The error a function inside <c>MapVariables</c> without <c>init</c> or <c>mutable</c> raised for a variable of a
    /// mapped collection that is missing, with a .NET hint when the scope outside could have created it (during
    /// initialisation): Flax's message alone does not say that <c>map_variables</c> made the collection read-only.
    /// Null for any other error.
    /// </summary>
    /// <param name="error">The error raised inside.</param>
    /// <param name="outer">The scope <c>MapVariables</c> maps.</param>
    /// <param name="mapped">The mapped collections.</param>
    private static FlaxException? WithInitHint(FlaxException error, Scope outer, Filter mapped)
    {
        const string Hint = " (.NET: Lift.MapVariables maps existing variables only; pass init: true to create them first, as during Core.Init)";
        bool Creatable(string collection) => mapped.Contains(collection) && outer.IsMutableCollection(collection);
        return error switch
        {
            ScopeCollectionNotFoundException e when Creatable(e.Collection) => new ScopeCollectionNotFoundException(e.Collection, e.VariableName, e.ScopePath, Hint),
            ScopeParamNotFoundException e when Creatable("params") => new ScopeParamNotFoundException(e.ParamName, e.ScopePath, Hint),
            _ => null,
        };
    }
}
