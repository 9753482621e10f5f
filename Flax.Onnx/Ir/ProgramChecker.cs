using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// Verifies a <see cref="Program"/>'s invariants before it is lowered (JAX's <c>check_jaxpr</c>): every variable is
/// bound once and before it is read; every equation's inputs fit its primitive and its outputs are typed as
/// <see cref="ShapeInference"/> says, and the closed programs its params hold are well formed themselves; parameter paths and output names are unique; parameters and constants are
/// static and constants match their values; a dynamic size (-1) appears only in programs with a dynamic input.
/// </summary>
internal static class ProgramChecker
{
    /// <summary>Checks <paramref name="program"/>; returns it unchanged when it is well formed.</summary>
    /// <exception cref="ProgramCheckException">An invariant is broken; the message shows where.</exception>
    internal static Program Check(Program program)
    {
        var names = new ProgramPrinter.Names(program);
        Unique(program, program.Parameters.Select(p => p.Path), "parameter path", -1);
        Unique(program, program.Outputs.Select(o => o.Name), "output name", program.Eqns.Length);
        foreach (var p in program.Parameters)
            if (p.Var.Type.IsDynamic)
                throw new ProgramCheckException($"Parameter '{p.Path}' has the dynamic type {p.Var.Type}.", program, -1);
        foreach (var c in program.Constants)
            if (!new TensorType(c.Value.DType, c.Value.Shape).Equals(c.Var.Type))
                throw new ProgramCheckException($"Constant '{names[c.Var]}' is typed {c.Var.Type} but holds a {c.Value.DType.Name()} array of shape {Shapes.Format(c.Value.Shape)}.", program, -1);

        bool dynamicInput = program.Inputs.Any(v => v.Type.IsDynamic);
        ProgramInterpreter.Run(program, v => v.Type, (eqn, inputs) =>
        {
            var inferred = ShapeInference.InferAll(eqn.Primitive, eqn.Params, inputs.AsSpan());
            if (eqn.Outputs.Length != inferred.Length)
                throw new ArgumentException($"{eqn.Primitive.Name()} binds {inferred.Length} variable{(inferred.Length == 1 ? "" : "s")}, got {eqn.Outputs.Length}.");
            for (int k = 0; k < inferred.Length; k++)
            {
                var output = eqn.Outputs[k];
                if (!output.Type.Equals(inferred[k]))
                    throw new ArgumentException($"Variable '{names[output]}' is typed {output.Type} but {eqn.Primitive.Name()} gives {inferred[k]}.");
                if (inferred[k].IsDynamic && !dynamicInput)
                    throw new ArgumentException($"Variable '{names[output]}' has the dynamic batch size but no program input has a dynamic axis to take it from.");
            }
            foreach (var (name, sub) in eqn.Params.Programs())
            {
                try { Check(sub); }
                catch (ProgramCheckException e) { throw new ArgumentException($"{eqn.Primitive.Name()}'s {name} program is ill-formed: {e.Message}", e); }
            }
            return inferred;
        });
        return program;
    }

    private static void Unique(Program program, IEnumerable<string> names, string what, int index)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (!seen.Add(name))
                throw new ProgramCheckException($"Duplicate {what} '{name}'.", program, index);
    }
}
