using System.Numerics;

namespace Flax;

/// <summary>
/// The threefry2x32 block cipher with 20 rounds (Random123), exactly as JAX's <c>threefry2x32_p</c> computes it.
/// </summary>
internal static class Threefry
{
    /// <summary>Hashes the counter pair <paramref name="x0"/>, <paramref name="x1"/> under the key (k0, k1).</summary>
    public static (uint Y0, uint Y1) Hash(uint k0, uint k1, uint x0, uint x1)
    {
        uint k2 = k0 ^ k1 ^ 0x1BD11BDAu;
        x0 += k0; x1 += k1;
        Rounds(ref x0, ref x1, 13, 15, 26, 6); x0 += k1; x1 += k2 + 1;
        Rounds(ref x0, ref x1, 17, 29, 16, 24); x0 += k2; x1 += k0 + 2;
        Rounds(ref x0, ref x1, 13, 15, 26, 6); x0 += k0; x1 += k1 + 3;
        Rounds(ref x0, ref x1, 17, 29, 16, 24); x0 += k1; x1 += k2 + 4;
        Rounds(ref x0, ref x1, 13, 15, 26, 6); x0 += k2; x1 += k0 + 5;
        return (x0, x1);
    }

    private static void Rounds(ref uint x0, ref uint x1, int r0, int r1, int r2, int r3)
    {
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r0) ^ x0;
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r1) ^ x0;
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r2) ^ x0;
        x0 += x1; x1 = BitOperations.RotateLeft(x1, r3) ^ x0;
    }
}
