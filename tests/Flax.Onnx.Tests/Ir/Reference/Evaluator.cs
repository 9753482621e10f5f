using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// The managed reference interpreter of a <see cref="Program"/>: the test oracle for the ONNX lowering. Written for
/// clarity, not speed: one direct loop per primitive over <see cref="HostTensor"/>s in double precision, each result
/// rounded to its dtype. Runs on the shared <see cref="ProgramInterpreter"/> loop.
/// </summary>
internal static partial class Evaluator
{
    /// <summary>Evaluates <paramref name="program"/>.</summary>
    /// <param name="program">A checked program.</param>
    /// <param name="inputs">One array per program input, in order; -1 axes take the one batch size they agree on.</param>
    /// <param name="parameters">The value of each parameter by path.</param>
    /// <returns>The outputs, in the program's order.</returns>
    /// <exception cref="ArgumentException">An input or parameter is missing or does not fit its variable's type.</exception>
    /// <exception cref="NotSupportedException">A value's dtype is not float32, float64, int32, int64 or bool.</exception>
    internal static ImmutableArray<NDArray> Run(Program program, IReadOnlyList<NDArray> inputs, IReadOnlyDictionary<string, NDArray> parameters)
    {
        if (inputs.Count != program.Inputs.Length)
            throw new ArgumentException($"The program takes {program.Inputs.Length} input(s), got {inputs.Count}.", nameof(inputs));
        var leaves = new Dictionary<Var, NDArray>();
        for (int i = 0; i < inputs.Count; i++) leaves[program.Inputs[i]] = inputs[i];
        foreach (var p in program.Parameters)
            leaves[p.Var] = parameters.TryGetValue(p.Path, out var value) ? value
                : throw new ArgumentException($"No value for parameter '{p.Path}'.", nameof(parameters));
        foreach (var c in program.Constants) leaves[c.Var] = c.Value;

        int batch = BatchSize(leaves);
        var outputs = ProgramInterpreter.Run(program, v => HostTensor.FromNDArray(leaves[v]), (eqn, args) =>
        {
            if (eqn.Primitive.HasManyOutputs()) return ApplyMany(eqn, args);
            var shape = eqn.Outputs[0].Type.Dims.Select(d => d < 0 ? batch : d).ToArray();
            return [Apply(eqn, args, new TensorType(eqn.Outputs[0].Type.DType, shape))];
        });
        return outputs.Select(o => o.ToNDArray()).ToImmutableArray();
    }

    /// <summary>The evaluation rule table of the primitives with several outputs.</summary>
    private static ImmutableArray<HostTensor> ApplyMany(Eqn eqn, ImmutableArray<HostTensor> args) => eqn.Primitive switch
    {
        Primitive.Scan => Scan((ScanParams)eqn.Params, args),
        Primitive.While => While((WhileParams)eqn.Params, args),
        Primitive.Cond => Cond((CondParams)eqn.Params, args),
        _ => throw new NotSupportedException($"The reference evaluator has no rule for {eqn.Primitive.Name()}."),
    };

    /// <summary>The loop run directly: evaluate the condition on the carry, and the body while it is true.</summary>
    private static ImmutableArray<HostTensor> While(WhileParams w, ImmutableArray<HostTensor> args)
    {
        var values = args.Select(a => a.ToNDArray()).ToList();
        var condConsts = values.Take(w.CondConsts).ToList();
        var bodyConsts = values.Skip(w.CondConsts).Take(w.BodyConsts).ToList();
        var carry = values.Skip(w.CondConsts + w.BodyConsts).ToList();
        var none = new Dictionary<string, NDArray>();
        while (Run(w.Cond, [.. condConsts, .. carry], none)[0].Item<bool>())
            carry = [.. Run(w.Body, [.. bodyConsts, .. carry], none)];
        return [.. carry.Select(HostTensor.FromNDArray)];
    }

    /// <summary>The branch the clamped index names, run directly.</summary>
    private static ImmutableArray<HostTensor> Cond(CondParams c, ImmutableArray<HostTensor> args)
    {
        int index = (int)Math.Clamp(args[0].Data[0], 0, c.Branches.Length - 1);
        var outputs = Run(c.Branches[index], [.. args.Skip(1).Select(a => a.ToNDArray())], new Dictionary<string, NDArray>());
        return [.. outputs.Select(HostTensor.FromNDArray)];
    }

