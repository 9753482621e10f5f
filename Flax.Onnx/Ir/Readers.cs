namespace Flax;

/// <summary>How many times each variable of a program is read: once per equation input it appears as, once per program
/// output it is. The rewrites that may replace a value only when one equation reads it ask here.</summary>
internal static class Readers
{
    /// <summary>The read count of every variable of <paramref name="program"/> that is read at all.</summary>
    internal static Dictionary<Var, int> Count(Program program)
    {
        var readers = new Dictionary<Var, int>(ReferenceEqualityComparer.Instance);
        foreach (var eqn in program.Eqns)
            foreach (var input in eqn.Inputs)
                readers[input] = readers.GetValueOrDefault(input) + 1;
        foreach (var output in program.Outputs) readers[output.Var] = readers.GetValueOrDefault(output.Var) + 1;
        return readers;
    }
}
