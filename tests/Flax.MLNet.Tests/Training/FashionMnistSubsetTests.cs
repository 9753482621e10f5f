using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Flax.MLNet.Tests;

/// <summary>
/// The CI stand-in for the Fashion-MNIST example: a small CNN trained through the ML.NET pipeline on the 1000 training
/// images the example ships, for 3 epochs. Its loss must fall by half and its accuracy on the 500 shipped test images
/// must be far above chance (0.1): above 0.6.
/// </summary>
[TestClass]
public sealed class FashionMnistSubsetTests
{
    private sealed class Image
    {
        [VectorType(784)] public float[] Pixels { get; set; } = [];
        public uint Label { get; set; }
    }

    private static List<Image> Read(string prefix)
    {
        static byte[] Bytes(string path)
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            return memory.ToArray();
        }
        var directory = Path.Combine(AppContext.BaseDirectory, "fashion-mnist");
        var images = Bytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"));
        var labels = Bytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"));
        int count = BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(4));
        return [.. Enumerable.Range(0, count).Select(i => new Image
        {
            Pixels = [.. images.AsSpan(16 + i * 784, 784).ToArray().Select(b => b / 255f)],
            Label = labels[8 + i],
        })];
    }

    private static Tensor Cnn(Scope scope, Tensor x, bool train)
    {
        x = Nn.Conv(scope.Push("Conv_0"), x, 8, kernelSize: [3, 3]);
        x = Nn.MaxPool(Nn.Relu(Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: !train, momentum: 0.9)), [2, 2], [2, 2]);
        x = Nn.Conv(scope.Push("Conv_1"), x, 16, kernelSize: [3, 3]);
        x = Nn.MaxPool(Nn.Relu(x), [2, 2], [2, 2]);
        return Nn.Dense(scope.Push("Dense_0"), x.Reshape(-1, 7 * 7 * 16), features: 10);
    }

    private sealed class Collector : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    [TestMethod]
    public void CnnLearnsFashionMnistSubset()
    {
        var ml = new MLContext(seed: 0);
        var progress = new Collector();
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Key", nameof(Image.Label), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.ApplyFlaxModel("Score", nameof(Image.Pixels), (s, x) => Cnn(s, x, train: false), new FlaxModelOptions
            {
                Device = Device.Cpu,
                InputShapes = [[28, 28, 1]],
                Training = new FlaxTrainingOptions
                {
                    LabelColumnName = "Key",
                    TrainingModel = (s, x) => Cnn(s, x, train: true),
                    Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
                    Optimizer = Optimizers.Adam(3e-3),
                    Epochs = 3,
                    BatchSize = 64,
                    Progress = progress,
                },
            }));
        using var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Read("train")));
        var test = Read("t10k");
        var scores = model.Transform(ml.Data.LoadFromEnumerable(test)).GetColumn<float[]>("Score").ToArray();
        double accuracy = scores.Zip(test).Average(p => Array.IndexOf(p.First, p.First.Max()) == p.Second.Label ? 1.0 : 0);

        Assert.HasCount(3, progress.Reports);
        Assert.IsTrue(progress.Reports[^1].Loss < progress.Reports[0].Loss / 2, string.Join(", ", progress.Reports.Select(r => r.Loss)));
        Assert.IsTrue(accuracy > 0.6, $"test accuracy {accuracy}");
    }
}
