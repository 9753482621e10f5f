using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// One IR equation (JAX's <c>JaxprEqn</c>): <c>Outputs = Primitive[Params](Inputs)</c>, recorded while tracing under
/// the Flax scope <c>ScopePath</c> (the scope's <c>path_text</c>, e.g. <c>/Dense_0</c>; empty outside any scope).
/// Immutable; passes build changed copies with <c>with</c>.
/// </summary>
/// <param name="Primitive">The operation.</param>
/// <param name="Inputs">The operands, in the order the primitive documents.</param>
/// <param name="Params">The static parameters; the record type the primitive documents.</param>
/// <param name="Outputs">The variables this equation binds.</param>
/// <param name="ScopePath">The scope path the equation was traced under, for names and messages.</param>
public sealed record Eqn(Primitive Primitive, ImmutableArray<Var> Inputs, EqnParams Params, ImmutableArray<Var> Outputs, string ScopePath);
