using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Common-subexpression elimination: an equation with the same primitive, params and input variables as an earlier
/// one is dropped, and its readers read the earlier one's outputs (one forward sweep; every primitive is pure, and the
/// random values a program uses are inputs, not equations). Params compare by their printed form, which is exact
/// (integers, dtypes, round-trip doubles), since records holding arrays compare by reference. Constants are never
/// merged: a model that feeds its constants (<see cref="ParameterForm.FedWithConstants"/>) serves traces whose equal
/// constants here may differ there.
/// </summary>
internal static class CommonSubexpressions
{
    /// <summary>The program with each repeated computation done once; the same instance when none repeats.</summary>
    internal static Program Eliminate(Program program)
    {
        var ids = new Dictionary<Var, int>(ReferenceEqualityComparer.Instance);
        var replaced = new Dictionary<Var, Var>(ReferenceEqualityComparer.Instance);
        var seen = new Dictionary<string, Eqn>(StringComparer.Ordinal);
        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length);
        Var Read(Var v) => replaced.TryGetValue(v, out var r) ? r : v;
        int Id(Var v) => ids.TryGetValue(v, out var id) ? id : ids[v] = ids.Count;

        foreach (var original in program.Eqns)
        {
            var eqn = original.Inputs.Any(replaced.ContainsKey) ? original with { Inputs = [.. original.Inputs.Select(Read)] } : original;
            var key = $"{eqn.Primitive}{eqn.Params}({string.Join(",", eqn.Inputs.Select(Id))})";
            if (seen.TryGetValue(key, out var earlier))
            {
                for (int k = 0; k < eqn.Outputs.Length; k++) replaced[eqn.Outputs[k]] = earlier.Outputs[k];
                continue;
            }
            seen[key] = eqn;
            eqns.Add(eqn);
        }
        if (replaced.Count == 0) return program;
        return program with
        {
            Eqns = eqns.ToImmutable(),
            Outputs = [.. program.Outputs.Select(o => replaced.ContainsKey(o.Var) ? o with { Var = Read(o.Var) } : o)],
        };
    }

    /// <summary>Common-subexpression and dead-code elimination, then folding of scales into convolutions
    /// (<see cref="ConvScaleFolding"/>) and of broadcasts into element-wise equations (<see cref="BroadcastFolding"/>):
    /// the form in which programs are differentiated and lowered.</summary>
    internal static Program Simplify(Program program) =>
        DeadCode.Eliminate(BroadcastFolding.Fold(ConvScaleFolding.Fold(DeadCode.Eliminate(Eliminate(program)))));
}
