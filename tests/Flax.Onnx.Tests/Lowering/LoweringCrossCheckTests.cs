using System.Collections.Immutable;
using static Flax.Tests.Lowering.ReferenceCheck;

namespace Flax.Tests.Lowering;

/// <summary>
/// Every primitive's ONNX lowering against the managed reference evaluator on random inputs (seeded per case). Float
/// results agree within atol 1e-6 + rtol 1e-5 (float32) unless a case states otherwise; integers and bools exactly.
/// </summary>
[TestClass]
public sealed class LoweringCrossCheckTests
{
    /// <summary>One case: a program, how to draw its inputs, and its tolerances.</summary>
    public sealed record Case(Program Program, Func<System.Random, NDArray[]> Inputs, double Atol = 1e-6, double Rtol = 1e-5);

    private static TensorType F32(params int[] dims) => new(DType.Float32, dims);
    private static TensorType F64(params int[] dims) => new(DType.Float64, dims);
    private static TensorType I32(params int[] dims) => new(DType.Int32, dims);
    private static TensorType I64(params int[] dims) => new(DType.Int64, dims);
    private static TensorType B(params int[] dims) => new(DType.Bool, dims);
    private static ImmutableArray<int> A(params int[] values) => [.. values];
    private static ImmutableArray<(int, int)> P(params (int, int)[] values) => [.. values];

    /// <summary>A case over one equation whose inputs are drawn uniformly from [lo, hi].</summary>
    private static Case Op(Primitive p, EqnParams prm, TensorType[] types, double lo = -2, double hi = 2, double atol = 1e-6, double rtol = 1e-5) =>
        new(Single(p, prm, types), r => [.. types.Select(t => Draw(r, t, lo, hi))], atol, rtol);

    private static Case Op(Primitive p, params TensorType[] types) => Op(p, EqnParams.None, types);

