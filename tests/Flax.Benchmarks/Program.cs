using BenchmarkDotNet.Running;
using Flax.Benchmarks;

// Runs the benchmarks chosen on the command line, e.g.
//   dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*Prng*'
// or prints ONNX Runtime's per-operator profile of the CNN's train-step graph:
//   dotnet run -c Release --project tests/Flax.Benchmarks -- profile [batch] [runs] [standard]
// or times LibTorch's forward and backward of each layer of the CNN (set beside the profile's slowest nodes):
//   dotnet run -c Release --project tests/Flax.Benchmarks -- torch-layers [batch] [rounds]
// or times hand-made ONNX variants of one computation against the first (graph experiments):
//   dotnet run -c Release --project tests/Flax.Benchmarks -- model-probe first.onnx other.onnx ...
// or times the CNN's train step against LibTorch's without BenchmarkDotNet, interleaved on one thread:
//   dotnet run -c Release --project tests/Flax.Benchmarks -- interleaved [batch] [rounds]
// or measures ONNX Runtime's Scan against the unrolled loop (Lift.ScanUnrollThreshold):
//   dotnet run -c Release --project tests/Flax.Benchmarks -- scan [runs] [batch]
//   dotnet run -c Release --project tests/Flax.Benchmarks -- scan-train [steps] [batch]
if (args.Length > 0 && args[0] == "scan-train")
    ScanThresholdProbe.Train(args.Length > 1 ? int.Parse(args[1]) : 20, args.Length > 2 ? int.Parse(args[2]) : 16);
else if (args.Length > 0 && args[0] == "scan")
    ScanThresholdProbe.Run(args.Length > 1 ? int.Parse(args[1]) : 50, args.Length > 2 ? int.Parse(args[2]) : 16);
else if (args.Length > 0 && args[0] == "interleaved")
    InterleavedTrainComparison.Run(args.Length > 1 ? int.Parse(args[1]) : 128, args.Length > 2 ? int.Parse(args[2]) : 9);
else if (args.Length > 0 && args[0] == "torch-layers")
    TorchLayerProfile.Run(args.Length > 1 ? int.Parse(args[1]) : 128, args.Length > 2 ? int.Parse(args[2]) : 9);
else if (args.Length > 0 && args[0] == "model-probe")
    ModelProbe.Run(args[1..]);
else if (args.Length > 0 && args[0] == "profile")
    TrainStepProfile.Run(args.Length > 1 ? int.Parse(args[1]) : 128, args.Length > 2 ? int.Parse(args[2]) : 20, args.Length > 3 && args[3] == "standard");
else
    BenchmarkSwitcher.FromAssembly(typeof(TrainStepProfile).Assembly).Run(args);
