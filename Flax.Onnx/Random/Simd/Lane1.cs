using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Flax;

/// <summary>
/// One scalar lane: the reference path, and the tail of every vector loop. Its float64 "vector" holds one value, so
/// <see cref="WidenUpper"/> is unused and <see cref="Narrow"/> rounds the lower value.
/// </summary>
internal readonly struct Lane1 : ILanes<uint, float, double>
{
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Load(ref uint source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(uint value, ref uint destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Broadcast(uint value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Sequence(uint start) => start;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Add(uint a, uint b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Xor(uint a, uint b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Or(uint a, uint b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint And(uint a, uint b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint ShiftRight(uint a, int count) => a >> count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint RotateLeft(uint a, [ConstantExpected(Min = 1, Max = 31)] byte count) => System.Numerics.BitOperations.RotateLeft(a, count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint GreaterThan(uint a, uint b) => a > b ? uint.MaxValue : 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Select(uint mask, uint a, uint b) => mask != 0 ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float AsFloat(uint bits) => BitConverter.UInt32BitsToSingle(bits);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint AsUInt(float value) => BitConverter.SingleToUInt32Bits(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Subtract(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Multiply(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Divide(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float FusedMultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Max(float a, float b) => MathF.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Min(float a, float b) => MathF.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sqrt(float a) => MathF.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Abs(float a) => MathF.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint LessThan(float a, float b) => a < b ? uint.MaxValue : 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Equal(float a, float b) => a == b ? uint.MaxValue : 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Select(uint mask, float a, float b) => mask != 0 ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double WidenLower(float value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double WidenUpper(float value) => 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Narrow(double lower, double upper) => (float)lower;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Broadcast(double value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Add(double a, double b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Multiply(double a, double b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Divide(double a, double b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double FusedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
}
