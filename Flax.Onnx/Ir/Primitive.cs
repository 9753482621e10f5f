namespace Flax.Ir;

/// <summary>
/// The closed set of IR operations, modelled on <c>jax.lax</c>'s primitives. Each member's documentation is the
/// contract every pass (shape inference, checker, evaluator, ONNX lowering, autodiff) implements.
/// </summary>
/// <remarks>
/// <para>Conventions shared by every member:</para>
/// <list type="bullet">
/// <item>Each equation has exactly one output, except those of the members <see cref="Primitives.HasManyOutputs"/>
/// names (<see cref="Scan"/>, <see cref="While"/>, <see cref="Cond"/>). Axes in params are non-negative and in range.</item>
/// <item>A dimension of -1 is the program's single dynamic size, <c>batch</c>: every -1 in a program denotes the
/// same runtime size, which comes from an input whose type has -1. Parameters, constants and iota never have -1.
/// A static size never equals -1 by proof, so a rule that needs two sizes to be equal treats -1 only as equal
/// to -1.</item>
/// <item><b>Element-wise broadcasting.</b> The operands of an element-wise member have equal rank; on each axis their
/// sizes are equal or one of them is 1, which repeats along that axis (ONNX multidirectional broadcasting without
/// rank extension; the tracing layer inserts the reshapes that equalize ranks). The output size of an axis is the
/// size that is not 1 (or 1). -1 against 1 gives -1; -1 against a static size above 1 is an error.</item>
/// <item>Operands of binary members share one dtype. "Numeric" means any dtype but <see cref="DType.Bool"/>;
/// "float" means a floating-point dtype. Float math follows IEEE: NaN propagates.</item>
/// <item>Params are a record derived from <see cref="EqnParams"/>; members without params use
/// <see cref="EqnParams.None"/>. The printed name is the member's snake_case name (<c>dot_general</c>).</item>
/// </list>
/// </remarks>
public enum Primitive
{
    /// <summary><c>x + y</c>, element-wise with broadcasting; numeric; integers wrap on overflow.</summary>
    Add,
    /// <summary><c>x - y</c>, element-wise with broadcasting; numeric; integers wrap on overflow.</summary>
    Sub,
    /// <summary><c>x * y</c>, element-wise with broadcasting; numeric; integers wrap on overflow.</summary>
    Mul,
    /// <summary><c>x / y</c>, element-wise with broadcasting; numeric. Integer division truncates toward zero
    /// (<c>lax.div</c>); an integer division by zero is undefined.</summary>
    Div,
    /// <summary><c>x ** y</c>, element-wise with broadcasting; float (C's <c>pow</c>).</summary>
    Pow,
    /// <summary><c>max(x, y)</c>, element-wise with broadcasting; numeric; NaN if either is NaN.</summary>
    Max,
    /// <summary><c>min(x, y)</c>, element-wise with broadcasting; numeric; NaN if either is NaN.</summary>
    Min,

    /// <summary><c>-x</c>; numeric.</summary>
    Neg,
    /// <summary><c>sign(x)</c>: -1, 0 or 1 (NaN stays NaN); numeric.</summary>
    Sign,
    /// <summary><c>|x|</c>; numeric.</summary>
    Abs,
    /// <summary><c>e ** x</c>; float.</summary>
    Exp,
    /// <summary>Natural logarithm; float (<c>log(0) = -inf</c>, negative gives NaN).</summary>
    Log,
    /// <summary><c>log(1 + x)</c>, accurate near 0; float.</summary>
    Log1p,
    /// <summary>Hyperbolic tangent; float.</summary>
    Tanh,
    /// <summary>The logistic sigmoid <c>1 / (1 + e ** -x)</c> (<c>lax.logistic</c>); float.</summary>
    Logistic,
    /// <summary>Square root; float.</summary>
    Sqrt,
    /// <summary><c>1 / sqrt(x)</c>; float.</summary>
    Rsqrt,
    /// <summary>The Gauss error function <c>erf(x)</c>; float.</summary>
    Erf,

