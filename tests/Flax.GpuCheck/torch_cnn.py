"""PyTorch's train step and inference of the Fashion-MNIST CNN on CUDA: the baseline of Flax.GpuCheck's timings.

The model of examples/FashionMnist/Cnn.cs (conv 3x3 without bias, batch norm, ReLU, 2x2 max pooling, twice; dense 128
with ReLU; dense 10), Adam(1e-3), uniform images. Each step copies its batch from the host and reads the loss back,
as Flax's Trainer.Step does; cuDNN picks its fastest algorithms (cudnn.benchmark). Prints a markdown table.
Usage: python3 torch_cnn.py
"""
import time

import torch
from torch import nn


def model():
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, momentum=0.1), nn.ReLU(),
                nn.MaxPool2d(2, 2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Linear(7 * 7 * 64, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def mean_ms(call, runs):
    for _ in range(5):
        call()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(runs):
        call()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) * 1000 / runs


def main():
    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    generator = torch.Generator().manual_seed(0)
    print(f"| PyTorch {torch.__version__} on {torch.cuda.get_device_name(0)} | ms |")
    print("|---|---:|")
    for batch in (128, 512):
        net = model().to(device).train()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        x = torch.rand(batch, 1, 28, 28, generator=generator)
        y = torch.randint(0, 10, (batch,), generator=generator)

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(net(x.to(device)), y.to(device))
            loss.backward()
            optimizer.step()
            return loss.item()
        print(f"| train step, batch {batch} | {mean_ms(step, 200):.2f} |")
    net = model().to(device).eval()
    x = torch.rand(1024, 1, 28, 28, generator=generator)

    @torch.no_grad()
    def infer():
        return net(x.to(device)).cpu()
    print(f"| inference, batch 1024 (host in and out) | {mean_ms(infer, 200):.2f} |")


if __name__ == "__main__":
    main()