    /// <summary>The runtime size of -1 axes: checks each value against its variable's type.</summary>
    private static int BatchSize(Dictionary<Var, NDArray> leaves)
    {
        int batch = -1;
        foreach (var (v, value) in leaves)
        {
            var dims = v.Type.Dims;
            bool fits = value.DType == v.Type.DType && value.Rank == dims.Length;
            for (int a = 0; fits && a < dims.Length; a++)
            {
                if (dims[a] < 0 && batch < 0) batch = value.Shape[a];
                fits = value.Shape[a] == (dims[a] < 0 ? batch : dims[a]);
            }
            if (!fits)
                throw new ArgumentException($"A {value.DType.Name()} array of shape {Shapes.Format(value.Shape)} does not fit type {v.Type}{(batch < 0 ? "" : $" with batch size {batch}")}.");
        }
        return batch;
    }

    /// <summary>The evaluation rule table: the value of <paramref name="eqn"/> with output type <paramref name="output"/>
    /// (concrete sizes) given its argument values.</summary>
    private static HostTensor Apply(Eqn eqn, ImmutableArray<HostTensor> args, TensorType output)
    {
        int[] shape = output.Shape;
        DType dtype = output.DType;
        return eqn.Primitive switch
        {
            Primitive.Add => Map(dtype, shape, args, x => x[0] + x[1]),
            Primitive.Sub => Map(dtype, shape, args, x => x[0] - x[1]),
            Primitive.Mul => Map(dtype, shape, args, x => dtype.IsFloat() ? x[0] * x[1] : WrappingProduct(dtype, x[0], x[1])),
            Primitive.Div => Map(dtype, shape, args, x => dtype.IsFloat() ? x[0] / x[1] : (long)x[0] / (long)x[1]),
            Primitive.Pow => Map(dtype, shape, args, x => Math.Pow(x[0], x[1])),
            Primitive.Max => Map(dtype, shape, args, x => Math.Max(x[0], x[1])),
            Primitive.Min => Map(dtype, shape, args, x => Math.Min(x[0], x[1])),
            Primitive.Neg => Map(dtype, shape, args, x => -x[0]),
            Primitive.Sign => Map(dtype, shape, args, x => double.IsNaN(x[0]) ? x[0] : Math.Sign(x[0])),
            Primitive.Abs => Map(dtype, shape, args, x => Math.Abs(x[0])),
            Primitive.Exp => Map(dtype, shape, args, x => Math.Exp(x[0])),
            Primitive.Log => Map(dtype, shape, args, x => Math.Log(x[0])),
            Primitive.Log1p => Map(dtype, shape, args, x => ReferenceMath.Log1p(x[0])),
            Primitive.Tanh => Map(dtype, shape, args, x => Math.Tanh(x[0])),
            Primitive.Logistic => Map(dtype, shape, args, x => 1 / (1 + Math.Exp(-x[0]))),
            Primitive.Sqrt => Map(dtype, shape, args, x => Math.Sqrt(x[0])),
            Primitive.Rsqrt => Map(dtype, shape, args, x => 1 / Math.Sqrt(x[0])),
            Primitive.Erf => Map(dtype, shape, args, x => ReferenceMath.Erf(x[0])),
            Primitive.Eq => Map(dtype, shape, args, x => x[0] == x[1] ? 1 : 0),
            Primitive.Ne => Map(dtype, shape, args, x => x[0] != x[1] ? 1 : 0),
            Primitive.Lt => Map(dtype, shape, args, x => x[0] < x[1] ? 1 : 0),
            Primitive.Le => Map(dtype, shape, args, x => x[0] <= x[1] ? 1 : 0),
            Primitive.Gt => Map(dtype, shape, args, x => x[0] > x[1] ? 1 : 0),
            Primitive.Ge => Map(dtype, shape, args, x => x[0] >= x[1] ? 1 : 0),
            Primitive.And => Map(dtype, shape, args, x => x[0] != 0 && x[1] != 0 ? 1 : 0),
            Primitive.Or => Map(dtype, shape, args, x => x[0] != 0 || x[1] != 0 ? 1 : 0),
            Primitive.Not => Map(dtype, shape, args, x => x[0] != 0 ? 0 : 1),
            Primitive.Select => Map(dtype, shape, args, x => x[0] != 0 ? x[1] : x[2]),
            Primitive.ScaleShift => Map(dtype, shape, args, x => HostTensor.Round(dtype, x[0] * x[1]) + x[2]),
            Primitive.ConvertElementType => Map(dtype, shape, args, x => x[0]),
            Primitive.DotGeneral => DotGeneral((DotGeneralParams)eqn.Params, args[0], args[1], output),
            Primitive.ReduceSum => Reduce((ReduceParams)eqn.Params, args[0], output, 0, (a, b) => a + b),
            Primitive.ReduceMax => Reduce((ReduceParams)eqn.Params, args[0], output, double.NegativeInfinity, Math.Max),
            Primitive.ReduceMin => Reduce((ReduceParams)eqn.Params, args[0], output, double.PositiveInfinity, Math.Min),
            Primitive.Reshape => new HostTensor(dtype, shape, args[0].Data),
            Primitive.Transpose => Transpose((TransposeParams)eqn.Params, args[0], output),
            Primitive.BroadcastInDim => BroadcastInDim((BroadcastInDimParams)eqn.Params, args[0], output),
            Primitive.Concatenate => Concatenate((AxisParams)eqn.Params, args, output),
            Primitive.Slice => Slice((SliceParams)eqn.Params, args[0], output),
            Primitive.Pad => Pad((PadParams)eqn.Params, args[0], output),
            Primitive.Iota => HostTensor.Build(dtype, shape, i => i[((IotaParams)eqn.Params).Dimension]),
            Primitive.Take => Take((AxisParams)eqn.Params, args[0], args[1], output),
            Primitive.TakeAlongAxis => TakeAlongAxis((AxisParams)eqn.Params, args[0], args[1], output),
            Primitive.ConvGeneralDilated => Conv((ConvParams)eqn.Params, args[0], args[1], output),
            Primitive.ConvTranspose => ConvTranspose((ConvTransposeParams)eqn.Params, args[0], args[1], output),
            Primitive.ReduceWindowMax => ReduceWindow((ReduceWindowParams)eqn.Params, args[0], output, LowestValue(dtype), Math.Max),
            Primitive.ReduceWindowSum => ReduceWindow((ReduceWindowParams)eqn.Params, args[0], output, 0, (a, b) => a + b),
            Primitive.SelectAndScatterAdd => SelectAndScatterAdd((ReduceWindowParams)eqn.Params, args[0], args[1], output),
            Primitive.CustomVjpCall => args[0],
            Primitive.FoldIn => FoldIn(args[0], args[1], output),
            Primitive.RandomBits => RandomBits((RandomBitsParams)eqn.Params, args[0], output),
            _ => throw new NotSupportedException($"The reference evaluator has no rule for {eqn.Primitive.Name()}."),
        };
    }

