namespace Flax;

/// <summary>
/// A lifted transform was given arguments that do not fit it (Flax raises a plain <c>ValueError</c> from
/// <c>flax.core.lift</c>, e.g. <c>Inconsistent batch axis sizes: {2, 3}</c> or <c>axis_size should be specified
/// manually.</c>), with Flax's message text.
/// </summary>
public sealed class LiftException : FlaxException
{
    internal LiftException(string message) : base(message, innerException: null) { }
}
