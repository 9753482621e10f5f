using System.Collections.Immutable;
using static Flax.Tests.Lowering.ReferenceCheck;

namespace Flax.Tests.Lowering;

/// <summary>
/// threefry2x32 in the ONNX graph (<c>fold_in</c> and <c>random_bits</c> primitives, lowered by
/// <see cref="ThreefryGraph"/> with int64 words at opset 17) on ONNX Runtime, bit-exact against the host PRNG
/// (<see cref="PrngKey.FoldIn(uint)"/>, <see cref="Prng.Bits(PrngKey, int[], int)"/>) and the known answers of
/// <c>jax-prng.md</c> (section 9.2 upstream vectors, 9.7 derived).
/// </summary>
[TestClass]
public sealed class ThreefryGraphTests
{
    private static readonly uint[] Counters =
        [0, 1, 2, 41, 4096, 0x7FFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF, 0xDEADBEEF];

    private static NDArray[] RunOnnx(Program program, params NDArray[] inputs)
    {
        var model = Lowerer.Lower(program, [.. Enumerable.Range(0, inputs.Length).Select(i => $"input_{i}")]);
        using var session = new OnnxSession(model.ToBytes(), [.. model.InputNames], model.OutputNames, Device.Cpu);
        return session.Run(inputs);
    }

    private static PrngKey[] Keys()
    {
        var random = new System.Random(14);
        var keys = new List<PrngKey> { new(0, 0), new(0, 42), new(0xFFFFFFFF, 0xFFFFFFFF), new(0x80000000, 0x7FFFFFFF), new(0x7FFFFFFF, 0x80000000) };
        for (int i = 0; i < 27; i++) keys.Add(new PrngKey((uint)random.NextInt64(1L << 32), (uint)random.NextInt64(1L << 32)));
        return [.. keys];
    }

    private static NDArray KeyArray(PrngKey[] keys, params int[] shape) =>
        NDArray.From(keys.SelectMany(k => new[] { k.Hi, k.Lo }).ToArray(), shape);