    /// <summary><c>x == y</c>, element-wise with broadcasting; any dtype; output <see cref="DType.Bool"/>.</summary>
    Eq,
    /// <summary><c>x != y</c>, element-wise with broadcasting; any dtype; output <see cref="DType.Bool"/>.</summary>
    Ne,
    /// <summary><c>x &lt; y</c>, element-wise with broadcasting; numeric; output <see cref="DType.Bool"/>
    /// (false when either is NaN).</summary>
    Lt,
    /// <summary><c>x &lt;= y</c>, element-wise with broadcasting; numeric; output <see cref="DType.Bool"/>.</summary>
    Le,
    /// <summary><c>x &gt; y</c>, element-wise with broadcasting; numeric; output <see cref="DType.Bool"/>.</summary>
    Gt,
    /// <summary><c>x &gt;= y</c>, element-wise with broadcasting; numeric; output <see cref="DType.Bool"/>.</summary>
    Ge,
    /// <summary>Logical <c>x and y</c>, element-wise with broadcasting; <see cref="DType.Bool"/> only.</summary>
    And,
    /// <summary>Logical <c>x or y</c>, element-wise with broadcasting; <see cref="DType.Bool"/> only.</summary>
    Or,
    /// <summary>Logical <c>not x</c>; <see cref="DType.Bool"/> only.</summary>
    Not,

    /// <summary>
    /// <c>pred ? onTrue : onFalse</c> (<c>jnp.where</c>; <c>lax.select_n(pred, onFalse, onTrue)</c>). Inputs
    /// <c>(pred, onTrue, onFalse)</c>, element-wise with broadcasting across all three; <c>pred</c> is
    /// <see cref="DType.Bool"/>, the other two share the output dtype.
    /// </summary>
    Select,

    /// <summary>
    /// Converts to <see cref="ConvertElementTypeParams.NewDType"/> (<c>lax.convert_element_type</c>). Float to
    /// integer truncates toward zero (out of range is undefined); to bool is <c>x != 0</c>; bool to numeric is 0 or 1.
    /// </summary>
    ConvertElementType,

    /// <summary>
    /// Generalized dot product (<c>lax.dot_general</c>), params <see cref="DotGeneralParams"/>. Inputs
    /// <c>(lhs, rhs)</c> of one numeric dtype. Batch axes pair up (<c>LhsBatch[i]</c> with <c>RhsBatch[i]</c>, equal
    /// sizes) and so do contracting axes (summed over). Output axes: the batch axes (in <c>LhsBatch</c> order), then
    /// lhs's remaining axes in order, then rhs's remaining axes in order. Same dtype as the inputs.
    /// </summary>
    DotGeneral,

    /// <summary>Sum over <see cref="ReduceParams.Axes"/>, which are removed from the shape; numeric. The sum of
    /// nothing is 0.</summary>
    ReduceSum,
    /// <summary>Maximum over <see cref="ReduceParams.Axes"/>, which are removed from the shape; numeric. NaN
    /// propagates; an empty reduction is undefined.</summary>
    ReduceMax,
    /// <summary>Minimum over <see cref="ReduceParams.Axes"/>, which are removed from the shape; numeric. NaN
    /// propagates; an empty reduction is undefined.</summary>
    ReduceMin,

    /// <summary>
    /// Same elements in C order, new shape <see cref="ReshapeParams.NewSizes"/> (<c>lax.reshape</c>, no
    /// <c>dimensions</c>). The products of the static sizes of input and output are equal and both have the same
    /// number of -1 entries (each stands for <c>batch</c>). A lowering may pass -1 for the one dynamic entry, or 0
    /// (copy) where input and output have -1 on the same axis.
    /// </summary>
    Reshape,

    /// <summary>Permutes axes (<c>lax.transpose</c>): output axis <c>i</c> is input axis
    /// <c>TransposeParams.Permutation[i]</c>.</summary>
    Transpose,

    /// <summary>
    /// Broadcasts to <see cref="BroadcastInDimParams.Shape"/> (<c>lax.broadcast_in_dim</c>): operand axis <c>i</c>
    /// becomes output axis <c>BroadcastDimensions[i]</c> (strictly increasing), and its size equals that output size
    /// or is 1; all other output axes are new. An output size of -1 is <c>batch</c>: an operand axis of size -1 must
    /// map to it, or the lowering takes the batch size from a dynamic program input.
    /// </summary>
    BroadcastInDim,

