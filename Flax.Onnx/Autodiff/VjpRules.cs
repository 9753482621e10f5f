namespace Flax;

/// <summary>
/// The cotangents of an equation's inputs given the cotangent <paramref name="ct"/> of its output (JAX's transpose of
/// the primitive's JVP). <paramref name="needed"/> says which inputs want one; the result has one entry per input,
/// null where none is needed. Rules read the forward values (the equation's inputs and output) directly.
/// </summary>
internal delegate Var?[] VjpRule(GradBuilder b, Eqn eqn, Var ct, bool[] needed);

/// <summary>
/// The reverse-mode rule of every <see cref="Primitive"/>, in one table (<see cref="For"/>). Element-wise rules sum the
/// cotangent back over broadcast axes; derivatives at ties and kinks follow JAX (<c>max</c> splits ties evenly,
/// <c>abs</c> takes the derivative of <c>x</c> at 0).
/// </summary>
internal static partial class VjpRules
{
    /// <summary>The error for differentiating through <paramref name="eqn"/>, whose primitive has several outputs and
    /// no reverse-mode rule (JAX's message where JAX refuses too).</summary>
    internal static Exception NoManyOutputRule(Eqn eqn) => eqn.Primitive switch
    {
        Primitive.While => new NotSupportedException("Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic start/stop values. Try using lax.scan, or using fori_loop with static start/stop."),
        Primitive.Cond => new InvalidOperationException("cond is differentiated in its select form: CondExpansion rewrites it before the backward sweep, which never sees a cond equation."),
        _ => new NotSupportedException($"Reverse-mode differentiation is not implemented for {eqn.Primitive.Name()} (at {(eqn.ScopePath.Length == 0 ? "/" : eqn.ScopePath)})."),
    };

    /// <summary>
    /// The rule of <paramref name="primitive"/>, or null when no cotangent flows through it: its output is not
    /// floating-point (comparisons, logic), or its derivative is zero wherever it exists (<c>sign</c>, <c>iota</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">No rule is defined for the primitive.</exception>
    internal static VjpRule? For(Primitive primitive) => primitive switch
    {
        Primitive.Add => (b, e, ct, n) => Binary(b, e, n, () => ct, () => ct),
        Primitive.Sub => (b, e, ct, n) => Binary(b, e, n, () => ct, () => b.Neg(ct)),
        Primitive.Mul => Mul,
        Primitive.Div => (b, e, ct, n) => Binary(b, e, n, () => b.Div(ct, e.Inputs[1]),
            () => b.Neg(b.Div(b.Mul(ct, e.Outputs[0]), e.Inputs[1]))),
        Primitive.Pow => Pow,
        Primitive.Max or Primitive.Min => (b, e, ct, n) => Binary(b, e, n,
            () => b.Mul(ct, Chosen(b, e.Inputs[0], e.Inputs[1], e.Outputs[0])),
            () => b.Mul(ct, Chosen(b, e.Inputs[1], e.Inputs[0], e.Outputs[0]))),
        Primitive.Neg => (b, e, ct, n) => [b.Neg(ct)],
        Primitive.Abs => (b, e, ct, n) =>
            [b.Select(b.Emit(Primitive.Ge, EqnParams.None, e.Inputs[0], b.Scalar(0, ct)), ct, b.Neg(ct))],
        Primitive.Exp => (b, e, ct, n) => [b.Mul(ct, e.Outputs[0])],
        Primitive.Log => (b, e, ct, n) => [b.Div(ct, e.Inputs[0])],
        Primitive.Log1p => (b, e, ct, n) => [b.Div(ct, b.Add(e.Inputs[0], b.Scalar(1, ct)))],
        Primitive.Tanh => (b, e, ct, n) =>
            [b.Mul(ct, b.Sub(b.Scalar(1, ct), b.Mul(e.Outputs[0], e.Outputs[0])))],
        Primitive.Logistic => (b, e, ct, n) =>
            [b.Mul(b.Mul(ct, e.Outputs[0]), b.Sub(b.Scalar(1, ct), e.Outputs[0]))],
        Primitive.Sqrt => (b, e, ct, n) => [b.Div(b.Mul(ct, b.Scalar(0.5, ct)), e.Outputs[0])],
        Primitive.Rsqrt => (b, e, ct, n) =>
            [b.Mul(b.Mul(ct, b.Scalar(-0.5, ct)), b.Div(e.Outputs[0], e.Inputs[0]))],
        Primitive.Erf => (b, e, ct, n) =>
        [
            b.Mul(b.Mul(ct, b.Scalar(2 / Math.Sqrt(Math.PI), ct)),
                b.Emit(Primitive.Exp, EqnParams.None, b.Neg(b.Mul(e.Inputs[0], e.Inputs[0])))),
        ],
        Primitive.Sign or Primitive.Iota or Primitive.Eq or Primitive.Ne or Primitive.Lt or Primitive.Le
            or Primitive.Gt or Primitive.Ge or Primitive.And or Primitive.Or or Primitive.Not
            or Primitive.FoldIn or Primitive.RandomBits => null,
        Primitive.Select => Select,
        Primitive.ConvertElementType => (b, e, ct, n) => [b.Convert(ct, e.Inputs[0].Type.DType)],
        Primitive.DotGeneral => DotGeneral,
        Primitive.ReduceSum => ReduceSum,
        Primitive.ReduceMax or Primitive.ReduceMin => ReduceChooser,
        Primitive.Reshape => (b, e, ct, n) => [b.Reshape(ct, e.Inputs[0].Type.Dims)],
        Primitive.Transpose => Transpose,
        Primitive.BroadcastInDim => BroadcastInDim,
        Primitive.Concatenate => Concatenate,
        Primitive.Slice => Slice,
        Primitive.Pad => Pad,
        Primitive.Take => Take,
        Primitive.TakeAlongAxis => TakeAlongAxis,
        Primitive.ConvGeneralDilated => Conv,
        Primitive.ReduceWindowMax => ReduceWindowMax,
        Primitive.ReduceWindowSum => ReduceWindowSum,
        Primitive.SelectAndScatterAdd => SelectAndScatterAdd,
        Primitive.CustomVjpCall => CustomVjpCall,
        _ => throw new NotSupportedException($"Differentiation rule for '{primitive.Name()}' not implemented."),
    };