    public static IEnumerable<object[]> Cases()
    {
        foreach (var p in new[] { Primitive.Add, Primitive.Sub, Primitive.Mul, Primitive.Max, Primitive.Min })
        {
            yield return [$"{p} f32 broadcast", Op(p, F32(-1, 3), F32(1, 3))];
            yield return [$"{p} i32", Op(p, EqnParams.None, [I32(-1, 4), I32(-1, 4)], -100, 100)];
        }
        foreach (var p in new[] { Primitive.Max, Primitive.Min })
            yield return [$"{p} f32 NaN propagates", new Case(Single(p, EqnParams.None, F32(-1, 3), F32(-1, 3)),
                _ => [NDArray.From([float.NaN, 1f, float.NaN, -2f, 0f, 3f], 2, 3), NDArray.From([1f, float.NaN, float.NaN, 5f, -1f, 3f], 2, 3)])];
        yield return ["Div f32", Op(Primitive.Div, EqnParams.None, [F32(-1, 3), F32(-1, 3)], 0.5, 3)];
        yield return ["Div i32 truncates", new Case(Single(Primitive.Div, EqnParams.None, I32(-1, 4), I32(-1, 4)),
            r => [Draw(r, I32(-1, 4), -50, 50), NDArray.From([3, -3, 7, -2, 5, -7, 2, 9, 4, -4, 6, -5], 3, 4)])];
        yield return ["Pow f32", Op(Primitive.Pow, EqnParams.None, [F32(-1, 3), F32(1, 3)], 0.1, 2.5)];
        yield return ["Add f64", Op(Primitive.Add, F64(-1, 2), F64(-1, 2))];
        yield return ["Mul i64", Op(Primitive.Mul, EqnParams.None, [I64(-1, 2), I64(1, 2)], -1000, 1000)];

        foreach (var p in new[] { Primitive.Neg, Primitive.Sign, Primitive.Abs, Primitive.Exp, Primitive.Tanh, Primitive.Logistic, Primitive.Erf })
            yield return [$"{p} f32", Op(p, F32(-1, 5))];
        yield return ["Sign i32", Op(Primitive.Sign, EqnParams.None, [I32(-1, 5)], -2, 2)];
        yield return ["Abs i64", Op(Primitive.Abs, EqnParams.None, [I64(-1, 5)], -9, 9)];
        foreach (var p in new[] { Primitive.Log, Primitive.Sqrt, Primitive.Rsqrt })
            yield return [$"{p} f32", Op(p, EqnParams.None, [F32(-1, 5)], 0.01, 4)];
        yield return ["Exp f64", Op(Primitive.Exp, EqnParams.None, [F64(-1, 5)], atol: 1e-12, rtol: 1e-12)];
        yield return ["Log1p f32 near zero", new Case(Single(Primitive.Log1p, EqnParams.None, F32(-1, 4)),
            _ => [NDArray.From([1e-7f, -1e-7f, 3e-5f, 0f, 0.5f, 2f, -0.5f, 100f], 2, 4)], 1e-12, 1e-6)];
        yield return ["Log1p f64", Op(Primitive.Log1p, EqnParams.None, [F64(-1, 5)], -0.9, 5, 1e-15, 1e-14)];

        foreach (var p in new[] { Primitive.Eq, Primitive.Ne, Primitive.Lt, Primitive.Le, Primitive.Gt, Primitive.Ge })
            yield return [$"{p} i32", Op(p, EqnParams.None, [I32(-1, 6), I32(1, 6)], -2, 2)];
        yield return ["Lt f32", Op(Primitive.Lt, F32(-1, 3), F32(-1, 3))];
        yield return ["Eq bool", Op(Primitive.Eq, B(-1, 4), B(-1, 4))];
        yield return ["And", Op(Primitive.And, B(-1, 4), B(1, 4))];
        yield return ["Or", Op(Primitive.Or, B(-1, 4), B(-1, 4))];
        yield return ["Not", Op(Primitive.Not, B(-1, 4))];
        yield return ["Select", Op(Primitive.Select, B(-1, 3), F32(-1, 3), F32(1, 3))];
        yield return ["ScaleShift NHWC", Op(Primitive.ScaleShift, F32(-1, 4, 5, 3), F32(1, 1, 1, 3), F32(1, 1, 1, 3))];
        yield return ["ScaleShift rank 2 f64", Op(Primitive.ScaleShift, EqnParams.None, [F64(-1, 6), F64(1, 6), F64(1, 6)], atol: 1e-12, rtol: 1e-12)];
        yield return ["ScaleShift 3-D", Op(Primitive.ScaleShift, F32(2, 7, 4), F32(1, 1, 4), F32(1, 1, 4))];

        yield return ["Convert f32 to i32", Op(Primitive.ConvertElementType, new ConvertElementTypeParams(DType.Int32), [F32(-1, 6)], -9, 9)];
        yield return ["Convert i32 to f32", Op(Primitive.ConvertElementType, new ConvertElementTypeParams(DType.Float32), [I32(-1, 6)], -9, 9)];
        yield return ["Convert f32 to bool", new Case(Single(Primitive.ConvertElementType, new ConvertElementTypeParams(DType.Bool), F32(-1, 4)),
            _ => [NDArray.From([0f, -0f, 0.5f, -3f, 1e-30f, 0f, 2f, 0f], 2, 4)])];
        yield return ["Convert bool to f64", Op(Primitive.ConvertElementType, new ConvertElementTypeParams(DType.Float64), [B(-1, 4)])];

        yield return ["DotGeneral dense", Op(Primitive.DotGeneral, new DotGeneralParams(A(1), A(0), A(), A()), [F32(-1, 4), F32(4, 5)])];
        yield return ["DotGeneral dense rank 3", Op(Primitive.DotGeneral, new DotGeneralParams(A(2), A(0), A(), A()), [F32(-1, 2, 4), F32(4, 5)])];
        yield return ["DotGeneral leading batch", Op(Primitive.DotGeneral, new DotGeneralParams(A(2), A(1), A(0), A(0)), [F32(-1, 3, 4), F32(-1, 4, 5)])];
        yield return ["DotGeneral general", Op(Primitive.DotGeneral, new DotGeneralParams(A(0, 2), A(2, 0), A(3), A(1)), [F32(4, -1, 3, 2), F32(3, 2, 4, 5)])];
        yield return ["DotGeneral contract batch", Op(Primitive.DotGeneral, new DotGeneralParams(A(0), A(0), A(), A()), [F32(-1, 3), F32(-1, 2)])];
        yield return ["DotGeneral transposed rhs (Gemm transB)", Op(Primitive.DotGeneral, new DotGeneralParams(A(1), A(1), A(), A()), [F32(-1, 4), F32(5, 4)])];
        yield return ["DotGeneral im2col kernel gradient (Gemm transA)", Op(Primitive.DotGeneral, new DotGeneralParams(A(0, 1, 2), A(0, 1, 2), A(), A()), [F32(-1, 3, 3, 6), F32(-1, 3, 3, 2)])];
        yield return ["DotGeneral long contraction over the batch in chunks", Op(Primitive.DotGeneral, new DotGeneralParams(A(1, 2, 3), A(0, 1, 2), A(), A()),
            [F32(6, -1, 8, 8), F32(-1, 8, 8, 5)], atol: 1e-5, rtol: 1e-4)];
        yield return ["DotGeneral long static contraction in chunks f64", Op(Primitive.DotGeneral, new DotGeneralParams(A(1), A(0), A(), A()),
            [F64(2, 256, 2), F64(256, 2)], atol: 1e-12, rtol: 1e-12)];
        yield return ["DotGeneral long contraction over the batch i32 (one MatMul)", Op(Primitive.DotGeneral, new DotGeneralParams(A(1, 2, 3), A(0, 1, 2), A(), A()),
            [I32(6, -1, 8, 8), I32(-1, 8, 8, 5)], -5, 5)];
        // The lhs viewed as (2 * batch, 0): a computed shape with a 0 dim, whose Reshape needs allowzero.
        yield return ["DotGeneral contracting an empty axis beside the batch", Op(Primitive.DotGeneral, new DotGeneralParams(A(1), A(0), A(), A()),
            [F32(-1, 0, 2), F32(0, 3)])];
        yield return ["DotGeneral both transposed f64", Op(Primitive.DotGeneral, new DotGeneralParams(A(0), A(1), A(), A()), [F64(4, 3), F64(2, 4)], atol: 1e-12, rtol: 1e-12)];
        yield return ["DotGeneral outer i32", Op(Primitive.DotGeneral, new DotGeneralParams(A(), A(), A(), A()), [I32(-1, 2), I32(3)], -5, 5)];

        yield return ["ReduceSum axis 1", Op(Primitive.ReduceSum, new ReduceParams(A(1)), [F32(-1, 4, 3)])];
        yield return ["ReduceSum axes 0 2", Op(Primitive.ReduceSum, new ReduceParams(A(0, 2)), [F32(-1, 4, 3)])];
        yield return ["ReduceSum no axes", Op(Primitive.ReduceSum, new ReduceParams(A()), [F32(-1, 4)])];
        yield return ["ReduceSum leading axes 0 1 2 (two steps)", Op(Primitive.ReduceSum, new ReduceParams(A(0, 1, 2)), [F32(-1, 5, 4, 3)])];
        yield return ["ReduceSum leading axes i64 (two steps)", Op(Primitive.ReduceSum, new ReduceParams(A(0, 1)), [I64(-1, 6, 2)], -1000, 1000)];
        yield return ["ReduceMax", Op(Primitive.ReduceMax, new ReduceParams(A(1, 2)), [F32(-1, 4, 3)])];
        yield return ["ReduceMin i32", Op(Primitive.ReduceMin, new ReduceParams(A(0)), [I32(-1, 4)], -50, 50)];

        yield return ["Reshape split", Op(Primitive.Reshape, new ReshapeParams(A(-1, 2, 3)), [F32(-1, 6)])];
        yield return ["Reshape static", Op(Primitive.Reshape, new ReshapeParams(A(6, 4)), [F32(2, 3, 4)])];
        yield return ["Reshape two batch axes", Op(Primitive.Reshape, new ReshapeParams(A(-1, 2, -1)), [F32(-1, 2, -1)])];
        yield return ["Transpose", Op(Primitive.Transpose, new TransposeParams(A(2, 0, 1)), [F32(-1, 3, 4)])];
        yield return ["BroadcastInDim vector", Op(Primitive.BroadcastInDim, new BroadcastInDimParams(A(2, 4, 3), A(2)), [F32(3)])];
        yield return ["BroadcastInDim keeps batch", Op(Primitive.BroadcastInDim, new BroadcastInDimParams(A(-1, 4), A(0, 1)), [F32(-1, 1)])];
        yield return ["BroadcastInDim to batch", new Case(
            Program2(Primitive.BroadcastInDim, new BroadcastInDimParams(A(-1, 3), A(0, 1)), F32(1, 3), F32(-1, 2)),
            r => [Draw(r, F32(1, 3)), Draw(r, F32(-1, 2), batch: 5)])];
        yield return ["BroadcastInDim identity", Op(Primitive.BroadcastInDim, new BroadcastInDimParams(A(-1, 3), A(0, 1)), [F32(-1, 3)])];
        yield return ["Concatenate", Op(Primitive.Concatenate, new AxisParams(1), [F32(-1, 2), F32(-1, 3), F32(-1, 1)])];
        yield return ["Slice strided", Op(Primitive.Slice, new SliceParams(A(0, 1, 0), A(-1, 7, 3), A(1, 2, 1)), [F32(-1, 8, 3)])];
        yield return ["Slice whole", Op(Primitive.Slice, new SliceParams(A(0, 0), A(-1, 3), A(1, 1)), [F32(-1, 3)])];
        yield return ["Pad", Op(Primitive.Pad, new PadParams(A(0, 1, 2), A(0, 2, 0), -1.5), [F32(-1, 2, 3)])];
        yield return ["Pad i32", Op(Primitive.Pad, new PadParams(A(1), A(1), 7), [I32(4)], -3, 3)];
        yield return ["Iota f32", new Case(Single(Primitive.Iota, new IotaParams(DType.Float32, A(2, 3, 4), 1)), _ => [])];
        yield return ["Iota i64", new Case(Single(Primitive.Iota, new IotaParams(DType.Int64, A(5), 0)), _ => [])];
        yield return ["Take", new Case(Single(Primitive.Take, new AxisParams(1), F32(4, 5), I32(-1, 2)),
            r => [Draw(r, F32(4, 5)), Draw(r, I32(-1, 2), -5, 4)])];
        yield return ["TakeAlongAxis", new Case(Single(Primitive.TakeAlongAxis, new AxisParams(1), F32(-1, 5), I64(-1, 3)),
            r => [Draw(r, F32(-1, 5)), Draw(r, I64(-1, 3), -5, 4)])];

        yield return ["Conv SAME", Op(Primitive.ConvGeneralDilated, Conv(A(1, 1), P((1, 1), (1, 1)), A(1, 1), A(1, 1), 1), [F32(-1, 5, 5, 3), F32(3, 3, 3, 4)], atol: 1e-5)];
        yield return ["Conv strided dilated", Op(Primitive.ConvGeneralDilated, Conv(A(2, 1), P((0, 0), (2, 1)), A(1, 1), A(2, 1), 1), [F32(-1, 7, 6, 2), F32(2, 3, 2, 3)], atol: 1e-5)];
        yield return ["Conv grouped", Op(Primitive.ConvGeneralDilated, Conv(A(1, 1), P((0, 0), (0, 0)), A(1, 1), A(1, 1), 2), [F32(-1, 4, 4, 4), F32(2, 2, 2, 6)], atol: 1e-5)];
        yield return ["Conv transposed", Op(Primitive.ConvGeneralDilated, Conv(A(1, 1), P((2, 2), (1, 2)), A(2, 2), A(1, 1), 1), [F32(-1, 3, 4, 2), F32(3, 2, 2, 3)], atol: 1e-5)];
        yield return ["Conv negative padding", Op(Primitive.ConvGeneralDilated, Conv(A(1), P((-1, 2)), A(1), A(1), 1), [F32(-1, 6, 2), F32(2, 2, 3)], atol: 1e-5)];
        yield return ["Conv 1-D f64 (computed in f32)", Op(Primitive.ConvGeneralDilated, Conv(A(2), P((1, 0)), A(1), A(1), 1), [F64(-1, 9, 3), F64(3, 3, 2)], atol: 1e-5)];
        // ConvTranspose: (lhs (N, spatial..., O), forward kernel (window..., C/G, O)).
        yield return ["ConvTranspose SAME", Op(Primitive.ConvTranspose, ConvT(A(1, 1), P((1, 1), (1, 1)), A(0, 0), A(1, 1), 1), [F32(-1, 5, 5, 4), F32(3, 3, 3, 4)], atol: 1e-5)];
        yield return ["ConvTranspose strided, output padding", Op(Primitive.ConvTranspose, ConvT(A(2, 2), P((0, 1), (1, 1)), A(1, 0), A(1, 1), 1), [F32(-1, 3, 4, 2), F32(3, 2, 3, 2)], atol: 1e-5)];
        yield return ["ConvTranspose dilated grouped", Op(Primitive.ConvTranspose, ConvT(A(1, 2), P((2, 0), (0, 1)), A(0, 1), A(2, 1), 2), [F32(-1, 4, 3, 4), F32(2, 2, 3, 4)], atol: 1e-5)];
        yield return ["ConvTranspose 1-D f64, pads beyond the kernel", Op(Primitive.ConvTranspose, ConvT(A(1), P((3, 1)), A(0), A(1), 1), [F64(-1, 6, 2), F64(2, 3, 2)], atol: 1e-5)];
        yield return ["ConvTranspose 3-D", Op(Primitive.ConvTranspose, ConvT(A(2, 1, 1), P((0, 0), (1, 0), (0, 1)), A(1, 0, 0), A(1, 1, 1), 1), [F32(-1, 3, 2, 3, 2), F32(2, 2, 2, 3, 2)], atol: 1e-5)];

        yield return ["MaxPool NHWC", Op(Primitive.ReduceWindowMax, Window(A(1, 2, 2, 1), A(1, 2, 2, 1), P((0, 0), (0, 0), (0, 0), (0, 0))), [F32(-1, 4, 4, 3)])];
        yield return ["MaxPool padded", Op(Primitive.ReduceWindowMax, Window(A(1, 3, 3, 1), A(1, 1, 2, 1), P((0, 0), (1, 1), (1, 0), (0, 0))), [F32(-1, 5, 4, 2)])];
        yield return ["MaxPool i32", Op(Primitive.ReduceWindowMax, Window(A(1, 2, 1), A(1, 1, 1), P((0, 0), (0, 1), (0, 0))), [I32(-1, 4, 2)], -100, 100)];
        yield return ["MaxPool one free axis", Op(Primitive.ReduceWindowMax, Window(A(1, 3), A(1, 2), P((0, 0), (1, 1))), [F32(-1, 7)])];
        yield return ["MaxPool gradient NHWC", Op(Primitive.SelectAndScatterAdd, Window(A(1, 2, 2, 1), A(1, 2, 2, 1), P((0, 0), (0, 0), (0, 0), (0, 0))), [F32(-1, 2, 2, 3), F32(-1, 4, 4, 3)])];
        yield return ["MaxPool gradient overlapping padded f64", Op(Primitive.SelectAndScatterAdd, Window(A(1, 3, 3, 1), A(1, 1, 2, 1), P((0, 0), (1, 1), (1, 0), (0, 0))),
            [F64(-1, 5, 2, 2), F64(-1, 5, 4, 2)], atol: 1e-12, rtol: 1e-12)];
        yield return ["MaxPool gradient one free axis", Op(Primitive.SelectAndScatterAdd, Window(A(1, 3), A(1, 2), P((0, 0), (1, 1))), [F32(-1, 4), F32(-1, 7)])];
        yield return ["MaxPool gradient ties go to the first maximum", new Case(
            Single(Primitive.SelectAndScatterAdd, Window(A(1, 2, 2, 1), A(1, 1, 1, 1), P((0, 0), (0, 0), (0, 0), (0, 0))), F32(-1, 2, 2, 1), F32(-1, 3, 3, 1)),
            _ => [NDArray.From([1f, 2, 4, 8], 1, 2, 2, 1), NDArray.From([0f, 0, 0, 0, 0, 0, 0, 0, 0], 1, 3, 3, 1)])];
        yield return ["MaxPool gradient tiling ties go to the first maximum", new Case(
            Single(Primitive.SelectAndScatterAdd, Window(A(1, 2, 2, 1), A(1, 2, 2, 1), P((0, 0), (0, 0), (0, 0), (0, 0))), F32(-1, 2, 2, 1), F32(-1, 4, 4, 1)),
            _ => [NDArray.From([1f, 2, 4, 8], 1, 2, 2, 1), NDArray.From([0f, 0, 0, 1, 0, 0, 1, 0, 2, 1, 3, 3, 1, 2, 3, 3], 1, 4, 4, 1)])];
        yield return ["MaxPool gradient tiling f64", Op(Primitive.SelectAndScatterAdd, Window(A(1, 3, 2, 1), A(1, 3, 2, 1), P((0, 0), (0, 0), (0, 0), (0, 0))),
            [F64(-1, 2, 3, 2), F64(-1, 6, 6, 2)], atol: 1e-12, rtol: 1e-12)];
        yield return ["MaxPool gradient tiling static rank 2", Op(Primitive.SelectAndScatterAdd, Window(A(2, 1), A(2, 1), P((0, 0), (0, 0))), [F32(3, 4), F32(6, 4)])];
        yield return ["MaxPool gradient disjoint, sizes not divisible", Op(Primitive.SelectAndScatterAdd, Window(A(1, 2, 2, 1), A(1, 2, 2, 1), P((0, 0), (0, 0), (0, 0), (0, 0))),
            [F32(-1, 2, 2, 3), F32(-1, 5, 5, 3)])];
        // Padding as wide as the window (ONNX Runtime's MaxPool refuses it): padded explicitly, a window in the padding is the lowest value.
        yield return ["MaxPool padding as wide as the window", Op(Primitive.ReduceWindowMax, Window(A(1, 2, 1), A(1, 1, 1), P((0, 0), (2, 0), (0, 0))), [F32(-1, 3, 2)])];
        yield return ["MaxPool i32 padding wider than the window", Op(Primitive.ReduceWindowMax, Window(A(1, 2, 1), A(1, 2, 1), P((0, 0), (0, 3), (0, 0))), [I32(-1, 4, 2)], -100, 100)];
        yield return ["MaxPool gradient overlapping, padding as wide as the window f64", Op(Primitive.SelectAndScatterAdd, Window(A(1, 2, 1), A(1, 1, 1), P((0, 0), (2, 0), (0, 0))),
            [F64(-1, 4, 2), F64(-1, 3, 2)], atol: 1e-12, rtol: 1e-12)];
        yield return ["MaxPool gradient disjoint, padding as wide as the window", Op(Primitive.SelectAndScatterAdd, Window(A(1, 2, 1), A(1, 2, 1), P((0, 0), (2, 1), (0, 0))),
            [F32(-1, 3, 2), F32(-1, 3, 2)])];
        yield return ["SumPool NHWC", Op(Primitive.ReduceWindowSum, Window(A(1, 2, 2, 1), A(1, 1, 1, 1), P((0, 0), (1, 0), (0, 1), (0, 0))), [F32(-1, 3, 3, 2)], atol: 1e-5)];
        yield return ["SumPool i32", Op(Primitive.ReduceWindowSum, Window(A(1, 3, 1), A(1, 2, 1), P((0, 0), (1, 1), (0, 0))), [I32(-1, 6, 2)], -1000, 1000)];
        yield return ["SumPool three free axes", Op(Primitive.ReduceWindowSum, Window(A(1, 2, 1, 1), A(1, 2, 1, 1), P((0, 0), (0, 0), (0, 0), (0, 0))), [F64(-1, 4, 2, 3)], atol: 1e-12, rtol: 1e-12)];
        yield return ["FoldIn broadcast keys x int64 counters", new Case(Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, -1, 1, 2), I64(1, 4)),
            r => [RandomKeys(r, 3, 1, 2), NDArray.From([0L, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF], 1, 4)])];
        yield return ["FoldIn int32 data", new Case(Single(Primitive.FoldIn, EqnParams.None, new TensorType(DType.UInt32, 2), I32()),
            r => [RandomKeys(r, 2), NDArray.From([-3], [])])];
        yield return ["RandomBits batched keys", new Case(Single(Primitive.RandomBits, new RandomBitsParams(A(2, 5)), new TensorType(DType.UInt32, -1, 2)),
            r => [RandomKeys(r, 3, 2)])];
        var ct = new Var(F32(-1, 3));
        yield return ["custom_vjp_call computes its first input", Op(Primitive.CustomVjpCall,
            new CustomVjpParams(new Program([ct], [], [], [], [new ProgramOutput("ct_0", ct)]), 1), [F32(-1, 3), F32(-1, 3)])];
        foreach (var reverse in new[] { false, true })
        {
            var scan = ScanProgram(reverse);
            yield return [$"scan reverse={reverse}: const, two carries, two xs, three ys", new Case(scan, r => [.. scan.Inputs.Select(v => Draw(r, v.Type, -1, 1))])];
        }
        foreach (var n in new[] { 0, 1, 4 })
            yield return [$"while counts to {n}, scaling a dynamic carry", new Case(WhileProgram(),
                r => [NDArray.Scalar(n), NDArray.Scalar(1), Draw(r, F32(1, 3), 0.5, 1.5), NDArray.Scalar(0), Draw(r, F32(-1, 3))])];
        foreach (var index in new[] { -1, 0, 1, 2, 5 })
            yield return [$"cond of three branches, index {index}", new Case(CondProgram(3), r => [NDArray.Scalar(index), Draw(r, F32(-1, 3)), NDArray.Scalar(7)])];
        foreach (var index in new[] { 0, 1 })
            yield return [$"cond of two branches, index {index}", new Case(CondProgram(2), r => [NDArray.Scalar(index), Draw(r, F32(-1, 3)), NDArray.Scalar(7)])];
        yield return ["cond of one branch", new Case(CondProgram(1), r => [NDArray.Scalar(3), Draw(r, F32(-1, 3)), NDArray.Scalar(7)])];
    }

    /// <summary>
    /// <c>switch(index, branches, x, c)</c> over inputs <c>(index, x, c)</c>, outputs <c>(y, count)</c>: branch 0 is
    /// <c>(exp(x), c)</c>, branch 1 <c>(x * x, c + c)</c>, branch 2 <c>(x, -c)</c> (an operand passed through).
    /// </summary>
    internal static Program CondProgram(int branches)
    {
        Program Branch(int k)
        {
            var (x, c) = (new Var(F32(-1, 3)), new Var(I32()));
            var (y, n) = (new Var(F32(-1, 3)), new Var(I32()));
            ImmutableArray<Eqn> eqns = k switch
            {
                0 => [new Eqn(Primitive.Exp, [x], EqnParams.None, [y], "/Layer_0/branch")],
                1 => [new Eqn(Primitive.Mul, [x, x], EqnParams.None, [y], "/Layer_0/branch"), new Eqn(Primitive.Add, [c, c], EqnParams.None, [n], "/Layer_0/branch")],
                _ => [new Eqn(Primitive.Neg, [c], EqnParams.None, [n], "/Layer_0/branch")],
            };
            return new Program([x, c], [], [], eqns, [new ProgramOutput("output_0", k == 2 ? x : y), new ProgramOutput("output_1", k == 0 ? c : n)]);
        }
        var inputs = new[] { new Var(I32()), new Var(F32(-1, 3)), new Var(I32()) };
        var outputs = new[] { new Var(F32(-1, 3)), new Var(I32()) };
        return new Program([.. inputs], [], [],
            [new Eqn(Primitive.Cond, [.. inputs], new CondParams([.. Enumerable.Range(0, branches).Select(Branch)]), [.. outputs], "/Layer_0")],
            [new ProgramOutput("output_0", outputs[0]), new ProgramOutput("output_1", outputs[1])]);
    }

    /// <summary>
    /// One <see cref="Primitive.Scan"/> over 4 steps: const <c>w (1, 3)</c>; carries <c>h (batch, 3)</c> and
    /// <c>c (1, 1)</c>; xs <c>x (4, batch, 3)</c> and <c>u (4, 1, 1)</c>. The body computes <c>h = tanh(h * w + x)</c>,
    /// <c>c = c + u</c> and gives ys <c>h * c</c>, <c>c</c> (a carry output again) and <c>w</c> (the const itself).
    /// </summary>
    internal static Program ScanProgram(bool reverse, DType dtype = DType.Float32)
    {
        TensorType F32(params int[] dims) => new(dtype, dims);
        var (w, h, c, x, u) = (new Var(F32(1, 3)), new Var(F32(-1, 3)), new Var(F32(1, 1)), new Var(F32(-1, 3)), new Var(F32(1, 1)));
        var (hw, pre, h2, c2, y) = (new Var(F32(-1, 3)), new Var(F32(-1, 3)), new Var(F32(-1, 3)), new Var(F32(1, 1)), new Var(F32(-1, 3)));
        var body = new Program([w, h, c, x, u], [], [],
        [
            new Eqn(Primitive.Mul, [h, w], EqnParams.None, [hw], "/cell"),
            new Eqn(Primitive.Add, [hw, x], EqnParams.None, [pre], "/cell"),
            new Eqn(Primitive.Tanh, [pre], EqnParams.None, [h2], "/cell"),
            new Eqn(Primitive.Add, [c, u], EqnParams.None, [c2], "/cell"),
            new Eqn(Primitive.Mul, [h2, c2], EqnParams.None, [y], "/cell"),
        ], [new("h", h2), new("c", c2), new("y", y), new("c_y", c2), new("w_y", w)]);
        var prm = new ScanParams(body, 1, 2, 4, reverse);
        TensorType[] types = [F32(1, 3), F32(-1, 3), F32(1, 1), F32(4, -1, 3), F32(4, 1, 1)];
        var inputs = types.Select(t => new Var(t)).ToImmutableArray();
        var outputs = ShapeInference.InferAll(Primitive.Scan, prm, types).Select(t => new Var(t)).ToImmutableArray();
        return new Program(inputs, [], [], [new Eqn(Primitive.Scan, inputs, prm, outputs, "/Layer_0")],
            [.. outputs.Select((v, k) => new ProgramOutput($"output_{k}", v))]);
    }

    /// <summary><c>(i, x) = while i &lt; n: (i + one, x * s + x)</c> over inputs <c>(n, one, s, i0, x0)</c>: the cond
    /// reads the const <c>n</c>, the body the consts <c>one</c> and <c>s</c>; both carries are outputs.</summary>
    internal static Program WhileProgram()
    {
        var (n, i) = (new Var(I32()), new Var(I32()));
        var x = new Var(F32(-1, 3));
        var pred = new Var(B());
        var cond = new Program([n, i, x], [], [], [new Eqn(Primitive.Lt, [i, n], EqnParams.None, [pred], "")], [new ProgramOutput("output_0", pred)]);
        var (one, s, bi, bx) = (new Var(I32()), new Var(F32(1, 3)), new Var(I32()), new Var(F32(-1, 3)));
        var (next, scaled, grown) = (new Var(I32()), new Var(F32(-1, 3)), new Var(F32(-1, 3)));
        var body = new Program([one, s, bi, bx], [], [],
            [new Eqn(Primitive.Add, [bi, one], EqnParams.None, [next], "/loop"), new Eqn(Primitive.Mul, [bx, s], EqnParams.None, [scaled], "/loop"),
             new Eqn(Primitive.Add, [scaled, bx], EqnParams.None, [grown], "/loop")],
            [new ProgramOutput("output_0", next), new ProgramOutput("output_1", grown)]);
        var inputs = new[] { new Var(I32()), new Var(I32()), new Var(F32(1, 3)), new Var(I32()), new Var(F32(-1, 3)) };
        var outputs = new[] { new Var(I32()), new Var(F32(-1, 3)) };
        return new Program([.. inputs], [], [], [new Eqn(Primitive.While, [.. inputs], new WhileParams(cond, 1, body, 2), [.. outputs], "/Layer_0")],
            [new ProgramOutput("output_0", outputs[0]), new ProgramOutput("output_1", outputs[1])]);
    }

    /// <summary>uint32 key words with every bit pattern possible (high bits included).</summary>
    private static NDArray RandomKeys(System.Random r, params int[] shape) =>
        NDArray.From(Enumerable.Range(0, shape.Aggregate(1, (n, d) => n * d)).Select(_ => (uint)r.NextInt64(1L << 32)).ToArray(), shape);

    private static ConvParams Conv(ImmutableArray<int> strides, ImmutableArray<(int, int)> padding, ImmutableArray<int> lhsDilation, ImmutableArray<int> rhsDilation, int groups) =>
        new(strides, padding, lhsDilation, rhsDilation, groups);

    private static ConvTransposeParams ConvT(ImmutableArray<int> strides, ImmutableArray<(int, int)> padding, ImmutableArray<int> outputPadding, ImmutableArray<int> rhsDilation, int groups) =>
        new(strides, padding, outputPadding, rhsDilation, groups);

    private static ReduceWindowParams Window(ImmutableArray<int> window, ImmutableArray<int> strides, ImmutableArray<(int, int)> padding) =>
        new(window, strides, padding);

    /// <summary>One equation on the first input; the second input only supplies the batch size.</summary>
    private static Program Program2(Primitive p, EqnParams prm, TensorType operand, TensorType batchSource)
    {
        var single = Single(p, prm, operand);
        return single with { Inputs = [single.Inputs[0], new Var(batchSource)] };
    }

    [TestMethod]
    public void EveryPrimitiveHasACase()
    {
        var covered = Cases().SelectMany(c => ((Case)c[1]).Program.Eqns.Select(e => e.Primitive)).ToHashSet();
        CollectionAssert.AreEqual(Array.Empty<Primitive>(), Enum.GetValues<Primitive>().Where(p => !covered.Contains(p)).ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void LoweringMatchesEvaluator(string name, Case c)
    {
        var random = new System.Random(name.Aggregate(17, (h, c) => unchecked(h * 31 + c)));
        AssertMatches(c.Program, c.Inputs(random), c.Atol, c.Rtol);
    }
}
