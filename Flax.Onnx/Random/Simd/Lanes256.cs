using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using U = System.Runtime.Intrinsics.Vector256<uint>;
using F = System.Runtime.Intrinsics.Vector256<float>;
using D = System.Runtime.Intrinsics.Vector256<double>;

namespace Flax;

/// <summary>8 lanes in 256-bit vectors (AVX2). Use only when <see cref="Vector256.IsHardwareAccelerated"/>.</summary>
internal readonly struct Lanes256 : ILanes<U, F, D>
{
    private static readonly U Iota = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);

    public static int Count => U.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Load(ref uint source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(U value, ref uint destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Broadcast(uint value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Sequence(uint start) => Vector256.Create(start) + Iota;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Add(U a, U b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Xor(U a, U b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Or(U a, U b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U And(U a, U b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U ShiftRight(U a, int count) => Vector256.ShiftRightLogical(a, count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U RotateLeft(U a, [ConstantExpected(Min = 1, Max = 31)] byte count) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(a, count) : Vector256.ShiftLeft(a, count) | Vector256.ShiftRightLogical(a, 32 - count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U GreaterThan(U a, U b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Select(U mask, U a, U b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F AsFloat(U bits) => bits.AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U AsUInt(F value) => value.AsUInt32();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Add(F a, F b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Subtract(F a, F b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Multiply(F a, F b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Divide(F a, F b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F FusedMultiplyAdd(F a, F b, F c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Max(F a, F b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Min(F a, F b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Sqrt(F a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Abs(F a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U LessThan(F a, F b) => Vector256.LessThan(a, b).AsUInt32();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Equal(F a, F b) => Vector256.Equals(a, b).AsUInt32();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Select(U mask, F a, F b) => Vector256.ConditionalSelect(mask.AsSingle(), a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D WidenLower(F value) => Vector256.WidenLower(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D WidenUpper(F value) => Vector256.WidenUpper(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Narrow(D lower, D upper) => Vector256.Narrow(lower, upper);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Broadcast(double value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Add(D a, D b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Multiply(D a, D b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Divide(D a, D b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D FusedMultiplyAdd(D a, D b, D c) => Vector256.FusedMultiplyAdd(a, b, c);
}
