using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Reverse-mode automatic differentiation as a <see cref="Program"/> to <see cref="Program"/> pass (JAX's
/// <c>vjp</c>: linearize, then transpose, here fused into one backward sweep). The result keeps the whole forward
/// program, so its outputs (including values written to mutable collections) are still computed, and appends the
/// equations of the backward pass, built from the rules in <see cref="VjpRules"/>, with one output per gradient.
/// It lowers like any other program, so a forward and backward pass are one ONNX Runtime run. The forward program is
/// simplified first (<see cref="CommonSubexpressions.Simplify"/>), so dead and repeated code gets no backward pass.
/// </summary>
/// <remarks>
/// Only equations on a path from a differentiated variable to a differentiated output get backward equations
/// (JAX's activity analysis): the cotangent of an input image, for example, is never computed when only the parameters
/// are wanted. A variable the outputs do not depend on gets a zero gradient.
/// </remarks>
internal static class Autodiff
{
    /// <summary>The prefix of gradient outputs: <c>grad/params/Dense_0/kernel</c>, <c>grad/input_0</c>.</summary>
    internal const string GradPrefix = "grad/";

    /// <summary>The output name of the gradient of a parameter.</summary>
    internal static string GradName(string parameterPath) => GradPrefix + parameterPath;

    /// <summary>The output name of the gradient of the program input at <paramref name="index"/>.</summary>
    internal static string InputGradName(int index) => $"{GradPrefix}input_{index}";

    /// <summary>
    /// The program computing <paramref name="program"/>'s outputs and the gradients of its scalar output
    /// <paramref name="output"/> (<c>jax.value_and_grad</c>) with respect to the named parameters and the inputs at
    /// <paramref name="inputs"/>: outputs <see cref="GradName"/> and <see cref="InputGradName"/>, in that order,
    /// after the original ones.
    /// </summary>
    /// <exception cref="ArgumentException">An output, parameter or input is unknown, the output is not a
    /// floating-point scalar, or a differentiated variable is not floating-point.</exception>
    internal static Program ValueAndGrad(Program program, string output, IReadOnlyList<string> parameters, IReadOnlyList<int> inputs)
    {
        program = CommonSubexpressions.Simplify(program);
        var loss = FindOutput(program, output);
        if (!loss.Type.DType.IsFloat())
            throw new ArgumentException($"grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got {loss.Type.DType.Name()}.", nameof(output));
        if (loss.Type.Rank != 0)
            throw new ArgumentException($"Gradient only defined for scalar-output functions. Output had shape: {Shapes.Format(loss.Type.Shape)}.", nameof(output));
        var builder = new GradBuilder();
        var seed = builder.Constant(NDArray.Ones(loss.Type.DType));
        return Differentiate(program, builder, [(loss, seed)], [], parameters, inputs);
    }

    /// <summary>
    /// The program computing <paramref name="program"/>'s outputs and the vector-Jacobian product of the outputs named
    /// <paramref name="outputs"/> (<c>jax.vjp</c>): their cotangents are new inputs appended after the original ones,
    /// in that order and typed like the outputs, and the gradients are outputs as in <see cref="ValueAndGrad"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An output, parameter or input is unknown or named twice, an output is not
    /// floating-point, or a differentiated variable is not floating-point.</exception>
    internal static Program Vjp(Program program, IReadOnlyList<string> outputs, IReadOnlyList<string> parameters, IReadOnlyList<int> inputs)
    {
        if (outputs.Distinct().Count() != outputs.Count)
            throw new ArgumentException($"Outputs are named more than once in [{string.Join(", ", outputs)}].", nameof(outputs));
        program = CommonSubexpressions.Simplify(program);
        var seeds = new List<(Var, Var)>();
        foreach (var name in outputs)
        {
            var v = FindOutput(program, name);
            if (!v.Type.DType.IsFloat())
                throw new ArgumentException($"vjp requires real-valued outputs, but output '{name}' has dtype {v.Type.DType.Name()}.", nameof(outputs));
            seeds.Add((v, new Var(v.Type)));
        }
        return Differentiate(program, new GradBuilder(), seeds, [.. seeds.Select(s => s.Item2)], parameters, inputs);
    }

    private static Var FindOutput(Program program, string name) =>
        program.Outputs.FirstOrDefault(o => o.Name == name)?.Var
        ?? throw new ArgumentException($"The program has no output named '{name}'; its outputs are [{string.Join(", ", program.Outputs.Select(o => o.Name))}].");

    /// <summary>The program-level pass shared by <see cref="ValueAndGrad"/> and <see cref="Vjp"/>.</summary>
    private static Program Differentiate(Program program, GradBuilder builder, IReadOnlyList<(Var Output, Var Cotangent)> seeds,
        ImmutableArray<Var> cotangentInputs, IReadOnlyList<string> parameters, IReadOnlyList<int> inputs)
    {
        var targets = Targets(program, parameters, inputs);
        var cts = Backward(program.Eqns, seeds, targets.Select(t => t.Var), builder);
        builder.ScopePath = "";
        var gradOutputs = targets.Select(t => new ProgramOutput(t.Name, cts.TryGetValue(t.Var, out var g) ? g : Zeros(builder, t.Var.Type))).ToList();
        return ProgramChecker.Check(program with
        {
            Inputs = program.Inputs.AddRange(cotangentInputs),
            Constants = program.Constants.AddRange(builder.Constants),
            Eqns = program.Eqns.AddRange(builder.Eqns),
            Outputs = program.Outputs.AddRange(gradOutputs),
        });
    }

    /// <summary>
    /// The backward sweep: appends to <paramref name="builder"/> the equations that carry the cotangents of
    /// <paramref name="seeds"/> back through <paramref name="eqns"/> (the forward equations, in order) to
    /// <paramref name="wrt"/>. Variables bound outside <paramref name="eqns"/> are constants of the differentiation.
    /// </summary>
    /// <returns>The cotangent of each variable it reached, the differentiated ones among them; a differentiated
    /// variable missing from it has a zero gradient.</returns>
    internal static Dictionary<Var, Var> Backward(IReadOnlyList<Eqn> eqns, IEnumerable<(Var Output, Var Cotangent)> seeds,
        IEnumerable<Var> wrt, GradBuilder builder)
    {
        var cts = new Dictionary<Var, Var>();
        foreach (var (output, ct) in seeds) Accumulate(builder, cts, output, ct);
        var wrtList = wrt.ToList();
        // A cond is differentiated through its select form, bound by the builder: the sweep runs the expanded
        // equations, and the cond's output cotangents move to the expansion's outputs where the cond stood.
        var expanded = new Dictionary<Eqn, ImmutableArray<Var>>(ReferenceEqualityComparer.Instance);
        if (eqns.Any(e => e.Primitive == Primitive.Cond))
        {
            var seen = Varied(eqns, wrtList);
            var list = new List<Eqn>();
            foreach (var e in eqns)
            {
                if (e.Primitive == Primitive.Cond && e.Inputs.Any(seen.Contains))
                {
                    int before = builder.Eqns.Count;
                    builder.ScopePath = e.ScopePath;
                    expanded[e] = builder.ExpandCond(e);
                    list.AddRange(builder.Eqns.Skip(before));
                }
                list.Add(e);
            }
            eqns = list;
        }
        var varied = Varied(eqns, wrtList);
        for (int i = eqns.Count - 1; i >= 0; i--)
        {
            var eqn = eqns[i];
            if (expanded.TryGetValue(eqn, out var selected))
            {
                for (int k = 0; k < eqn.Outputs.Length; k++)
                    if (cts.Remove(eqn.Outputs[k], out var outCt) && varied.Contains(eqn.Outputs[k])) Accumulate(builder, cts, selected[k], outCt);
                continue;
            }
            if (eqn.Primitive.HasManyOutputs())
            {
                if (!eqn.Outputs.Any(v => cts.ContainsKey(v) && varied.Contains(v))) continue;
                var many = VjpRules.ForMany(eqn.Primitive) ?? throw VjpRules.NoManyOutputRule(eqn);
                var outputCts = eqn.Outputs.Select(v => varied.Contains(v) && cts.TryGetValue(v, out var c) ? c : null).ToArray();
                var neededMany = eqn.Inputs.Select(varied.Contains).ToArray();
                builder.ScopePath = eqn.ScopePath;
                var manyCts = many(builder, eqn, outputCts, neededMany);
                for (int k = 0; k < neededMany.Length; k++)
                    if (neededMany[k] && manyCts[k] is { } inputCt) Accumulate(builder, cts, eqn.Inputs[k], inputCt);
                continue;
            }
            if (!cts.TryGetValue(eqn.Outputs[0], out var ct) || !varied.Contains(eqn.Outputs[0])) continue;
            var rule = VjpRules.For(eqn.Primitive)!;
            var needed = eqn.Inputs.Select(varied.Contains).ToArray();
            builder.ScopePath = eqn.ScopePath;
            var inputCts = rule(builder, eqn, ct, needed);
            for (int k = 0; k < needed.Length; k++)
                if (needed[k] && inputCts[k] is { } inputCt) Accumulate(builder, cts, eqn.Inputs[k], inputCt);
        }
        return cts;
    }

    /// <summary>The differentiated variables with their gradient output names, checked.</summary>
    private static List<(string Name, Var Var)> Targets(Program program, IReadOnlyList<string> parameters, IReadOnlyList<int> inputs)
    {
        var targets = new List<(string Name, Var Var)>();
        foreach (var path in parameters)
        {
            var p = program.Parameters.FirstOrDefault(q => q.Path == path)
                ?? throw new ArgumentException($"The program has no parameter named '{path}'.", nameof(parameters));
            targets.Add((GradName(path), p.Var));
        }
        foreach (var index in inputs)
        {
            if (index < 0 || index >= program.Inputs.Length)
                throw new ArgumentException($"Input index {index} is out of range for a program with {program.Inputs.Length} input(s).", nameof(inputs));
            targets.Add((InputGradName(index), program.Inputs[index]));
        }
        foreach (var (name, v) in targets)
            if (!v.Type.DType.IsFloat())
                throw new ArgumentException($"grad requires real-valued inputs (input dtype that is a sub-dtype of np.inexact), but got {v.Type.DType.Name()} for '{name[GradPrefix.Length..]}'.");
        var duplicate = targets.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"'{duplicate.Key[GradPrefix.Length..]}' is differentiated more than once.");
        return targets;
    }

    /// <summary>
    /// The variables that depend differentiably on <paramref name="targets"/>: floating-point outputs of equations
    /// with a varied input and a rule through which cotangents flow.
    /// </summary>
    private static HashSet<Var> Varied(IReadOnlyList<Eqn> eqns, IEnumerable<Var> targets)
    {
        var varied = new HashSet<Var>(targets);
        foreach (var eqn in eqns)
        {
            if (!eqn.Inputs.Any(varied.Contains)) continue;
            if (eqn.Primitive.HasManyOutputs())
                varied.UnionWith(eqn.Outputs.Where(v => v.Type.DType.IsFloat()));
            else if (eqn.Outputs[0].Type.DType.IsFloat() && VjpRules.For(eqn.Primitive) is not null)
                varied.Add(eqn.Outputs[0]);
        }
        return varied;
    }

    /// <summary>Adds <paramref name="ct"/> to the cotangent of <paramref name="v"/>.</summary>
    private static void Accumulate(GradBuilder builder, Dictionary<Var, Var> cts, Var v, Var ct)
    {
        if (!ct.Type.Equals(v.Type))
            throw new InvalidOperationException($"A cotangent of type {ct.Type} was computed for a variable of type {v.Type}.");
        cts[v] = cts.TryGetValue(v, out var sum) ? builder.Add(sum, ct) : ct;
    }

    /// <summary>Zeros of <paramref name="type"/> (broadcast from a scalar, so a dynamic batch size works).</summary>
    internal static Var Zeros(GradBuilder builder, TensorType type) =>
        builder.BroadcastInDim(builder.Constant(NDArray.Zeros(type.DType)), type.Dims, []);
}
