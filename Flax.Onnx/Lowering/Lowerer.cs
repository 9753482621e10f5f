using System.Collections.Immutable;
using Flax.Lowering.Proto;

namespace Flax;

/// <summary>
/// The ONNX lowering: one pass over a checked and simplified <see cref="Program"/> (no dead or repeated equations,
/// <see cref="CommonSubexpressions.Simplify"/>, then the lowering-only rewrites of <see cref="Rewrite"/>) that maps
/// each variable to an ONNX value name and each equation to nodes through the rule table (<see cref="LoweringRules"/>),
/// on the shared <see cref="ProgramInterpreter"/> loop.
/// </summary>
/// <remarks>
/// Names: program inputs get the given names; parameters are graph inputs named by their path
/// (<c>params/Dense_0/kernel</c>) and, when a value is given, also initializers of that name (overridable
/// initializers: the value is the default, a run may feed another; or initializers only, on request); constants are plain initializers (or inputs
/// <c>constant_N</c> on request); outputs keep
/// their program names, except that an output whose name an input already has (a variable read and written back)
/// gets the suffix <see cref="UpdatedSuffix"/>. Nodes are named <c>scope/path/OpType_N</c>; intermediate values
/// <c>val_N</c>. A dynamic axis is the symbolic dimension <c>batch</c>.
/// </remarks>
internal static class Lowerer
{
    /// <summary>The suffix of an output that writes back a variable the program also reads.</summary>
    internal const string UpdatedSuffix = ":updated";

    /// <summary>Lowers <paramref name="program"/> to an ONNX model (IR 8, opset 17).</summary>
    /// <param name="program">The program; checked first.</param>
    /// <param name="inputNames">The graph names of the program inputs, in order.</param>
    /// <param name="form">How parameters and constants are stored; <see cref="ParameterForm.Fed"/> when null.</param>
    /// <param name="nchwcBlock">The channel block of ONNX Runtime's blocked CPU convolutions to lower convolutions to
    /// (<see cref="NchwcBlock"/>), for a model that only this process runs, on the CPU; 0 for standard ONNX.</param>
    /// <exception cref="ProgramCheckException">The program is ill-formed.</exception>
    /// <exception cref="NotSupportedException">An equation has no lowering rule, or its rule cannot express it.</exception>
    internal static OnnxModel Lower(Program program, IReadOnlyList<string> inputNames, ParameterForm? form = null, int nchwcBlock = 0)
    {
        form ??= ParameterForm.Fed;
        program = CommonSubexpressions.Simplify(ProgramChecker.Check(program));
        if (!form.ConstantsAsInputs) program = Rewrite(program);
        if (inputNames.Count != program.Inputs.Length)
            throw new ArgumentException($"The program has {program.Inputs.Length} inputs, got {inputNames.Count} names.", nameof(inputNames));
        var batchInput = program.Inputs.Select((v, i) => (Var: v, i)).FirstOrDefault(e => e.Var.Type.IsDynamic);
        var g = new GraphBuilder("main", batchInput.Var is null ? null : (inputNames[batchInput.i], batchInput.Var.Type.Dims.IndexOf(-1)), nchwcBlock);
        var names = new Dictionary<Var, string>(ReferenceEqualityComparer.Instance);

        for (int i = 0; i < program.Inputs.Length; i++)
            Bind(g, names, program.Inputs[i], inputNames[i]);
        foreach (var parameter in program.Parameters)
        {
            if (form.Values is not null && form.Values.TryGetValue(parameter.Path, out var value))
            {
                g.Graph.Initializer.Add(OnnxTypes.Tensor(parameter.Path, value));
                if (!form.ListedAsInputs)
                {
                    names[parameter.Var] = g.Claim(parameter.Path);
                    continue;
                }
            }
            Bind(g, names, parameter.Var, parameter.Path);
        }
        var constantNames = new List<string>();
        foreach (var constant in program.Constants)
        {
            if (!form.ConstantsAsInputs)
            {
                names[constant.Var] = g.Constant(constant.Value);
                continue;
            }
            constantNames.Add($"constant_{constantNames.Count}");
            Bind(g, names, constant.Var, constantNames[^1]);
        }

        var outputNames = program.Outputs.Select(o => names.Values.Contains(o.Name) ? o.Name + UpdatedSuffix : o.Name).ToArray();
        var direct = new Dictionary<Var, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < outputNames.Length; i++)
            if (!names.ContainsKey(program.Outputs[i].Var)) direct.TryAdd(program.Outputs[i].Var, outputNames[i]);

