using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// One call of <c>while_loop</c> inside <c>pack</c> (variable groups <c>(carry, broadcast)</c>, every array leaf a
/// tensor of the outer trace): traces the condition and the body on their own (<see cref="LiftedTrace"/>), closes each
/// into a program over <c>(consts..., carry...)</c>, where the carry is the carry tensors then the carried variables'
/// leaves and the consts are the constants the function made then the broadcast variables' leaves, and binds one
/// <see cref="Primitive.While"/> equation.
/// </summary>
internal sealed class WhileRun(TraceContext trace, Tensor[] init, VariableDict[] groups)
{
    private const int Carry = 0;

    /// <summary>The carried variables' tensor leaves, by path, in order.</summary>
    private readonly List<(string Path, Tensor Value)> _carried =
        [.. groups[Carry].Flatten().Where(leaf => leaf.Value is Tensor).Select(leaf => (leaf.Key, (Tensor)leaf.Value))];

    /// <summary>Traces <paramref name="fn"/> on the carry.</summary>
    internal LiftedTrace Trace(Func<VariableDict[], LiftedHook, Scope> scopeFn, Func<Scope, VariableDict[]> repack, Func<Scope, Tensor[], Tensor[]> fn) =>
        LiftedTrace.Trace([.. init.Select(c => c.Type)], groups, (_, type) => type, scopeFn, repack, fn, capture: true);

    /// <summary>Binds the loop; returns the final carry tensors and the carried collections' final values.</summary>
    internal (Tensor[] Carry, VariableDict Carried) Bind(LiftedTrace cond, LiftedTrace body)
    {
        var (condProgram, condConsts) = Close(cond, [cond.Program.Outputs[0].Var]);
        var bodyOutputs = body.Program.Outputs.Take(body.Results).Select(o => o.Var).ToList();
        var written = new Dictionary<string, Var>();
        for (int k = 0; k < body.OutputLeaves.Count; k++)
            if (body.OutputLeaves[k].Group == Carry) written[body.OutputLeaves[k].Path] = body.Program.Outputs[body.Results + k].Var;
        var created = written.Keys.Except(_carried.Select(c => c.Path)).FirstOrDefault();
        if (created is not null || written.Count != _carried.Count)
            throw new LiftException($"while_loop body function carry input and carry output must have equal types, but the carried variables differ: ({string.Join(", ", _carried.Select(c => c.Path))}) on input and ({string.Join(", ", written.Keys)}) on output. Create the loop's variables before the loop.");
        foreach (var (path, value) in _carried)
        {
            if (!written[path].Type.Equals(value.Type))
                throw new LiftException($"while_loop body function carry input and carry output must have equal types, but variable \"{path}\" is {value.Type} on input and {written[path].Type} on output.");
            bodyOutputs.Add(written[path]);
        }
        var (bodyProgram, bodyConsts) = Close(body, bodyOutputs);
        var outputs = trace.BindAll(Primitive.While, new WhileParams(condProgram, condConsts.Count, bodyProgram, bodyConsts.Count),
            [.. condConsts, .. bodyConsts, .. init, .. _carried.Select(c => c.Value)]);
        var final = new Dictionary<string, object>(groups[Carry].Flatten());
        for (int k = 0; k < _carried.Count; k++) final[_carried[k].Path] = outputs[init.Length + k];
        return ([.. outputs.Take(init.Length)], VariableDict.Unflatten(final));
    }

    /// <summary>The closed program over <c>(constants, broadcast leaves, carry tensors, carried leaves)</c> giving
    /// <paramref name="outputs"/>, and its consts as tensors of the outer trace. A variable the function created would
    /// be a parameter, which the checker rejects; it cannot happen: the condition may write nothing, the body only the
    /// carried collections, where a new variable is a carry change reported before.</summary>
    private (Program Program, List<Tensor> Consts) Close(LiftedTrace traced, IReadOnlyList<Var> outputs)
    {
        var program = traced.Program;
        var consts = program.Constants.Select(c => trace.AddConstant(c.Value)).ToList();
        var inputs = program.Constants.Select(c => c.Var).ToList();
        var args = program.Inputs.Take(init.Length).ToList();
        var carried = new Dictionary<string, Var>();
        for (int k = 0; k < traced.InputLeaves.Count; k++)
        {
            var (group, path) = traced.InputLeaves[k];
            var v = program.Inputs[init.Length + k];
            if (group == Carry) carried[path] = v;
            else
            {
                inputs.Add(v);
                consts.Add((Tensor)groups[group].Flatten()[path]);
            }
        }
        for (int k = 0; k < traced.Captured.Count; k++)
        {
            inputs.Add(program.Inputs[init.Length + traced.InputLeaves.Count + k]);
            consts.Add(traced.Captured[k]);
        }
        inputs.AddRange(args);
        inputs.AddRange(_carried.Select(c => carried[c.Path]));
        var closed = program with
        {
            Inputs = [.. inputs],
            Constants = [],
            Outputs = [.. outputs.Select((v, k) => new ProgramOutput($"output_{k}", v))],
        };
        return (ProgramChecker.Check(closed), consts);
    }
}
