using Flax.Lowering.Proto;

namespace Flax;

/// <summary>
/// Emits threefry2x32 (20 rounds, as <see cref="Threefry"/> computes it on the host) as ONNX nodes at opset 17, for
/// <c>fold_in</c> and partitionable <c>random_bits</c> on runtime keys. Opset 17 has no integer bitwise operators
/// (<c>BitwiseXor</c> and friends arrive in opset 18; <c>Xor</c> is boolean), so 32-bit words travel as int64 values in
/// <c>[0, 2^32)</c>: addition is <c>Add</c> then <c>Mod 2^32</c>, a rotation is <c>(x·2^r mod 2^32) + x div 2^(32-r)</c>
/// (exact: <c>x·2^r &lt; 2^63</c>), and xor splits both words into 32 bit planes (<c>x div 2^k mod 2</c> on a new last
/// axis), takes <c>|a - b|</c> per plane and sums the planes back with their weights.
/// </summary>
internal sealed class ThreefryGraph
{
    private const long Two32 = 1L << 32;
    private static readonly (int, int, int, int) RotationsA = (13, 15, 26, 6), RotationsB = (17, 29, 16, 24);

    private readonly GraphBuilder _g;
    private readonly Dictionary<long, string> _scalars = [];
    private string? _planes;

    /// <summary>Emits into <paramref name="g"/>.</summary>
    internal ThreefryGraph(GraphBuilder g) => _g = g;

    /// <summary>
    /// <c>jax.random.fold_in</c>: <paramref name="key"/> is a uint32 tensor <c>[..., 2]</c>, <paramref name="data"/> an
    /// int32/int64/uint32 tensor <c>[...]</c> (same rank, broadcasting) taken modulo 2^32. Returns the uint32 keys
    /// <c>threefry2x32(key, (0, data))</c>, <c>[..., 2]</c>.
    /// </summary>
    internal string FoldIn(string key, string data, string? output)
    {
        var (k0, k1) = Words(key);
        var x1 = _g.Node("Mod", [Cast(data, DType.Int64), Scalar(Two32)]);
        var (y0, y1) = Hash(k0, k1, Scalar(0), x1);
        return Pack(y0, y1, output);
    }

    /// <summary>
    /// Partitionable <c>jax.random.bits(key, shape, uint32)</c> for each key of <paramref name="key"/> (<c>[K..., 2]</c>
    /// uint32): element <c>i</c> of a key's block is <c>y0 ^ y1</c> of <c>threefry2x32(key, (hi32(i), lo32(i)))</c>.
    /// Returns uint32 <c>[K..., shape...]</c>; <paramref name="keyDims"/> are the key's dims without the last
    /// (at most one -1, the batch size).
    /// </summary>
    internal string RandomBits(string key, IReadOnlyList<int> keyDims, IReadOnlyList<int> shape, string? output)
    {
        long count = shape.Aggregate(1L, (n, d) => n * d);
        var (k0, k1) = Words(key);
        k0 = _g.Node("Unsqueeze", [k0, _g.Int64s(-1)]);
        k1 = _g.Node("Unsqueeze", [k1, _g.Int64s(-1)]);
        // Flat indices are below 2^31 (shape inference bounds the block), so hi32(i) is 0.
        var counters = _g.Node("Range", [Scalar(0), Scalar(count), Scalar(1)]);
        var (y0, y1) = Hash(k0, k1, Scalar(0), counters);
        var bits = Xor(y0, y1);
        var dims = keyDims.Concat(shape).ToArray();
        var shaped = _g.Node("Reshape", [bits, _g.Shape(dims, minusOneInfers: true)]);
        return _g.Node("Cast", shaped, output, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(DType.UInt32)));
    }

    /// <summary>threefry2x32 on int64 words in <c>[0, 2^32)</c> (all four broadcast together).</summary>
    private (string Y0, string Y1) Hash(string k0, string k1, string x0, string x1)
    {
        var k2 = Xor(Xor(k0, k1), Scalar(0x1BD11BDA));
        x0 = Add(x0, k0);
        x1 = Add(x1, k1);
        (string, string)[] injections = [(k1, k2), (k2, k0), (k0, k1), (k1, k2), (k2, k0)];
        for (int block = 0; block < 5; block++)
        {
            var (r0, r1, r2, r3) = block % 2 == 0 ? RotationsA : RotationsB;
            foreach (var r in new[] { r0, r1, r2, r3 })
            {
                x0 = Add(x0, x1);
                x1 = Xor(RotateLeft(x1, r), x0);
            }
            var (a, b) = injections[block];
            x0 = Add(x0, a);
            x1 = Add(x1, Add(b, Scalar(block + 1)));
        }
        return (x0, x1);
    }

    /// <summary>The two words of a uint32 key tensor <c>[..., 2]</c> as int64 tensors <c>[...]</c>.</summary>
    private (string K0, string K1) Words(string key)
    {
        var wide = Cast(key, DType.Int64);
        var k0 = _g.Node("Gather", [wide, Scalar(0)], null, OnnxAttributes.Int("axis", -1));
        var k1 = _g.Node("Gather", [wide, Scalar(1)], null, OnnxAttributes.Int("axis", -1));
        return (k0, k1);
    }

    /// <summary>Stacks two int64 word tensors <c>[...]</c> into a uint32 key tensor <c>[..., 2]</c>.</summary>
    private string Pack(string y0, string y1, string? output)
    {
        var last = _g.Int64s(-1);
        var both = _g.Node("Concat", [_g.Node("Unsqueeze", [y0, last]), _g.Node("Unsqueeze", [y1, last])], null,
            OnnxAttributes.Int("axis", -1));
        return _g.Node("Cast", both, output, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(DType.UInt32)));
    }

    private string Add(string a, string b) => _g.Node("Mod", [_g.Node("Add", [a, b]), Scalar(Two32)]);

    private string RotateLeft(string x, int r) =>
        _g.Node("Add", [_g.Node("Mod", [_g.Node("Mul", [x, Scalar(1L << r)]), Scalar(Two32)]), _g.Node("Div", [x, Scalar(1L << (32 - r))])]);

    private string Xor(string a, string b)
    {
        var planes = Planes();
        var last = _g.Int64s(-1);
        string Bits(string x) => _g.Node("Mod", [_g.Node("Div", [_g.Node("Unsqueeze", [x, last]), planes]), Scalar(2)]);
        var differ = _g.Node("Abs", _g.Node("Sub", [Bits(a), Bits(b)]));
        return _g.Node("ReduceSum", [_g.Node("Mul", [differ, planes]), last], null, OnnxAttributes.Int("keepdims", 0));
    }

    /// <summary>The int64 constant <c>[1, 2, 4, ..., 2^31]</c>.</summary>
    private string Planes() => _planes ??= _g.Constant(NDArray.From(Enumerable.Range(0, 32).Select(k => 1L << k).ToArray(), 32));

    private string Scalar(long value)
    {
        if (!_scalars.TryGetValue(value, out var name))
            _scalars[value] = name = _g.Constant(NDArray.From(new[] { value }, Array.Empty<int>()));
        return name;
    }

    private string Cast(string x, DType to) => _g.Node("Cast", x, null, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(to)));
}
