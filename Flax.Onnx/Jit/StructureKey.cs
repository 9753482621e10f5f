using System.Text;

namespace Flax;

/// <summary>
/// The cache key of a call traced on its own (one whose trace uses its PRNG keys' values, <see cref="TracedProgram.DrawsKeys"/>):
/// the function, the device and the program's structure with constant values left out (<see cref="Of"/>). Every such
/// call draws its host values anew, so its program differs from the last one only in constants, which the shared
/// session takes as inputs.
/// </summary>
internal sealed record StructureKey(Delegate Function, string Structure, Device Device) : ITraceKey
{
    /// <inheritdoc/>
    public bool Equals(ITraceKey? other) => Equals(other as StructureKey);

    /// <summary>The structure text of <paramref name="program"/>: inputs, parameters (paths), constants (types only),
    /// equations (primitive, params, operands, output type, scope path) and outputs, with variables numbered in
    /// binding order.</summary>
    internal static string Of(Program program)
    {
        var ids = new Dictionary<Var, int>(ReferenceEqualityComparer.Instance);
        int Id(Var v) => ids.TryGetValue(v, out var id) ? id : ids[v] = ids.Count;
        var text = new StringBuilder();
        foreach (var v in program.Inputs) text.Append("in ").Append(v.Type).Append(' ').Append(Id(v)).Append('\n');
        foreach (var p in program.Parameters) text.Append("param ").Append(p.Path).Append(' ').Append(p.Var.Type).Append(' ').Append(Id(p.Var)).Append('\n');
        foreach (var c in program.Constants) text.Append("const ").Append(c.Var.Type).Append(' ').Append(Id(c.Var)).Append('\n');
        foreach (var eqn in program.Eqns)
        {
            text.Append(eqn.Primitive).Append(eqn.Params).Append(' ').Append(eqn.ScopePath);
            foreach (var input in eqn.Inputs) text.Append(' ').Append(Id(input));
            text.Append(" ->");
            foreach (var output in eqn.Outputs) text.Append(' ').Append(output.Type).Append(' ').Append(Id(output));
            text.Append('\n');
        }
        foreach (var o in program.Outputs) text.Append("out ").Append(o.Name).Append(' ').Append(Id(o.Var)).Append('\n');
        return text.ToString();
    }
}
