using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class Evaluator
{
    /// <summary><c>fold_in</c> per key by the host PRNG (<see cref="PrngKey.FoldIn(uint)"/>), leading axes broadcasting.</summary>
    private static HostTensor FoldIn(HostTensor key, HostTensor data, TensorType output)
    {
        int lead = output.Rank - 1;
        var keyIndex = new int[output.Rank];
        var dataIndex = new int[lead];
        return HostTensor.Build(DType.UInt32, output.Shape, index =>
        {
            for (int a = 0; a < lead; a++)
            {
                keyIndex[a] = key.Shape[a] == 1 ? 0 : index[a];
                dataIndex[a] = data.Shape[a] == 1 ? 0 : index[a];
            }
            keyIndex[lead] = 0;
            uint hi = (uint)key[keyIndex];
            keyIndex[lead] = 1;
            var folded = new PrngKey(hi, (uint)key[keyIndex]).FoldIn(unchecked((uint)(long)data[dataIndex]));
            return index[lead] == 0 ? folded.Hi : folded.Lo;
        });
    }

    /// <summary><c>random_bits</c> per key by the host PRNG (<see cref="Prng.Bits(PrngKey, int[], int)"/>).</summary>
    private static HostTensor RandomBits(RandomBitsParams r, HostTensor key, TensorType output)
    {
        int block = r.Shape.Aggregate(1, (n, d) => n * d);
        var data = new double[key.Data.Length / 2 * block];
        for (int k = 0; k < key.Data.Length / 2; k++)
        {
            var bits = Prng.Bits(new PrngKey((uint)key.Data[2 * k], (uint)key.Data[2 * k + 1]), [.. r.Shape]).ToArray<uint>();
            for (int i = 0; i < block; i++) data[k * block + i] = bits[i];
        }
        return new HostTensor(DType.UInt32, output.Shape, data);
    }
}
