using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// The loop every pass over a <see cref="Program"/> shares (Autodidax's <c>eval_jaxpr</c>): bind the inputs,
/// parameters and constants, then for each equation read its inputs from the environment, apply the pass's rule, and
/// bind its outputs; finally read the outputs. Passes differ only in the value type (a
/// <see cref="TensorType"/> when checking, an array when evaluating, an ONNX value name when lowering) and the rule.
/// </summary>
internal static class ProgramInterpreter
{
    /// <summary>Interprets <paramref name="program"/>.</summary>
    /// <param name="program">The program.</param>
    /// <param name="leaf">The value of each input, parameter and constant variable.</param>
    /// <param name="rule">The values of an equation's outputs given its input values. It throws
    /// <see cref="ArgumentException"/> when the equation is ill-formed.</param>
    /// <returns>The values of the program's outputs, in order.</returns>
    /// <exception cref="ProgramCheckException">A variable is bound twice or read before it is bound, a rule rejects
    /// its equation, or a rule returns the wrong number of values.</exception>
    internal static ImmutableArray<T> Run<T>(Program program, Func<Var, T> leaf, Func<Eqn, ImmutableArray<T>, ImmutableArray<T>> rule)
    {
        var env = new Dictionary<Var, T>();
        var names = new Lazy<ProgramPrinter.Names>(() => new ProgramPrinter.Names(program));
        void Bind(Var v, T value, int index)
        {
            if (!env.TryAdd(v, value))
                throw new ProgramCheckException($"Variable '{names.Value[v]}' is already bound.", program, index);
        }
        T Read(Var v, int index) => env.TryGetValue(v, out var value) ? value
            : throw new ProgramCheckException($"Variable '{names.Value[v]}' is read before it is bound.", program, index);

        var leaves = program.Inputs.Concat(program.Parameters.Select(p => p.Var)).Concat(program.Constants.Select(c => c.Var));
        foreach (var v in leaves) Bind(v, leaf(v), -1);
        for (int i = 0; i < program.Eqns.Length; i++)
        {
            var eqn = program.Eqns[i];
            var inputs = ImmutableArray.CreateRange(eqn.Inputs, (v, index) => Read(v, index), i);
            ImmutableArray<T> outputs;
            try { outputs = rule(eqn, inputs); }
            catch (ArgumentException e) { throw new ProgramCheckException(e.Message, program, i, e); }
            if (outputs.Length != eqn.Outputs.Length)
                throw new ProgramCheckException($"{eqn.Primitive.Name()} gives {outputs.Length} value(s) for {eqn.Outputs.Length} binder(s).", program, i);
            for (int k = 0; k < outputs.Length; k++) Bind(eqn.Outputs[k], outputs[k], i);
        }
        return ImmutableArray.CreateRange(program.Outputs, (o, count) => Read(o.Var, count), program.Eqns.Length);
    }
}
