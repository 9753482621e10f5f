using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FashionMnist;

/// <summary>
/// Draws the training curves as a PNG (no plotting library): the left panel shows the training (red) and validation
/// (orange) loss from 0 to the largest value, the right one the training (blue) and validation (green) accuracy from
/// 0.5 to 1, one point per epoch, with grid lines at tenths.
/// </summary>
internal static class CurvePlot
{
    private const int Width = 800, Height = 360, Margin = 24, Gap = 32;

    internal static void Write(string path, IReadOnlyList<Flax.TrainingProgress> epochs)
    {
        var image = new byte[Width * Height * 3];
        image.AsSpan().Fill(255);
        int panel = (Width - 2 * Margin - Gap) / 2;
        var left = (X: Margin, Y: Margin, W: panel, H: Height - 2 * Margin);
        var right = (X: Margin + panel + Gap, Y: Margin, W: panel, H: Height - 2 * Margin);
        double maxLoss = epochs.Max(e => double.IsNaN(e.ValidationLoss) ? e.Loss : Math.Max(e.Loss, e.ValidationLoss));
        Frame(image, left);
        Frame(image, right);
        Curve(image, left, epochs.Select(e => e.Loss / maxLoss).ToList(), (220, 40, 40));
        Curve(image, left, epochs.Select(e => e.ValidationLoss / maxLoss).ToList(), (240, 150, 30));
        Curve(image, right, epochs.Select(e => (e.Accuracy - 0.5) * 2).ToList(), (40, 80, 220));
        Curve(image, right, epochs.Select(e => (e.ValidationAccuracy - 0.5) * 2).ToList(), (30, 160, 60));
        File.WriteAllBytes(path, Png(image));
    }

    private static void Frame(byte[] image, (int X, int Y, int W, int H) box)
    {
        for (int k = 0; k <= 10; k++)
        {
            int y = box.Y + box.H - k * box.H / 10;
            byte shade = k is 0 or 10 ? (byte)0 : (byte)220;
            for (int x = box.X; x <= box.X + box.W; x++) Set(image, x, y, (shade, shade, shade));
        }
        for (int y = box.Y; y <= box.Y + box.H; y++)
        {
            Set(image, box.X, y, (0, 0, 0));
            Set(image, box.X + box.W, y, (0, 0, 0));
        }
    }

    /// <summary>A polyline of values in [0, 1] (clamped), spread evenly across the panel, 3 pixels thick; nothing
    /// for NaN values (no validation).</summary>
    private static void Curve(byte[] image, (int X, int Y, int W, int H) box, IReadOnlyList<double> values, (byte, byte, byte) color)
    {
        if (values.Any(double.IsNaN)) return;
        (int, int) Point(int i) => (box.X + (values.Count == 1 ? box.W / 2 : i * box.W / (values.Count - 1)),
            box.Y + box.H - (int)Math.Round(Math.Clamp(values[i], 0, 1) * box.H));
        for (int i = 0; i < values.Count; i++)
        {
            var (x1, y1) = Point(i);
            var (x0, y0) = i == 0 ? (x1, y1) : Point(i - 1);
            int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) + 1;
            for (int s = 0; s <= steps; s++)
            {
                int x = x0 + (x1 - x0) * s / steps, y = y0 + (y1 - y0) * s / steps;
                for (int dx = -1; dx <= 1; dx++)
                    for (int dy = -1; dy <= 1; dy++) Set(image, x + dx, y + dy, color);
            }
        }
    }

    private static void Set(byte[] image, int x, int y, (byte R, byte G, byte B) color)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return;
        int at = (y * Width + x) * 3;
        (image[at], image[at + 1], image[at + 2]) = color;
    }

    /// <summary>An 8-bit RGB PNG: signature, IHDR, one zlib IDAT of filter-0 scanlines, IEND.</summary>
    private static byte[] Png(byte[] rgb)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < Height; y++)
        {
            raw.WriteByte(0);
            raw.Write(rgb, y * Width * 3, Width * 3);
        }
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zlib);

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        (header[8], header[9]) = (8, 2);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    /// <summary>The CRC-32 (IEEE, reflected, as PNG uses it).</summary>
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
