using TorchSharp;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Flax.Benchmarks;

/// <summary>
/// The Fashion-MNIST CNN of <c>examples/FashionMnist/Cnn.cs</c> in TorchSharp (NCHW): two blocks of 3x3 conv without
/// bias, batch norm (momentum 0.1, Flax's 0.9), ReLU and 2x2 max pooling, of 32 and 64 channels; dense 128, ReLU,
/// dense 10; softmax cross-entropy and Adam(1e-3), the baseline of <see cref="TorchTrainBenchmarks"/> and <see cref="TorchInferenceBenchmarks"/>.
/// </summary>
internal sealed class TorchCnn : IDisposable
{
    private readonly nn.Module<TorchTensor, TorchTensor> _model;
    private readonly optim.Optimizer _adam;
    private readonly nn.Module<TorchTensor, TorchTensor, TorchTensor> _loss;

    internal TorchCnn()
    {
        TorchNative.Prepare();
        torch.manual_seed(0);
        _loss = nn.CrossEntropyLoss();
        _model = nn.Sequential(
            ("conv0", nn.Conv2d(1, 32, 3, padding: 1, bias: false)), ("bn0", nn.BatchNorm2d(32, momentum: 0.1)),
            ("relu0", nn.ReLU()), ("pool0", nn.MaxPool2d(2)),
            ("conv1", nn.Conv2d(32, 64, 3, padding: 1, bias: false)), ("bn1", nn.BatchNorm2d(64, momentum: 0.1)),
            ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("dense0", nn.Linear(7 * 7 * 64, 128)), ("relu2", nn.ReLU()), ("dense1", nn.Linear(128, 10)));
        _adam = optim.Adam(_model.parameters(), lr: 1e-3);
    }

    /// <summary>One training step: forward, loss, backward, Adam; returns the loss.</summary>
    internal float Step(TorchTensor images, TorchTensor labels)
    {
        using var scope = NewDisposeScope();
        _model.train();
        _adam.zero_grad();
        var loss = _loss.call(_model.call(images), labels);
        loss.backward();
        _adam.step();
        return loss.item<float>();
    }

    /// <summary>Inference (running batch-norm statistics, no autograd); returns the first logit.</summary>
    internal float Predict(TorchTensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _model.eval();
        return _model.call(images)[0, 0].item<float>();
    }

    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
        _loss.Dispose();
    }
}
