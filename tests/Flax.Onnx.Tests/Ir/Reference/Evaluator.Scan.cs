using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class Evaluator
{
    /// <summary><see cref="Primitive.Scan"/> by its definition: a loop over the steps (backwards when reversed) that
    /// evaluates the body on the consts, the carry and the step's slice of each x, and stacks the ys in step order.</summary>
    private static ImmutableArray<HostTensor> Scan(ScanParams s, ImmutableArray<HostTensor> args)
    {
        var consts = args.Take(s.Consts).ToArray();
        var carry = args.Skip(s.Consts).Take(s.Carry).ToArray();
        var xs = args.Skip(s.Consts + s.Carry).ToArray();
        int ys = s.Body.Outputs.Length - s.Carry;
        var steps = new HostTensor[s.Length][];
        for (int n = 0; n < s.Length; n++)
        {
            int step = s.Reverse ? s.Length - 1 - n : n;
            var slices = xs.Select(x =>
            {
                int size = x.Data.Length / s.Length;
                return new HostTensor(x.DType, x.Shape[1..], x.Data.AsSpan(step * size, size).ToArray());
            });
            var outs = Run(s.Body, [.. consts.Concat(carry).Concat(slices).Select(h => h.ToNDArray())], new Dictionary<string, NDArray>())
                .Select(HostTensor.FromNDArray).ToArray();
            carry = outs[..s.Carry];
            steps[step] = outs[s.Carry..];
        }
        var stacked = Enumerable.Range(0, ys).Select(o => new HostTensor(steps[0][o].DType, [s.Length, .. steps[0][o].Shape],
            [.. steps.SelectMany(y => y[o].Data)]));
        return [.. carry, .. stacked];
    }
}
