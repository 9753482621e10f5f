using System.Globalization;
using System.Text;

namespace Flax.Ir;

/// <summary>
/// Prints a <see cref="Program"/> as jaxpr-like text (see <see cref="Program.ToString"/>). Variable names come from a
/// print-time <see cref="Names"/> table, so the IR itself carries none.
/// </summary>
internal static class ProgramPrinter
{
    /// <summary>The whole program.</summary>
    internal static string Print(Program program)
    {
        var names = new Names(program);
        var text = new StringBuilder();
        var header = program.Parameters.Select(p => Binder(names, p.Var))
            .Concat(program.Constants.Where(c => !IsLiteral(c)).Select(c => Binder(names, c.Var)));
        text.Append("{ lambda ").Append(string.Join(" ", header)).Append(" ; ")
            .Append(string.Join(" ", program.Inputs.Select(v => Binder(names, v)))).Append(". let\n");
        foreach (var eqn in program.Eqns)
            text.Append("    ").Append(Equation(names, eqn)).Append('\n');
        text.Append("  in (").Append(string.Join(", ", program.Outputs.Select(o => $"{o.Name}={names[o.Var]}"))).Append(") }");
        return text.ToString();
    }

    /// <summary>
    /// The equations around <paramref name="index"/> (at most <paramref name="radius"/> on each side), the one at
    /// <paramref name="index"/> marked with <c>&gt;&gt;</c>, named as in the whole program's text. An index outside the
    /// equations (-1 for the binders, the count for the outputs) shows the nearest ones unmarked.
    /// </summary>
    internal static string Excerpt(Program program, int index, int radius)
    {
        var names = new Names(program);
        var lines = new List<string>();
        int first = Math.Max(0, index - radius), last = Math.Min(program.Eqns.Length - 1, index + radius);
        if (program.Eqns.Length == 0) return "    (no equations)";
        if (first > 0) lines.Add("    ...");
        for (int i = first; i <= last; i++)
            lines.Add((i == index ? ">>  " : "    ") + Equation(names, program.Eqns[i]));
        if (last < program.Eqns.Length - 1) lines.Add("    ...");
        return string.Join("\n", lines);
    }

    /// <summary>One equation: <c>c:f32[2,4] = add a b  # /Dense_0</c>.</summary>
    internal static string Equation(Names names, Eqn eqn)
    {
        var outputs = string.Join(" ", eqn.Outputs.Select(v => Binder(names, v)));
        var inputs = string.Concat(eqn.Inputs.Select(v => " " + names[v]));
        var path = eqn.ScopePath.Length == 0 ? "" : "  # " + eqn.ScopePath;
        return $"{outputs} = {eqn.Primitive.Name()}{eqn.Params}{inputs}{path}";
    }

    private static string Binder(Names names, Var v) => $"{names[v]}:{v.Type}";

    private static bool IsLiteral(ProgramConstant c) =>
        c.Value.Size == 1 && c.Value.DType is DType.Float32 or DType.Float64 or DType.Int32 or DType.Int64 or DType.Bool;

    /// <summary>
    /// Print names: parameters by path, one-element constants as literals (<c>0.5:f32[1,1]</c>), other variables
    /// <c>a, b, ..., z, ba, bb, ...</c> in binding order (inputs, constants, equation outputs). A variable the program
    /// never binds gets the next fresh name when first printed.
    /// </summary>
    internal sealed class Names
    {
        private readonly Dictionary<Var, string> _names = [];
        private int _count;

        internal Names(Program program)
        {
            foreach (var p in program.Parameters) _names.TryAdd(p.Var, p.Path);
            foreach (var v in program.Inputs) Fresh(v);
            foreach (var c in program.Constants)
                if (IsLiteral(c)) _names.TryAdd(c.Var, $"{Literal(c.Value)}:{c.Var.Type}");
                else Fresh(c.Var);
            foreach (var eqn in program.Eqns)
                foreach (var v in eqn.Outputs) Fresh(v);
        }

        internal string this[Var v] => _names.TryGetValue(v, out var name) ? name : Fresh(v);

        private string Fresh(Var v)
        {
            if (_names.TryGetValue(v, out var existing)) return existing;
            var name = Alphabetic(_count++);
            _names.Add(v, name);
            return name;
        }

        /// <summary>0 -> a, 25 -> z, 26 -> ba, 27 -> bb, ... (base 26, JAX's scheme).</summary>
        private static string Alphabetic(int n)
        {
            var s = "";
            do { s = (char)('a' + n % 26) + s; n /= 26; } while (n > 0);
            return s;
        }
    }

    /// <summary>The value of a one-element literal constant, printed like Python (<c>0.5</c>, <c>1.0</c>, <c>-inf</c>,
    /// <c>3</c>, <c>True</c>).</summary>
    private static string Literal(NDArray value) => value.DType switch
    {
        DType.Float32 => EqnParams.Number(value.Item<float>(), value.Item<float>().ToString("R", CultureInfo.InvariantCulture)),
        DType.Float64 => EqnParams.Number(value.Item<double>()),
        DType.Int32 => value.Item<int>().ToString(CultureInfo.InvariantCulture),
        DType.Int64 => value.Item<long>().ToString(CultureInfo.InvariantCulture),
        _ => value.Item<bool>() ? "True" : "False",
    };
}
