using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// A traced function in A-normal form (JAX's <c>Jaxpr</c>): typed variables bound by the inputs, the parameters, the
/// constants and then the equations in order; the named outputs pick variables. Immutable; passes (printing,
/// checking with <c>ProgramChecker</c>, evaluation, lowering, autodiff) read it and build new programs.
/// </summary>
/// <param name="Inputs">The function's tensor inputs, in call order (-1 marks the dynamic batch size).</param>
/// <param name="Parameters">Variables read from the variable dict, named <c>collection/path/name</c>.</param>
/// <param name="Constants">Variables with values fixed at trace time.</param>
/// <param name="Eqns">The equations, each reading only variables bound before it.</param>
/// <param name="Outputs">The named results: the function's outputs, then the values written to mutable collections.</param>
public sealed record Program(
    ImmutableArray<Var> Inputs, ImmutableArray<ProgramParameter> Parameters, ImmutableArray<ProgramConstant> Constants,
    ImmutableArray<Eqn> Eqns, ImmutableArray<ProgramOutput> Outputs)
{
    /// <summary>
    /// The jaxpr-like text: <c>{ lambda &lt;parameters and constants&gt; ; &lt;inputs&gt;. let &lt;equations&gt; in (&lt;outputs&gt;) }</c>,
    /// one equation per line as <c>b:f32[?,4] = dot_general[...] a params/Dense_0/kernel  # /Dense_0</c>. Parameters
    /// print as their path, one-element constants as literals (<c>0.5:f32[1,1]</c>), other variables as
    /// <c>a, b, ...</c> in binding order.
    /// </summary>
    public override string ToString() => ProgramPrinter.Print(this);
}