    /// <summary>
    /// Joins the inputs (one or more, same dtype, same rank) along <see cref="AxisParams.Axis"/>
    /// (<c>lax.concatenate</c>); the other axes have equal sizes. The axis must not be dynamic (-1) in any input.
    /// </summary>
    Concatenate,

    /// <summary>
    /// Static strided slice (<c>lax.slice</c>), params <see cref="SliceParams"/>: on axis <c>i</c> it keeps indices
    /// <c>Start[i], Start[i] + Strides[i], ...</c> below <c>Limit[i]</c>, giving <c>ceil((Limit - Start) / Stride)</c>
    /// elements. <c>0 &lt;= Start &lt;= Limit &lt;= size</c>, <c>Stride &gt;= 1</c>. On a dynamic (-1) axis only the
    /// whole axis can be kept: <c>Start = 0, Limit = -1, Stride = 1</c>.
    /// </summary>
    Slice,

    /// <summary>
    /// Constant padding (<c>lax.pad</c> without interior padding), params <see cref="PadParams"/>: axis <c>i</c> gets
    /// <c>Low[i]</c> copies of <c>PaddingValue</c> before and <c>High[i]</c> after (both non-negative; 0 on a dynamic
    /// axis). The value is converted to the operand's dtype.
    /// </summary>
    Pad,

    /// <summary>
    /// No inputs. An array of <see cref="IotaParams.Shape"/> (static) and <see cref="IotaParams.DType"/> (numeric)
    /// whose element at index <c>i</c> is <c>i[Dimension]</c> (<c>lax.broadcasted_iota</c>).
    /// </summary>
    Iota,

    /// <summary>
    /// <c>jnp.take(operand, indices, axis)</c> / ONNX <c>Gather</c>: inputs <c>(operand, indices)</c>, indices of
    /// dtype int32 or int64, params <see cref="AxisParams"/>. Output shape
    /// <c>operand.shape[:axis] + indices.shape + operand.shape[axis+1:]</c>; element
    /// <c>out[a..., j..., b...] = operand[a..., indices[j...], b...]</c>. Indices lie in <c>[-n, n)</c> with n the axis
    /// size; negative ones count from the end; others are undefined. The axis must not be dynamic.
    /// </summary>
    Take,

    /// <summary>
    /// <c>jnp.take_along_axis(operand, indices, axis)</c> / ONNX <c>GatherElements</c>: inputs
    /// <c>(operand, indices)</c> of equal rank, indices int32 or int64, params <see cref="AxisParams"/>. The output has
    /// the indices' shape, whose sizes equal the operand's except on the axis; element
    /// <c>out[..., j, ...] = operand[..., indices[..., j, ...], ...]</c> with the index replacing the axis coordinate.
    /// Index range as for <see cref="Take"/>.
    /// </summary>
    TakeAlongAxis,

    /// <summary>
    /// N-d convolution (<c>lax.conv_general_dilated</c> with dimension numbers <c>("NHWC", "HWIO", "NHWC")</c> and
    /// their N-d analogues), params <see cref="ConvParams"/>. Inputs <c>(lhs, rhs)</c> of one float dtype: lhs
    /// <c>(N, spatial..., C)</c>, rhs <c>(window..., C / FeatureGroupCount, O)</c> with O divisible by
    /// FeatureGroupCount; output <c>(N, out..., O)</c>. Per spatial axis: lhs is dilated by <c>LhsDilation</c>
    /// (<c>d - 1</c> zeros between elements, size <c>(s - 1) * d + 1</c>), then padded by <c>Padding</c> (low, high;
    /// may be negative), the kernel is dilated by <c>RhsDilation</c> (size <c>(k - 1) * d + 1</c>), and the window
    /// slides with <c>WindowStrides</c>: <c>out = floor((padded - dilatedKernel) / stride) + 1</c> (at least 0).
    /// Group g uses input channels <c>[g*C/G, (g+1)*C/G)</c> and output channels <c>[g*O/G, (g+1)*O/G)</c>.
    /// No cross-correlation flip (like lax, it is a correlation). Only N may be dynamic.
    /// </summary>
    ConvGeneralDilated,

