using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g.
//   dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*Prng*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
