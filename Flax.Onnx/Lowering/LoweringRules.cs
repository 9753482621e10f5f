namespace Flax;

/// <summary>
/// Lowers one equation: adds the nodes that compute its output from <paramref name="inputs"/> (the ONNX names of
/// its operands) and returns the output's ONNX name, which is <paramref name="output"/> when that is given.
/// </summary>
internal delegate string LoweringRule(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output);

/// <summary>
/// Lowers one equation of a primitive with several outputs (<see cref="Primitives.HasManyOutputs"/>): adds its nodes
/// and returns the ONNX names of its outputs, in order; <paramref name="outputs"/> holds, per output, the name it must
/// have or null for a fresh one.
/// </summary>
internal delegate IReadOnlyList<string> ManyLoweringRule(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, IReadOnlyList<string?> outputs);

/// <summary>
/// The rule table of the ONNX lowering: one rule per <see cref="Primitive"/>, at opset 17, in one <c>switch</c> like
/// shape inference, evaluation and the VJP rules. The rules live in the partial files by family (element-wise,
/// structural, dot, reductions and windows, convolution); each rule's documentation names the ONNX operators it emits.
/// </summary>
internal static partial class LoweringRules
{
    /// <summary>The rule of <paramref name="primitive"/>.</summary>
    /// <exception cref="NotSupportedException">No rule is defined for the primitive.</exception>
    internal static LoweringRule For(Primitive primitive) => primitive switch
    {
        // One ONNX operator each, same operands (Div on integers truncates toward zero, like lax.div).
        Primitive.Add => Same("Add"),
        Primitive.Sub => Same("Sub"),
        Primitive.Mul => Same("Mul"),
        Primitive.Div => Same("Div"),
        Primitive.Pow => Same("Pow"),
        Primitive.Max => Same("Max"),
        Primitive.Min => Same("Min"),
        Primitive.Neg => Same("Neg"),
        Primitive.Sign => Same("Sign"),
        Primitive.Abs => Same("Abs"),
        Primitive.Exp => Same("Exp"),
        Primitive.Log => Same("Log"),
        Primitive.Tanh => Same("Tanh"),
        Primitive.Logistic => Same("Sigmoid"),
        Primitive.Sqrt => Same("Sqrt"),
        Primitive.Erf => Same("Erf"),
        Primitive.Eq => Same("Equal"),
        Primitive.Lt => Same("Less"),
        Primitive.Le => Same("LessOrEqual"),
        Primitive.Gt => Same("Greater"),
        Primitive.Ge => Same("GreaterOrEqual"),
        Primitive.And => Same("And"),
        Primitive.Or => Same("Or"),
        Primitive.Not => Same("Not"),
        Primitive.Select => Same("Where"),
        Primitive.Ne => Ne,
        Primitive.Rsqrt => Rsqrt,
        Primitive.Log1p => Log1p,
        Primitive.ConvertElementType => ConvertElementType,
        Primitive.DotGeneral => DotGeneral,
        Primitive.ReduceSum => ReduceSum,
        Primitive.ReduceMax => (g, eqn, inputs, output) => ReduceWithAttribute(g, "ReduceMax", eqn, inputs, output),
        Primitive.ReduceMin => (g, eqn, inputs, output) => ReduceWithAttribute(g, "ReduceMin", eqn, inputs, output),
        Primitive.Reshape => Reshape,
        Primitive.Transpose => Transpose,
        Primitive.BroadcastInDim => BroadcastInDim,
        Primitive.Concatenate => Concatenate,
        Primitive.Slice => Slice,
        Primitive.Pad => Pad,
        Primitive.Iota => Iota,
        Primitive.Take => Take,
        Primitive.TakeAlongAxis => TakeAlongAxis,
        Primitive.ConvGeneralDilated => ConvGeneralDilated,
        Primitive.ConvTranspose => ConvTranspose,
        Primitive.ScaleShift => ScaleShift,
        Primitive.ReduceWindowMax => ReduceWindowMax,
        Primitive.ReduceWindowSum => ReduceWindowSum,
        Primitive.SelectAndScatterAdd => SelectAndScatterAdd,
        // The forward value of a custom_vjp region is y itself: no node unless y must carry an output name.
        Primitive.CustomVjpCall => (g, _, inputs, output) => output is null ? inputs[0] : g.Node("Identity", inputs[0], output),
        // threefry2x32 on int64 words (opset 17 has no integer xor): see ThreefryGraph.
        Primitive.FoldIn => (g, _, inputs, output) => new ThreefryGraph(g).FoldIn(inputs[0], inputs[1], output),
        Primitive.RandomBits => (g, eqn, inputs, output) =>
            new ThreefryGraph(g).RandomBits(inputs[0], In(eqn).Dims[..^1], ((RandomBitsParams)eqn.Params).Shape, output),
        _ => throw new NotSupportedException($"No ONNX lowering rule for primitive '{primitive}'."),
    };

    /// <summary>The rule of <paramref name="primitive"/>, which has several outputs.</summary>
    /// <exception cref="NotSupportedException">No rule is defined for the primitive.</exception>
    internal static ManyLoweringRule ForMany(Primitive primitive) => primitive switch
    {
        Primitive.Scan => Scan,
        Primitive.While => While,
        Primitive.Cond => Cond,
        _ => throw new NotSupportedException($"No ONNX lowering rule for primitive '{primitive}'."),
    };

    /// <summary>The rule that emits the one ONNX operator <paramref name="op"/> on the same operands.</summary>
    private static LoweringRule Same(string op) => (g, _, inputs, output) => g.Node(op, inputs, output);

    /// <summary>The operand type of input <paramref name="i"/>.</summary>
    private static TensorType In(Eqn eqn, int i = 0) => eqn.Inputs[i].Type;

    /// <summary>The output type.</summary>
    private static TensorType Out(Eqn eqn) => eqn.Outputs[0].Type;
}