    /// <summary>
    /// The input gradient of a convolution as one operation (ONNX <c>ConvTranspose</c>; JAX computes it as a
    /// <c>conv_general_dilated</c> of the cotangent with the flipped kernel), params <see cref="ConvTransposeParams"/>.
    /// Lowering-only: the lowering's <c>ConvTransposeFolding</c> pass introduces it in place of the
    /// <see cref="ConvGeneralDilated"/> that reverse-mode differentiation emits for an input cotangent (the kernel
    /// flipped in space, its channel axes swapped), so autodiff and vmap never see it and have no rule for it. Inputs <c>(lhs, rhs)</c> of one float dtype: lhs
    /// <c>(N, spatial..., O)</c>, rhs the forward kernel <c>(window..., C / G, O)</c> with O divisible by
    /// <c>G = FeatureGroupCount</c>; output <c>(N, out..., C)</c>. Per spatial axis, with stride s, kernel dilation d,
    /// padding (low, high) and output padding a: <c>out = (in - 1) * s + a + (k - 1) * d + 1 - low - high</c>, and
    /// <c>y[n, i, g*C/G + c] = sum of lhs[n, j, g*O/G + o] * rhs[k, c, g*O/G + o]</c> over the <c>j, k, o</c> with
    /// <c>i = j * s + k * d - low</c>. Only N may be dynamic.
    /// </summary>
    ConvTranspose,

    /// <summary>
    /// <c>x * scale + shift</c> with one scale and one shift per feature (the last axis), no params: inputs
    /// <c>(x, scale, shift)</c> of one dtype, float32 or float64, x of rank at least 2 with a static last axis C,
    /// scale and shift of x's rank with every size 1 but the last, C; output x's type. The product is rounded before the sum, as the
    /// <c>mul</c> and <c>add</c> it stands for. Lowering-only: the lowering's <c>ScaleShiftFolding</c> pass introduces
    /// it for a batch norm's normalization (one ONNX <c>BatchNormalization</c> pass instead of a <c>Mul</c> and an
    /// <c>Add</c>), so autodiff and vmap never see it and have no rule for it.
    /// </summary>
    ScaleShift,

    /// <summary>
    /// Windowed maximum (<c>lax.reduce_window</c> with <c>lax.max</c>, init <c>-inf</c>), params
    /// <see cref="ReduceWindowParams"/> with one entry per operand axis; numeric. The operand is padded with
    /// <c>-inf</c> (the dtype's lowest value for integers), then out axis size is
    /// <c>floor((size + low + high - window) / stride) + 1</c>. A dynamic axis has window 1, stride 1, no padding.
    /// </summary>
    ReduceWindowMax,

    /// <summary>
    /// Windowed sum (<c>lax.reduce_window</c> with <c>lax.add</c>, init 0), params <see cref="ReduceWindowParams"/>;
    /// numeric. Padding adds zeros (so padded positions count in an average computed from it, as in
    /// <c>flax.linen.avg_pool</c> with <c>count_include_pad=True</c>). Output sizes as for <see cref="ReduceWindowMax"/>.
    /// </summary>
    ReduceWindowSum,

    /// <summary>
    /// The transpose of <see cref="ReduceWindowMax"/> (<c>lax._select_and_scatter_add</c> with <c>ge</c>): inputs
    /// <c>(source, operand)</c>, params <see cref="ReduceWindowParams"/> of the max; <c>source</c> has the max's output
    /// shape. Each window's source value is added at the window's first maximal operand element in C order (padding
    /// never wins); the result has the operand's shape and the source's dtype (floating-point). Max pooling's
    /// gradient.
    /// </summary>
    SelectAndScatterAdd,