    [TestMethod]
    public void FoldInMatchesHostOnManyKeysAndCounters()
    {
        var keys = Keys();
        var program = Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, keys.Length, 1, 2), new TensorType(DType.Int64, 1, Counters.Length));
        var data = NDArray.From(Counters.Select(c => (long)c).ToArray(), 1, Counters.Length);
        var actual = RunOnnx(program, KeyArray(keys, keys.Length, 1, 2), data)[0];
        CollectionAssert.AreEqual(new[] { keys.Length, Counters.Length, 2 }, actual.Shape);
        var words = actual.ToArray<uint>();
        for (int k = 0; k < keys.Length; k++)
            for (int c = 0; c < Counters.Length; c++)
            {
                var expected = keys[k].FoldIn(Counters[c]);
                int at = (k * Counters.Length + c) * 2;
                Assert.AreEqual(expected, new PrngKey(words[at], words[at + 1]), $"fold_in({keys[k]}, {Counters[c]})");
            }
    }

    [TestMethod]
    public void FoldInTakesDataModulo2To32()
    {
        // jnp.uint32(data): int32 -1 is 2^32 - 1, int32.MinValue is 2^31, int64 2^32 + 5 is 5.
        var key = new PrngKey(0x12345678, 0x9ABCDEF0);
        var int32 = Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, 3, 2), new TensorType(DType.Int32, 3));
        var a = RunOnnx(int32, KeyArray([key, key, key], 3, 2), NDArray.From([-1, int.MinValue, int.MaxValue], 3))[0].ToArray<uint>();
        CollectionAssert.AreEqual(new[] { key.FoldIn(0xFFFFFFFF), key.FoldIn(0x80000000), key.FoldIn(0x7FFFFFFF) },
            new[] { new PrngKey(a[0], a[1]), new PrngKey(a[2], a[3]), new PrngKey(a[4], a[5]) });
        var int64 = Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, 2), new TensorType(DType.Int64));
        var b = RunOnnx(int64, KeyArray([key], 2), NDArray.From([(1L << 32) + 5], []))[0].ToArray<uint>();
        Assert.AreEqual(key.FoldIn(5), new PrngKey(b[0], b[1]));
        var uint32 = Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, 2), new TensorType(DType.UInt32));
        var c = RunOnnx(uint32, KeyArray([key], 2), NDArray.From([0xFFFFFFF0u], []))[0].ToArray<uint>();
        Assert.AreEqual(key.FoldIn(0xFFFFFFF0), new PrngKey(c[0], c[1]));
    }

    [TestMethod]
    public void FoldInKnownAnswers()
    {
        // jax-prng.md 9.2: key_data(fold_in(key(0), 4)) = [2285895361, 433833334]; 9.7: the others.
        (PrngKey Key, uint Data, uint Hi, uint Lo)[] vectors =
        [
            (PrngKey.Create(0), 4, 2285895361, 433833334),
            (PrngKey.Create(0), 0, 0x6B200159, 0x99BA4EFE),
            (PrngKey.Create(0), 1, 0x375F238F, 0xCDDB151D),
            (PrngKey.Create(0), 42, 2814562516, 111458285),
            (PrngKey.Create(0), 0xFFFFFFFF, 0x2C4E0437, 0xE1E32D13),
            (PrngKey.Create(42), 7, 0x97D0552F, 0x51BF719F),
        ];
        var program = Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, vectors.Length, 2), new TensorType(DType.Int64, vectors.Length));
        var words = RunOnnx(program, KeyArray([.. vectors.Select(v => v.Key)], vectors.Length, 2),
            NDArray.From(vectors.Select(v => (long)v.Data).ToArray(), vectors.Length))[0].ToArray<uint>();
        for (int i = 0; i < vectors.Length; i++)
        {
            Assert.AreEqual(vectors[i].Hi, words[2 * i], $"vector {i}");
            Assert.AreEqual(vectors[i].Lo, words[2 * i + 1], $"vector {i}");
        }
    }

    [TestMethod]
    public void RandomBitsMatchesHostPerKey()
    {
        var keys = Keys();
        var program = Single(Primitive.RandomBits, new RandomBitsParams([3, 7]), new TensorType(DType.UInt32, keys.Length, 2));
        var actual = RunOnnx(program, KeyArray(keys, keys.Length, 2))[0];
        CollectionAssert.AreEqual(new[] { keys.Length, 3, 7 }, actual.Shape);
        var words = actual.ToArray<uint>();
        for (int k = 0; k < keys.Length; k++)
            CollectionAssert.AreEqual(Prng.Bits(keys[k], [3, 7]).ToArray<uint>(), words[(k * 21)..((k + 1) * 21)], $"bits({keys[k]})");
    }

    [TestMethod]
    public void RandomBitsKnownAnswers()
    {
        // jax-prng.md 9.7 (P): bits32(key0, (8,)) and bits32(key0, ()).
        var eight = Single(Primitive.RandomBits, new RandomBitsParams([8]), new TensorType(DType.UInt32, 2));
        CollectionAssert.AreEqual(new uint[] { 0xF29A4FA7, 0xFA843692, 0x55110E28, 0x77FAA835, 0x91E43BB7, 0x2A5E6943, 0x4F68EA7D, 0xB081CCFE },
            RunOnnx(eight, KeyArray([PrngKey.Create(0)], 2))[0].ToArray<uint>());
        var scalar = Single(Primitive.RandomBits, new RandomBitsParams([]), new TensorType(DType.UInt32, 2));
        var one = RunOnnx(scalar, KeyArray([PrngKey.Create(0)], 2))[0];
        Assert.AreEqual(0, one.Rank);
        Assert.AreEqual(0xF29A4FA7u, one.ToArray<uint>()[0]);
    }

    [TestMethod]
    public void FoldInThenBitsOverTheDynamicBatch()
    {
        // A per-row key fold_in(key, row) and its bits, with the batch size known only at run time.
        var key = new Var(new TensorType(DType.UInt32, 1, 2));
        var rows = new Var(new TensorType(DType.Int32, -1));
        var keyRows = new Var(new TensorType(DType.UInt32, -1, 2));
        var bits = new Var(new TensorType(DType.UInt32, -1, 4));
        var program = new Program([key, rows], [], [],
            [new Eqn(Primitive.FoldIn, [key, rows], EqnParams.None, [keyRows], "/Layer_0"),
             new Eqn(Primitive.RandomBits, [keyRows], new RandomBitsParams([4]), [bits], "/Layer_0")],
            [new ProgramOutput("output_0", bits)]);
        var root = new PrngKey(0xCAFEF00D, 0xFFFFFFFF);
        var actual = RunOnnx(program, KeyArray([root], 1, 2), NDArray.From([0, 7, -1, int.MaxValue, 5], 5))[0];
        CollectionAssert.AreEqual(new[] { 5, 4 }, actual.Shape);
        var expected = new[] { 0u, 7u, 0xFFFFFFFFu, 0x7FFFFFFFu, 5u }.SelectMany(d => Prng.Bits(root.FoldIn(d), [4]).ToArray<uint>()).ToArray();
        CollectionAssert.AreEqual(expected, actual.ToArray<uint>());
    }

    [TestMethod]
    public void ExportedGraphPassesTheOnnxChecker()
    {
        var key = new Var(new TensorType(DType.UInt32, 2));
        var step = new Var(new TensorType(DType.Int64));
        var folded = new Var(new TensorType(DType.UInt32, 2));
        var bits = new Var(new TensorType(DType.UInt32, 2, 3));
        var program = new Program([key, step], [], [],
            [new Eqn(Primitive.FoldIn, [key, step], EqnParams.None, [folded], "/Layer_0"),
             new Eqn(Primitive.RandomBits, [folded], new RandomBitsParams([2, 3]), [bits], "/Layer_0")],
            [new ProgramOutput("output_0", bits)]);
        var model = Lowerer.Lower(program, ["key", "step"]);
        var path = Path.Combine(Path.GetTempPath(), $"threefry-{Guid.NewGuid():N}.onnx");
        try
        {
            model.Save(path);
            OnnxChecker.AssertValid(path);
        }
        finally { File.Delete(path); }
    }

    /// <summary>The traced forms (<c>Tensor.FoldIn</c>, <c>Tensor.RandomBits</c>) in <c>Core.Apply</c>, and under
    /// <c>vmap</c> over the counters (the fold_in batching rule broadcasts the unbatched key).</summary>
    [TestMethod]
    public void TracedFoldInAndBitsAlsoUnderVmap()
    {
        var root = new PrngKey(0xFFFFFFFF, 0x00000001);
        var key = KeyArray([root], 2);
        var bits = Core.Apply((Scope _, Tensor k, Tensor step) => k.FoldIn(step).RandomBits(2, 3))(VariableDict.Empty, key, NDArray.Scalar((long)uint.MaxValue));
        CollectionAssert.AreEqual(new[] { 2, 3 }, bits.Shape);
        CollectionAssert.AreEqual(Prng.Bits(root.FoldIn(uint.MaxValue), [2, 3]).ToArray<uint>(), bits.ToArray<uint>());
        var perStep = Flax.Lift.Vmap((Scope _, Tensor step, Tensor k) => k.FoldIn(step),
            new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>(), inAxes: [0, null]);
        var steps = new[] { 0, 1, int.MaxValue, -1 };
        var keys = Core.Apply((Scope s, Tensor st, Tensor k) => perStep(s, st, k))(VariableDict.Empty, NDArray.From(steps, 4), key).ToArray<uint>();
        for (int i = 0; i < steps.Length; i++)
            Assert.AreEqual(root.FoldIn(unchecked((uint)steps[i])), new PrngKey(keys[2 * i], keys[2 * i + 1]), $"step {steps[i]}");
    }

    /// <summary>The size of the emitted hash: one fold_in lowers to a fixed number of ONNX nodes (16 per mixing step).</summary>
    [TestMethod]
    public void OneFoldInIsAFixedNumberOfNodes()
    {
        var program = Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, 2), new TensorType(DType.Int64));
        var model = Lowerer.Lower(program, ["key", "data"]);
        var graph = Flax.Lowering.Proto.ModelProto.Parser.ParseFrom(model.ToBytes()).Graph;
        // 20 mixing steps of 16 nodes (add 2, rotate 4, xor 10), 5 key injections of 6 (three adds), k2 (2 xors), the
        // first two adds, the key words (Cast, 2 Gather), the data (Cast, Mod) and the packing (2 Unsqueeze, Concat, Cast).
        Assert.AreEqual(20 * 16 + 5 * 6 + 2 * 10 + 2 * 2 + 3 + 2 + 4, graph.Node.Count, string.Join(" ", graph.Node.Select(n => n.OpType)));
    }

    [TestMethod]
    public void ShapeInferenceRejectsIllFormedOperands()
    {
        void Throws(Primitive p, EqnParams prm, string message, params TensorType[] ins)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => ShapeInference.Infer(p, prm, ins));
            Assert.AreEqual(message, e.Message);
        }
        Throws(Primitive.FoldIn, EqnParams.None, "fold_in requires a uint32 key array whose last axis has size 2, got i32[2].",
            new TensorType(DType.Int32, 2), new TensorType(DType.Int32));
        Throws(Primitive.FoldIn, EqnParams.None, "fold_in requires a uint32 key array whose last axis has size 2, got u32[3].",
            new TensorType(DType.UInt32, 3), new TensorType(DType.Int32));
        Throws(Primitive.FoldIn, EqnParams.None, "fold_in requires int32, int64 or uint32 data, got float32.",
            new TensorType(DType.UInt32, 2), new TensorType(DType.Float32));
        Throws(Primitive.FoldIn, EqnParams.None, "fold_in requires data of rank one less than the key, got u32[4,2], i32[].",
            new TensorType(DType.UInt32, 4, 2), new TensorType(DType.Int32));
        Throws(Primitive.RandomBits, new RandomBitsParams([-1, 3]), "random_bits requires a static shape, got (None, 3).",
            new TensorType(DType.UInt32, 2));
        Throws(Primitive.RandomBits, new RandomBitsParams([65536, 65536]), "random_bits supports at most 2147483647 elements per key, got shape (65536, 65536).",
            new TensorType(DType.UInt32, 2));
    }
}
