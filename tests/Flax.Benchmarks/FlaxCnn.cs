namespace Flax.Benchmarks;

/// <summary>The Fashion-MNIST CNN of <c>examples/FashionMnist/Cnn.cs</c> (NHWC) and random batches for it.</summary>
internal static class FlaxCnn
{
    private static Tensor Block(Scope scope, Tensor x, int features, bool train)
    {
        x = Nn.Conv(scope.Push("Conv_0"), x, features, kernelSize: [3, 3], bias: false);
        x = Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: !train, momentum: 0.9);
        return Nn.MaxPool(Nn.Relu(x), [2, 2], [2, 2]);
    }

    /// <summary>The model, in training or inference configuration.</summary>
    internal static Tensor Apply(Scope scope, Tensor x, bool train)
    {
        x = Block(scope.Push("Block_0"), x, 32, train);
        x = Block(scope.Push("Block_1"), x, 64, train);
        x = Nn.Relu(Nn.Dense(scope.Push("Dense_0"), x.Reshape(-1, 7 * 7 * 64), features: 128));
        return Nn.Dense(scope.Push("Dense_1"), x, features: 10);
    }

    /// <summary>A batch of uniform images in [0, 1) (NHWC) and labels in 0..9, the same values for every seed use.</summary>
    internal static (float[] Images, int[] Labels) Batch(int size)
    {
        var random = new Random(0);
        return ([.. Enumerable.Range(0, size * 784).Select(_ => (float)random.NextDouble())], [.. Enumerable.Range(0, size).Select(_ => random.Next(10))]);
    }

    /// <summary>A trainer of the model with Adam(1e-3) from <c>Init</c> with key 0, compiled by one first step.</summary>
    internal static Trainer Trainer(NDArray images, NDArray labels)
    {
        var (_, variables) = Core.Init((Scope s, Tensor x) => Apply(s, x, train: false), device: Device.Cpu)(PrngKey.Create(0), images);
        var trainer = new Trainer((s, x) => Apply(s, x, train: true), Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizers.Adam(1e-3), variables, Device.Cpu);
        trainer.Step(images, labels);
        return trainer;
    }
}
