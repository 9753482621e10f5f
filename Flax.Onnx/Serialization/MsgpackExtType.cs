namespace Flax;

/// <summary>The msgpack extension type codes of <c>flax.serialization</c> (its <c>_MsgpackExtType</c>).</summary>
internal enum MsgpackExtType : sbyte
{
    /// <summary>An ndarray: the payload is <see cref="ArrayPayload"/>.</summary>
    NdArray = 1,

    /// <summary>A Python <c>complex</c>: the payload is the msgpack pair <c>(real, imag)</c>.</summary>
    NativeComplex = 2,

    /// <summary>A numpy scalar (<c>np.float32(1.0)</c>): the payload is <see cref="ArrayPayload"/> of shape <c>()</c>.</summary>
    NumpyScalar = 3,
}