        var results = ProgramInterpreter.Run(program, v => names[v], (eqn, inputs) => LowerEqn(g, direct, eqn, inputs));

        g.ScopePath = "";
        for (int i = 0; i < outputNames.Length; i++)
        {
            var (source, name) = (results[i], outputNames[i]);
            if (source != name) g.Node("Identity", source, g.Claim(name));
            g.Graph.Output.Add(OnnxTypes.ValueInfo(name, program.Outputs[i].Var.Type.DType, program.Outputs[i].Var.Type.Dims.AsSpan()));
        }
        return new OnnxModel(g.Graph, [.. inputNames], [.. program.Parameters.Select(p => p.Path)], [.. constantNames], [.. outputNames]);
    }

    /// <summary>
    /// The lowering-only rewrites, after autodiff has seen the program: convolution input gradients become
    /// <see cref="Primitive.ConvTranspose"/> (<see cref="ConvTransposeFolding"/>), a ReLU's gradient mask after max
    /// pooling moves onto the pooled cotangent (<see cref="PoolMaskFolding"/>), the ReLU's select becomes a <c>max</c>
    /// (<see cref="ClampFolding"/>), and a batch norm's per-feature <c>x * a + b</c> one
    /// <see cref="Primitive.ScaleShift"/> (<see cref="ScaleShiftFolding"/>). They read constant values (reversal indices, zeros), so a model whose
    /// runs feed its constants (<see cref="ParameterForm.ConstantsAsInputs"/>) is lowered without them.
    /// </summary>
    private static Program Rewrite(Program program) => ScaleShiftFolding.Fold(ClampFolding.Fold(PoolMaskFolding.Fold(ConvTransposeFolding.Fold(program))));

    private static void Bind(GraphBuilder g, Dictionary<Var, string> names, Var var, string name)
    {
        names[var] = g.Claim(name);
        g.Graph.Input.Add(OnnxTypes.ValueInfo(name, var.Type.DType, var.Type.Dims.AsSpan()));
    }

    /// <summary>
    /// Lowers a closed sub-program (a loop's body or condition) into <paramref name="g"/>, a subgraph under
    /// construction: its inputs are the values <paramref name="inputs"/> names, its constants become initializers of
    /// <paramref name="g"/>; it reads no parameters (shape inference refuses a sub-program that does).
    /// </summary>
    /// <returns>The ONNX names of the program's outputs, in order.</returns>
    internal static ImmutableArray<string> LowerClosed(GraphBuilder g, Program program, IReadOnlyList<string> inputs)
    {
        program = Rewrite(CommonSubexpressions.Simplify(program));
        var names = new Dictionary<Var, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < program.Inputs.Length; i++) names[program.Inputs[i]] = inputs[i];
        foreach (var constant in program.Constants) names[constant.Var] = g.Constant(constant.Value);
        var saved = g.ScopePath;
        var results = ProgramInterpreter.Run(program, v => names[v], (eqn, args) => LowerEqn(g, [], eqn, args));
        g.ScopePath = saved;
        return results;
    }

    /// <summary>The lowering pass's rule on the interpreter loop: the ONNX names of <paramref name="eqn"/>'s outputs.</summary>
    private static ImmutableArray<string> LowerEqn(GraphBuilder g, Dictionary<Var, string> direct, Eqn eqn, ImmutableArray<string> inputs)
    {
        var at = eqn.ScopePath.Length == 0 ? "/" : eqn.ScopePath;
        g.ScopePath = eqn.ScopePath.TrimStart('/');
        try
        {
            if (!eqn.Primitive.HasManyOutputs())
            {
                var output = direct.TryGetValue(eqn.Outputs[0], out var wanted) ? g.Claim(wanted) : null;
                var type = eqn.Outputs[0].Type;
                // An empty result holds no value to compute: ONNX Runtime rejects some empty results (a convolution
                // window larger than its padded input, which JAX gives as an empty output), so none reaches a rule.
                if (type.Dims.Contains(0))
                    return [g.Node("Expand", [g.Constant(NDArray.Zeros(type.DType)), g.Shape(type.Dims, minusOneInfers: false)], output)];
                return [LoweringRules.For(eqn.Primitive)(g, eqn, inputs, output)];
            }
            var outputs = eqn.Outputs.Select(v => direct.TryGetValue(v, out var name) ? g.Claim(name) : null).ToArray();
            return [.. LoweringRules.ForMany(eqn.Primitive)(g, eqn, inputs, outputs)];
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            throw new NotSupportedException($"Cannot lower primitive '{eqn.Primitive}' (at {at}): {e.Message}", e);
        }
    }
}