    /// <summary>The cotangents of a binary element-wise equation, each summed back to its operand's shape.</summary>
    private static Var?[] Binary(GradBuilder b, Eqn e, bool[] needed, Func<Var> dx, Func<Var> dy) =>
    [
        needed[0] ? b.Unbroadcast(dx(), e.Inputs[0].Type) : null,
        needed[1] ? b.Unbroadcast(dy(), e.Inputs[1].Type) : null,
    ];

    /// <summary>
    /// <c>x * y</c>: <c>ct * y</c> and <c>ct * x</c>; a square <c>x * x</c> gives its one operand <c>(ct + ct) * x</c>,
    /// one product over the operand where the two shares would take two products' worth of passes plus their sum
    /// (with <see cref="BroadcastFolding"/>, <c>ct + ct</c> of a broadcast cotangent, a batch norm's mean of squares,
    /// is computed before the broadcast).
    /// </summary>
    private static Var?[] Mul(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var (x, y) = (e.Inputs[0], e.Inputs[1]);
        if (ReferenceEquals(x, y)) return [needed[0] ? b.Unbroadcast(b.Mul(b.Add(ct, ct), x), x.Type) : null, null];
        return Binary(b, e, needed, () => b.Mul(ct, y), () => b.Mul(ct, x));
    }

    /// <summary>
    /// The share of a <c>max</c>/<c>min</c> result's cotangent that goes to <paramref name="x"/> (JAX's balanced rule):
    /// 1 where <paramref name="x"/> alone gave the result, 0.5 on a tie with <paramref name="other"/>, 0 elsewhere.
    /// </summary>
    private static Var Chosen(GradBuilder b, Var x, Var other, Var result)
    {
        var share = b.Select(b.Eq(other, result), b.Scalar(0.5, result), b.Scalar(1, result));
        return b.Select(b.Eq(x, result), share, b.Scalar(0, result));
    }

    /// <summary>
    /// <c>x ** y</c>: <c>d/dx = y * x ** (y - 1)</c> (0 where <c>y == 0</c>) and <c>d/dy = log(x) * x ** y</c> (0 where
    /// <c>x == 0</c>), as in JAX.
    /// </summary>
    private static Var?[] Pow(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var (x, y, result) = (e.Inputs[0], e.Inputs[1], e.Outputs[0]);
        Var Dx()
        {
            var slope = b.Mul(y, b.Emit(Primitive.Pow, EqnParams.None, x, b.Sub(y, b.Scalar(1, y))));
            return b.Mul(ct, b.Select(b.Eq(y, b.Scalar(0, y)), b.Scalar(0, y), slope));
        }
        Var Dy()
        {
            var safeX = b.Select(b.Eq(x, b.Scalar(0, x)), b.Scalar(1, x), x);
            return b.Mul(ct, b.Mul(b.Emit(Primitive.Log, EqnParams.None, safeX), result));
        }
        return Binary(b, e, needed, Dx, Dy);
    }

    /// <summary><c>select(p, t, f)</c>: the cotangent goes to <c>t</c> where <c>p</c> holds and to <c>f</c> elsewhere.</summary>
    private static Var?[] Select(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var (predicate, zero) = (e.Inputs[0], b.Scalar(0, ct));
        return
        [
            null,
            needed[1] ? b.Unbroadcast(b.Select(predicate, ct, zero), e.Inputs[1].Type) : null,
            needed[2] ? b.Unbroadcast(b.Select(predicate, zero, ct), e.Inputs[2].Type) : null,
        ];
    }
}
