namespace FashionMnist;

/// <summary>Images (28x28, one channel, values in [0, 1]) and their class labels (0-9).</summary>
internal sealed record FashionData(float[] Pixels, int[] Labels)
{
    internal const int Side = 28;
    internal const int Pixels784 = Side * Side;

    /// <summary>Debian's <c>dataset-fashion-mnist</c> package installs the full set here.</summary>
    internal const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The number of images.</summary>
    internal int Count => Labels.Length;

    /// <summary>The training and test sets from <see cref="DebianDirectory"/>, or the small subset shipped beside the
    /// program when the package is not installed; and where they came from.</summary>
    internal static (FashionData Train, FashionData Test, string Source) Load()
    {
        var directory = File.Exists(Path.Combine(DebianDirectory, "train-images-idx3-ubyte.gz"))
            ? DebianDirectory
            : Path.Combine(AppContext.BaseDirectory, "data");
        FashionData Read(string prefix) => new(
            Idx.ReadImages(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz")).Pixels,
            Idx.ReadLabels(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz")));
        return (Read("train"), Read("t10k"), directory);
    }

    /// <summary>The first <paramref name="count"/> examples.</summary>
    internal FashionData Take(int count) => count >= Count ? this
        : new(Pixels.AsSpan(0, count * Pixels784).ToArray(), Labels.AsSpan(0, count).ToArray());

    /// <summary>An ML.NET row: the pixels as a vector of 784 and the label.</summary>
    internal sealed class Row
    {
        [Microsoft.ML.Data.VectorType(Pixels784)]
        public float[] Pixels { get; set; } = [];

        public uint Label { get; set; }
    }

    /// <summary>The examples as ML.NET rows.</summary>
    internal IEnumerable<Row> Rows() => Enumerable.Range(0, Count).Select(i => new Row
    {
        Pixels = Pixels.AsSpan(i * Pixels784, Pixels784).ToArray(),
        Label = (uint)Labels[i],
    });
}
