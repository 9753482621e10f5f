namespace Flax;

/// <summary>
/// Dead-code elimination (XLA's and JAX's <c>dce_jaxpr</c>): drops every equation none of whose outputs reaches a
/// program output, in one backward sweep. Inputs, parameters and constants stay (runs feed them by position and name),
/// so the pass never changes a program's signature; only values nothing reads disappear, such as the batch statistics
/// of a batch norm that normalizes with its running averages.
/// </summary>
internal static class DeadCode
{
    /// <summary>The program without the equations its outputs do not depend on; the same instance when none is dead.</summary>
    internal static Program Eliminate(Program program)
    {
        var live = new HashSet<Var>(program.Outputs.Select(o => o.Var), ReferenceEqualityComparer.Instance);
        var kept = new bool[program.Eqns.Length];
        int count = 0;
        for (int i = program.Eqns.Length - 1; i >= 0; i--)
        {
            var eqn = program.Eqns[i];
            if (!eqn.Outputs.Any(live.Contains)) continue;
            kept[i] = true;
            count++;
            foreach (var input in eqn.Inputs) live.Add(input);
        }
        if (count == program.Eqns.Length) return program;
        return program with { Eqns = [.. program.Eqns.Where((_, i) => kept[i])] };
    }
}
