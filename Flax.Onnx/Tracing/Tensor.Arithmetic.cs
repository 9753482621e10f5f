namespace Flax;

public sealed partial class Tensor
{
    /// <summary><c>x + y</c> with broadcasting (<c>jnp.add</c>).</summary>
    public static Tensor operator +(Tensor x, Tensor y) => Binary(Primitive.Add, x, y);
    /// <summary><c>x + y</c> with a weakly typed number.</summary>
    public static Tensor operator +(Tensor x, double y) => Binary(Primitive.Add, x, y, numberFirst: false);
    /// <summary><c>x + y</c> with a weakly typed number.</summary>
    public static Tensor operator +(double x, Tensor y) => Binary(Primitive.Add, y, x, numberFirst: true);

    /// <summary><c>x - y</c> with broadcasting (<c>jnp.subtract</c>).</summary>
    public static Tensor operator -(Tensor x, Tensor y) => Binary(Primitive.Sub, x, y);
    /// <summary><c>x - y</c> with a weakly typed number.</summary>
    public static Tensor operator -(Tensor x, double y) => Binary(Primitive.Sub, x, y, numberFirst: false);
    /// <summary><c>x - y</c> with a weakly typed number.</summary>
    public static Tensor operator -(double x, Tensor y) => Binary(Primitive.Sub, y, x, numberFirst: true);

    /// <summary><c>x * y</c> with broadcasting (<c>jnp.multiply</c>).</summary>
    public static Tensor operator *(Tensor x, Tensor y) => Binary(Primitive.Mul, x, y);
    /// <summary><c>x * y</c> with a weakly typed number.</summary>
    public static Tensor operator *(Tensor x, double y) => Binary(Primitive.Mul, x, y, numberFirst: false);
    /// <summary><c>x * y</c> with a weakly typed number.</summary>
    public static Tensor operator *(double x, Tensor y) => Binary(Primitive.Mul, y, x, numberFirst: true);

    /// <summary><c>x / y</c> with broadcasting (<c>jnp.true_divide</c>): integer operands divide as float32.</summary>
    public static Tensor operator /(Tensor x, Tensor y) => Binary(Primitive.Div, ToFloat(x, nameof(x)), ToFloat(y, nameof(y)));
    /// <summary><c>x / y</c> with a weakly typed number; an integer tensor divides as float32.</summary>
    public static Tensor operator /(Tensor x, double y) => Binary(Primitive.Div, ToFloat(x, nameof(x)), y, numberFirst: false);
    /// <summary><c>x / y</c> with a weakly typed number; an integer tensor divides as float32.</summary>
    public static Tensor operator /(double x, Tensor y) => Binary(Primitive.Div, ToFloat(y, nameof(y)), x, numberFirst: true);

    /// <summary><c>-x</c> (<c>jnp.negative</c>).</summary>
    public static Tensor operator -(Tensor x) => Unary(Primitive.Neg, x);

    /// <summary><c>x &lt; y</c>, a bool tensor (<c>jnp.less</c>).</summary>
    public static Tensor operator <(Tensor x, Tensor y) => Binary(Primitive.Lt, x, y);
    /// <summary><c>x &lt; y</c> with a weakly typed number.</summary>
    public static Tensor operator <(Tensor x, double y) => Binary(Primitive.Lt, x, y, numberFirst: false);
    /// <summary><c>x &lt; y</c> with a weakly typed number.</summary>
    public static Tensor operator <(double x, Tensor y) => Binary(Primitive.Lt, y, x, numberFirst: true);

    /// <summary><c>x &gt; y</c>, a bool tensor (<c>jnp.greater</c>).</summary>
    public static Tensor operator >(Tensor x, Tensor y) => Binary(Primitive.Gt, x, y);
    /// <summary><c>x &gt; y</c> with a weakly typed number.</summary>
    public static Tensor operator >(Tensor x, double y) => Binary(Primitive.Gt, x, y, numberFirst: false);
    /// <summary><c>x &gt; y</c> with a weakly typed number.</summary>
    public static Tensor operator >(double x, Tensor y) => Binary(Primitive.Gt, y, x, numberFirst: true);

