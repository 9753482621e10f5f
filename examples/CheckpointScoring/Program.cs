using Flax;
using Microsoft.ML;
using Microsoft.ML.Data;

// A model trained in JAX/Flax, served in .NET: load its flax.serialization checkpoint, check it fits the model,
// run it with Core.Apply on ONNX Runtime, then score it in an ML.NET pipeline.

// The model, named as flax.linen names an MLP of two nn.Dense layers.
static Tensor Mlp(Scope scope, Tensor x) =>
    Nn.Dense(scope.Push("Dense_1"), Nn.Relu(Nn.Dense(scope.Push("Dense_0"), x, features: 8)), features: 3);

// 1. The file flax.serialization.to_bytes(variables) wrote (here: tests/fixtures/make_flax_checkpoints.py).
var loaded = FlaxCheckpoint.Read(Path.Combine(AppContext.BaseDirectory, "mlp.msgpack"));

// 2. Fit it to the model's own variable structure; a missing or unexpected key or a wrong shape would be listed.
var target = Core.LazyInit(Mlp)(PrngKey.Create(0), new TensorSpec(DType.Float32, 1, 4));
var variables = FlaxCheckpoint.Restore(target, loaded);
Console.WriteLine("Restored variables:");
foreach (var (path, leaf) in variables.Flatten())
    Console.WriteLine($"  {path}: {Shapes.Format(((NDArray)leaf).Shape)}");

// 3. Apply on ONNX Runtime, and compare with the logits numpy computed from the same checkpoint.
var io = FlaxCheckpoint.Read(Path.Combine(AppContext.BaseDirectory, "mlp_io.msgpack"));
var x = (NDArray)io["x"];
var expected = ((NDArray)io["logits"]).ToArray<float>();
var logits = Core.Apply(Mlp)(variables, x).ToArray<float>();
Console.WriteLine($"Core.Apply: largest difference from numpy over {logits.Length} logits: {expected.Zip(logits, (e, a) => Math.Abs(e - a)).Max():G3}");

// 4. Score in ML.NET: the restored variables go in as pretrained, so Fit only builds the transformer.
var ml = new MLContext(seed: 0);
var rows = Enumerable.Range(0, x.Shape[0]).Select(i => new Row { Features = x.ToArray<float>()[(i * 4)..(i * 4 + 4)] });
var data = ml.Data.LoadFromEnumerable(rows);
var pipeline = ml.Transforms.ApplyFlaxModel("Logits", "Features", Mlp, new FlaxModelOptions { Variables = variables });
var scored = ml.Data.CreateEnumerable<Scored>(pipeline.Fit(data).Transform(data), reuseRowObject: false).ToList();
for (int i = 0; i < scored.Count; i++)
    Console.WriteLine($"  row {i}: class {Array.IndexOf(scored[i].Logits, scored[i].Logits.Max())}, logits [{string.Join(", ", scored[i].Logits.Select(v => v.ToString("F4")))}]");
Console.WriteLine($"ML.NET scores equal Core.Apply's: {scored.SelectMany(r => r.Logits).SequenceEqual(logits)}");

// 5. Save for others: Flax's own layout (readable by flax.serialization.from_bytes) and safetensors.
var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "saved"));
FlaxCheckpoint.Write(variables, Path.Combine(directory.FullName, "mlp.msgpack"));
SafeTensors.Write(variables, Path.Combine(directory.FullName, "mlp.safetensors"), new Dictionary<string, string> { ["format"] = "flax" });
Console.WriteLine($"Saved mlp.msgpack and mlp.safetensors in {directory.FullName}");
Console.WriteLine($"The saved mlp.msgpack is byte for byte the file Python wrote: " +
    File.ReadAllBytes(Path.Combine(directory.FullName, "mlp.msgpack")).SequenceEqual(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "mlp.msgpack"))));

/// <summary>One input row: the four features the MLP reads.</summary>
internal sealed class Row
{
    [VectorType(4)]
    public float[] Features { get; set; } = [];
}

/// <summary>One scored row: the MLP's three logits.</summary>
internal sealed class Scored
{
    [VectorType(3)]
    public float[] Logits { get; set; } = [];
}