    /// <summary>
    /// A region with a user-defined reverse-mode rule (<c>jax.custom_vjp</c>; Flax's <c>lift.custom_vjp</c>), params
    /// <see cref="CustomVjpParams"/>. Inputs <c>(y, primals..., free...)</c>: the output is <c>y</c> unchanged (it lowers
    /// to an identity); the <see cref="CustomVjpParams.Primals"/> primals are the values differentiated through the
    /// region, and the free values are the other values its backward program reads. Differentiation replays the
    /// backward program on <c>(cotangent of y, free...)</c> to get one cotangent per primal, and sends none to
    /// <c>y</c> or the free values, so the derivative of the computation of <c>y</c> is replaced by the user's rule.
    /// </summary>
    CustomVjpCall,

    /// <summary>
    /// <c>lax.scan</c> with a closed body, <see cref="ScanParams"/>. Inputs <c>(consts..., init..., xs...)</c>: the
    /// body runs <see cref="ScanParams.Length"/> times on <c>(consts..., carry..., x slices...)</c>, where each x is
    /// sliced along its axis 0 (size <c>Length</c>) at the step, and gives <c>(carry..., y slices...)</c>. Outputs
    /// <c>(final carry..., ys...)</c>, each y stacked along a new axis 0 in step order. With
    /// <see cref="ScanParams.Reverse"/> the steps run from <c>Length - 1</c> down to 0 (the outputs stay in step order).
    /// Several outputs (<see cref="Primitives.HasManyOutputs"/>); lowers to one ONNX <c>Scan</c>.
    /// </summary>
    Scan,

    /// <summary>
    /// <c>jax.random.fold_in(key, data)</c> for threefry2x32 keys: operand 0 is a <see cref="DType.UInt32"/> key array
    /// <c>[..., 2]</c>, operand 1 an int32, int64 or uint32 array <c>[...]</c> (taken modulo 2^32, as JAX's
    /// <c>jnp.uint32(data)</c>); the leading axes broadcast element-wise (operand 1 has rank one less than the key).
    /// Each output key is <c>threefry2x32(key, (0, data))</c>; the output is uint32 <c>[broadcast..., 2]</c>.
    /// Not differentiable.
    /// </summary>
    FoldIn,
    /// <summary>
    /// <c>jax.random.bits(key, shape, uint32)</c> under <c>jax_threefry_partitionable=True</c>: operand 0 is a
    /// <see cref="DType.UInt32"/> key array <c>[K..., 2]</c>; params <see cref="RandomBitsParams"/> give the static
    /// <c>shape</c>. Output uint32 <c>[K..., shape...]</c>: element <c>i</c> (flat C order within <c>shape</c>) of each
    /// key's block is <c>y0 ^ y1</c> of <c>threefry2x32(key, (hi32(i), lo32(i)))</c>. Not differentiable.
    /// </summary>
    RandomBits,

    /// <summary>
    /// A loop (<c>lax.while_loop</c>), params <see cref="WhileParams"/>, with several outputs. Inputs
    /// <c>(cond consts..., body consts..., carry...)</c>; outputs the final carry, typed like the initial one. While the
    /// closed program <see cref="WhileParams.Cond"/> on <c>(cond consts..., carry...)</c> gives true (a bool scalar), the
    /// carry becomes the outputs of <see cref="WhileParams.Body"/> on <c>(body consts..., carry...)</c>; a false
    /// condition on the initial carry runs no iteration. Not differentiable in reverse mode (as in JAX); batched by
    /// JAX's rule (a batched condition loops while any index's holds and selects per index); lowers to one ONNX
    /// <c>Loop</c>.
    /// </summary>
    While,

    /// <summary>
    /// A conditional (<c>lax.switch</c>, and <c>lax.cond</c> with the index <c>int(pred)</c>), params
    /// <see cref="CondParams"/>, with several outputs. Inputs <c>(index, operands...)</c>: the index is an int32 scalar,
    /// clamped to the branches (<c>lax.switch</c>'s rule); the outputs are those of branch <c>index</c> on the operands.
    /// Only the taken branch runs (ONNX <c>If</c>). Differentiated and batched in its select form (every branch computed,
    /// the taken one's results kept with <c>select</c>).
    /// </summary>
    Cond,
}