    /// <summary><c>x &lt;= y</c>, a bool tensor (<c>jnp.less_equal</c>).</summary>
    public static Tensor operator <=(Tensor x, Tensor y) => Binary(Primitive.Le, x, y);
    /// <summary><c>x &lt;= y</c> with a weakly typed number.</summary>
    public static Tensor operator <=(Tensor x, double y) => Binary(Primitive.Le, x, y, numberFirst: false);
    /// <summary><c>x &lt;= y</c> with a weakly typed number.</summary>
    public static Tensor operator <=(double x, Tensor y) => Binary(Primitive.Le, y, x, numberFirst: true);

    /// <summary><c>x &gt;= y</c>, a bool tensor (<c>jnp.greater_equal</c>).</summary>
    public static Tensor operator >=(Tensor x, Tensor y) => Binary(Primitive.Ge, x, y);
    /// <summary><c>x &gt;= y</c> with a weakly typed number.</summary>
    public static Tensor operator >=(Tensor x, double y) => Binary(Primitive.Ge, x, y, numberFirst: false);
    /// <summary><c>x &gt;= y</c> with a weakly typed number.</summary>
    public static Tensor operator >=(double x, Tensor y) => Binary(Primitive.Ge, y, x, numberFirst: true);

    /// <summary>Logical and of bool tensors (<c>jnp.logical_and</c>).</summary>
    public static Tensor operator &(Tensor x, Tensor y) => Binary(Primitive.And, x, y);
    /// <summary>Logical or of bool tensors (<c>jnp.logical_or</c>).</summary>
    public static Tensor operator |(Tensor x, Tensor y) => Binary(Primitive.Or, x, y);
    /// <summary>Logical not of a bool tensor (<c>jnp.logical_not</c>).</summary>
    public static Tensor operator !(Tensor x) => Unary(Primitive.Not, x);

    /// <summary><c>x == y</c> element-wise, a bool tensor (<c>jnp.equal</c>).</summary>
    public static Tensor Equal(Tensor x, Tensor y) => Binary(Primitive.Eq, x, y);
    /// <summary><c>x == y</c> element-wise with a weakly typed number.</summary>
    public static Tensor Equal(Tensor x, double y) => Binary(Primitive.Eq, x, y, numberFirst: false);
    /// <summary><c>x != y</c> element-wise, a bool tensor (<c>jnp.not_equal</c>).</summary>
    public static Tensor NotEqual(Tensor x, Tensor y) => Binary(Primitive.Ne, x, y);
    /// <summary><c>x != y</c> element-wise with a weakly typed number.</summary>
    public static Tensor NotEqual(Tensor x, double y) => Binary(Primitive.Ne, x, y, numberFirst: false);

    /// <summary>The element-wise maximum, NaN if either is NaN (<c>jnp.maximum</c>).</summary>
    public static Tensor Maximum(Tensor x, Tensor y) => Binary(Primitive.Max, x, y);
    /// <summary>The element-wise maximum with a weakly typed number (<c>jnp.maximum(x, 0)</c>).</summary>
    public static Tensor Maximum(Tensor x, double y) => Binary(Primitive.Max, x, y, numberFirst: false);
    /// <summary>The element-wise minimum, NaN if either is NaN (<c>jnp.minimum</c>).</summary>
    public static Tensor Minimum(Tensor x, Tensor y) => Binary(Primitive.Min, x, y);
    /// <summary>The element-wise minimum with a weakly typed number.</summary>
    public static Tensor Minimum(Tensor x, double y) => Binary(Primitive.Min, x, y, numberFirst: false);

    /// <summary><c>x ** y</c> for floats; integer operands compute in float32 (<c>jnp.power</c> on floats).</summary>
    public static Tensor Pow(Tensor x, Tensor y) => Binary(Primitive.Pow, ToFloat(x, nameof(x)), ToFloat(y, nameof(y)));
    /// <summary><c>x ** y</c> with a weakly typed exponent.</summary>
    public static Tensor Pow(Tensor x, double y) => Binary(Primitive.Pow, ToFloat(x, nameof(x)), y, numberFirst: false);

