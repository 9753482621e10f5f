using System.Buffers.Binary;
using System.IO.Compression;

namespace FashionMnist;

/// <summary>Reads the gzip-compressed IDX files the MNIST family ships in (big-endian header, then bytes).</summary>
internal static class Idx
{
    /// <summary>The images of an <c>idx3-ubyte.gz</c> file as float32 in [0, 1], shaped <c>(count, rows, cols)</c>.</summary>
    internal static (float[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        var bytes = Decompress(path);
        Expect(bytes, 0x00000803, path);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        var pixels = new float[count * rows * cols];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = bytes[16 + i] / 255f;
        return (pixels, count, rows, cols);
    }

    /// <summary>The labels of an <c>idx1-ubyte.gz</c> file.</summary>
    internal static int[] ReadLabels(string path)
    {
        var bytes = Decompress(path);
        Expect(bytes, 0x00000801, path);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        return [.. bytes.AsSpan(8, count).ToArray().Select(b => (int)b)];
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    private static void Expect(byte[] bytes, int magic, string path)
    {
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
            throw new InvalidDataException($"{path} is not an IDX file with magic number 0x{magic:X8}.");
    }
}
