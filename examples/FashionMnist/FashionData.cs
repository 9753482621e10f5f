using Flax;

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

    /// <summary>The examples at <paramref name="indices"/> as a model input <c>(n, 28, 28, 1)</c> and int32 labels.</summary>
    internal (NDArray Images, NDArray Labels) Batch(ReadOnlySpan<int> indices)
    {
        var images = new float[indices.Length * Pixels784];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels.AsSpan(indices[i] * Pixels784, Pixels784).CopyTo(images.AsSpan(i * Pixels784));
            labels[i] = Labels[indices[i]];
        }
        return (NDArray.From(images, indices.Length, Side, Side, 1), NDArray.From(labels, indices.Length));
    }
}