    /// <summary>
    /// <c>condition ? x : y</c> element-wise, the three broadcast together (<c>jnp.where(condition, x, y)</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The condition is not bool, or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"Where requires a bool condition, got {condition.DType.Name()}.", nameof(condition));
        var dtype = PromoteTypes(x.DType, y.DType);
        var args = BroadcastRanks(condition, x.Cast(dtype), y.Cast(dtype));
        return Bind(Primitive.Select, EqnParams.None, args);
    }

    /// <summary><c>condition ? x : y</c> with a weakly typed number for <c>y</c> (<c>jnp.where(mask, x, 0.0)</c>).</summary>
    public static Tensor Where(Tensor condition, Tensor x, double y) =>
        x is null ? throw new ArgumentNullException(nameof(x)) : Where(condition, x, x.Scalar(y, WeakType(x.DType, y), x.Rank));

    /// <summary><c>condition ? x : y</c> with a weakly typed number for <c>x</c>.</summary>
    public static Tensor Where(Tensor condition, double x, Tensor y) =>
        y is null ? throw new ArgumentNullException(nameof(y)) : Where(condition, y.Scalar(x, WeakType(y.DType, x), y.Rank), y);

    /// <summary>The dtype two operands promote to: bool &lt; integers &lt; floats, the wider of two of a kind;
    /// float16 with bfloat16 gives float32; a signed and an unsigned integer give a signed one wide enough for both
    /// (at most int64).</summary>
    internal static DType PromoteTypes(DType a, DType b)
    {
        if (a == b || b == DType.Bool) return a;
        if (a == DType.Bool) return b;
        if (a.IsFloat() != b.IsFloat()) return a.IsFloat() ? a : b;
        if (a.IsFloat()) return a.ItemSize() == b.ItemSize() ? DType.Float32 : a.ItemSize() > b.ItemSize() ? a : b;
        bool aSigned = a is DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64;
        bool bSigned = b is DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64;
        if (aSigned == bSigned) return a.ItemSize() >= b.ItemSize() ? a : b;
        var (signed, unsigned) = aSigned ? (a, b) : (b, a);
        if (signed.ItemSize() > unsigned.ItemSize()) return signed;
        return unsigned.ItemSize() switch { 1 => DType.Int16, 2 => DType.Int32, _ => DType.Int64 };
    }

    /// <summary>The dtype of a number meeting a tensor of <paramref name="dtype"/>: the tensor's, except that a
    /// non-integral number makes an integer or bool tensor float32 and an integral one makes a bool tensor int32.</summary>
    private static DType WeakType(DType dtype, double number)
    {
        if (dtype.IsFloat()) return dtype;
        if (number != Math.Floor(number)) return DType.Float32;
        return dtype == DType.Bool ? DType.Int32 : dtype;
    }

    private static Tensor Unary(Primitive primitive, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Bind(primitive, EqnParams.None, x);
    }

    private static Tensor Binary(Primitive primitive, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var dtype = PromoteTypes(x.DType, y.DType);
        return Bind(primitive, EqnParams.None, BroadcastRanks(x.Cast(dtype), y.Cast(dtype)));
    }

    private static Tensor Binary(Primitive primitive, Tensor x, double number, bool numberFirst)
    {
        ArgumentNullException.ThrowIfNull(x, numberFirst ? "y" : "x");
        var dtype = WeakType(x.DType, number);
        var (tensor, constant) = (x.Cast(dtype), x.Scalar(number, dtype, x.Rank));
        return numberFirst ? Bind(primitive, EqnParams.None, constant, tensor) : Bind(primitive, EqnParams.None, tensor, constant);
    }

    /// <summary>This tensor if it is floating-point, else cast to float32.</summary>
    private Tensor ToFloat() => DType.IsFloat() ? this : Cast(DType.Float32);

    /// <summary><paramref name="x"/> as floating point (see <see cref="ToFloat()"/>); null is the caller's argument error.</summary>
    private static Tensor ToFloat(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        return x.ToFloat();
    }

    /// <summary>
    /// Checks that the shapes broadcast by NumPy rules and gives each operand the common rank by prepending size-1
    /// axes; the element-wise primitives then broadcast the size-1 axes.
    /// </summary>
    /// <exception cref="ArgumentException">Incompatible shapes, named like JAX does.</exception>
    private static Tensor[] BroadcastRanks(params Tensor[] args)
    {
        int rank = args.Max(t => t.Rank);
        for (int back = 1; back <= rank; back++)
        {
            int size = 1;
            foreach (var t in args)
            {
                int d = t.Rank >= back ? t.Type.Dims[t.Rank - back] : 1;
                if (d == 1 || d == size) continue;
                if (size != 1)
                    throw new ArgumentException($"Incompatible shapes for broadcasting: shapes=[{string.Join(", ", args.Select(a => Shapes.Format(a.Shape)))}]");
                size = d;
            }
        }
        return [.. args.Select(t => t.Reshaped([.. Enumerable.Repeat(1, rank - t.Rank).Concat(t.Type.Dims)]))];
    }
}
