using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using U = System.Runtime.Intrinsics.Vector128<uint>;
using F = System.Runtime.Intrinsics.Vector128<float>;
using D = System.Runtime.Intrinsics.Vector128<double>;

namespace Flax;

/// <summary>4 lanes in 128-bit vectors (SSE, Arm AdvSIMD). Use only when <see cref="Vector128.IsHardwareAccelerated"/>.</summary>
internal readonly struct Lanes128 : ILanes<U, F, D>
{
    private static readonly U Iota = Vector128.Create(0u, 1, 2, 3);

    public static int Count => U.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Load(ref uint source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(U value, ref uint destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Broadcast(uint value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Sequence(uint start) => Vector128.Create(start) + Iota;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Add(U a, U b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Xor(U a, U b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Or(U a, U b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U And(U a, U b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U ShiftRight(U a, int count) => Vector128.ShiftRightLogical(a, count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U RotateLeft(U a, [ConstantExpected(Min = 1, Max = 31)] byte count) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(a, count) : Vector128.ShiftLeft(a, count) | Vector128.ShiftRightLogical(a, 32 - count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U GreaterThan(U a, U b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Select(U mask, U a, U b) => Vector128.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F AsFloat(U bits) => bits.AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U AsUInt(F value) => value.AsUInt32();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Add(F a, F b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Subtract(F a, F b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Multiply(F a, F b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Divide(F a, F b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F FusedMultiplyAdd(F a, F b, F c) => Vector128.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Max(F a, F b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Min(F a, F b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Sqrt(F a) => Vector128.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Abs(F a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U LessThan(F a, F b) => Vector128.LessThan(a, b).AsUInt32();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static U Equal(F a, F b) => Vector128.Equals(a, b).AsUInt32();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Select(U mask, F a, F b) => Vector128.ConditionalSelect(mask.AsSingle(), a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D WidenLower(F value) => Vector128.WidenLower(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D WidenUpper(F value) => Vector128.WidenUpper(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F Narrow(D lower, D upper) => Vector128.Narrow(lower, upper);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Broadcast(double value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Add(D a, D b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Multiply(D a, D b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D Divide(D a, D b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D FusedMultiplyAdd(D a, D b, D c) => Vector128.FusedMultiplyAdd(a, b, c);
}
