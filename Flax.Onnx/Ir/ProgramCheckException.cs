namespace Flax.Ir;

/// <summary>
/// A <see cref="Program"/> breaks an IR invariant (JAX's <c>JaxprTypeError</c>): a variable read before it is bound or
/// bound twice, an equation whose inputs do not fit its primitive, or an output typed differently from what its
/// primitive gives. It signals a bug in a pass or in tracing, not a mistake in a model or its inputs, so it is
/// not a <see cref="FlaxException"/>. The message names the problem and
/// then shows the offending equation (marked <c>&gt;&gt;</c>) with at most three neighbours on each side.
/// </summary>
public sealed class ProgramCheckException : InvalidOperationException
{
    /// <summary>Equations shown on each side of the offending one.</summary>
    internal const int Radius = 3;

    /// <summary>Creates the exception for a problem at equation <paramref name="eqnIndex"/> of
    /// <paramref name="program"/> (-1: the binders; the equation count: the outputs).</summary>
    /// <param name="problem">What is wrong, naming variables as the program's text does.</param>
    /// <param name="program">The program.</param>
    /// <param name="eqnIndex">Where.</param>
    /// <param name="inner">The shape-inference error behind it, if any.</param>
    internal ProgramCheckException(string problem, Program program, int eqnIndex, Exception? inner = null)
        : base($"{problem}\nwhile checking program:\n{ProgramPrinter.Excerpt(program, eqnIndex, Radius)}", inner)
    {
        EqnIndex = eqnIndex;
    }

    /// <summary>The index of the offending equation (-1: the binders; the equation count: the outputs).</summary>
    public int EqnIndex { get; }
}