    /// <summary>An element-wise result: each argument is read at the output index, size-1 axes broadcasting.</summary>
    private static HostTensor Map(DType dtype, int[] shape, ImmutableArray<HostTensor> args, Func<double[], double> f)
    {
        var values = new double[args.Length];
        var argIndex = new int[shape.Length];
        return HostTensor.Build(dtype, shape, index =>
        {
            for (int k = 0; k < args.Length; k++)
            {
                for (int a = 0; a < shape.Length; a++) argIndex[a] = args[k].Shape[a] == 1 ? 0 : index[a];
                values[k] = args[k][argIndex];
            }
            return f(values);
        });
    }

    /// <summary>An integer product wrapped to <paramref name="dtype"/> before it becomes a double, so that int32
    /// products stay exact (a double holds only 53 bits of the 64-bit product).</summary>
    private static double WrappingProduct(DType dtype, double a, double b)
    {
        long product = unchecked((long)a * (long)b);
        return dtype == DType.Int32 ? unchecked((int)product) : product;
    }

    /// <summary>The value max-padding uses: -inf for floats, the lowest value for integers.</summary>
    private static double LowestValue(DType dtype) => dtype switch
    {
        DType.Int32 => int.MinValue,
        DType.Int64 => long.MinValue,
        _ => double.NegativeInfinity,
    };
}
