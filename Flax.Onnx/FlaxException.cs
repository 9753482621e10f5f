namespace Flax;

/// <summary>
/// The base of every error this library raises for a mistake in a model or its inputs, like Flax's
/// <c>flax.errors.FlaxError</c>. Each subclass mirrors one Flax error class and carries Flax's message text;
/// <see cref="Exception.HelpLink"/> points at Flax's documentation of that error, which explains common causes.
/// </summary>
public abstract class FlaxException : Exception
{
    private const string ErrorPage = "https://flax.readthedocs.io/en/latest/api_reference/flax.errors.html";

    /// <summary>Creates the exception with Flax's message and a link to the documentation of <paramref name="flaxName"/>.</summary>
    /// <param name="message">The message, without Flax's trailing documentation link.</param>
    /// <param name="flaxName">The Flax error class this mirrors, e.g. <c>ScopeParamNotFoundError</c>.</param>
    private protected FlaxException(string message, string flaxName) : base(message)
    {
        HelpLink = $"{ErrorPage}#flax.errors.{flaxName}";
    }

    /// <summary>Creates the exception for a failure that Flax reports as a plain <c>ValueError</c>, chaining its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error that led to this one, if any.</param>
    private protected FlaxException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Prints a name the way Flax's f-strings print it: a missing (null) name is <c>None</c>.</summary>
    internal static string Text(object? value) => value?.ToString() ?? "None";
}
