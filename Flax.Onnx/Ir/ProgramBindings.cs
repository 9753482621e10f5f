namespace Flax.Ir;

/// <summary>A program variable fed by a Flax variable read from the variable dict.</summary>
/// <param name="Path">The flattened name <c>collection/path/name</c> (<c>params/Dense_0/kernel</c>); unique in a program.</param>
/// <param name="Var">The variable holding its value.</param>
public sealed record ProgramParameter(string Path, Var Var);

/// <summary>A program variable with a fixed value known at trace time (a host array used in the traced function).</summary>
/// <param name="Var">The variable holding the value.</param>
/// <param name="Value">The value; its shape and dtype equal the variable's type.</param>
public sealed record ProgramConstant(Var Var, NDArray Value);

/// <summary>A named program result.</summary>
/// <param name="Name">The function output's name (<c>output_0</c>, ...) or, for a value written to a mutable collection,
/// its <c>collection/path/name</c>; unique in a program.</param>
/// <param name="Var">The variable holding the result.</param>
public sealed record ProgramOutput(string Name, Var Var);
