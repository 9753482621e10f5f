// Flax's design tests (tests/core/design) as C# models: each is initialised with Flax's seeds and prints its output
// shape, its parameter count and its {path: shape} tree. The tests in tests/Flax.Onnx.Tests/Design assert the same.
using Flax;
using Flax.Examples.Design;

var ones14 = NDArray.Ones(DType.Float32, 1, 4);

Show("dense (test_dense)", Core.Init((s, x) => new DenseDesign.Dense(4).Call(s, x))(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 3)));
Show("explicit dense (test_explicit_dense)", Core.Init(DenseDesign.ExplicitMlp)(PrngKey.Create(0), ones14));
Show("semi-explicit dense (test_semi_explicit_dense)", Core.Init(DenseDesign.SemiExplicitMlp)(PrngKey.Create(0), ones14));
Show("mlp", Core.Init(Mlp.Model)(PrngKey.Create(0), ones14));
Show("auto-encoder (test_auto_encoder_hp_struct)",
    Core.Init((s, x) => new AutoEncoders.AutoEncoder(Latents: 2, Features: 4, Hidden: 3).Call(s, x))(PrngKey.Create(0), ones14));
Show("tied auto-encoder (test_tied_auto_encoder)",
    Core.Init((s, x) => new TiedAutoEncoder(Latents: 2, Features: 4).Call(s, x))(PrngKey.Create(0), ones14));
Show("weight standardisation (test_weight_std)",
    Core.Init(WeightStd.Mlp)(PrngKey.Create(1), Prng.Normal(PrngKey.Create(0), [1, 4])));
var flow = Core.Init((s, x) => Flow.Forward(s, x))(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 3));
Show("flow (test_flow)", flow);
Console.WriteLine($"  backward(forward(x)) = {Core.Apply((s, y) => Flow.Backward(s, y))(flow.Variables, flow.Output)}");
Show("resnet (test_resnet)", Core.Init((s, x) => ResNet.Model(s, x, blockSizes: [2, 2]))(PrngKey.Create(1), Prng.Normal(PrngKey.Create(0), [1, 64, 64, 3])));
var twoRows = Prng.Normal(PrngKey.Create(0), [1, 4]).Reshape(4);
var rows = NDArray.From([.. twoRows.ToArray<float>(), .. twoRows.ToArray<float>()], 2, 4);
Show("vmap, shared params (test_vmap_shared)", Core.Init((s, x) => VmapMlp.Model(s, x, shareParams: true))(PrngKey.Create(1), rows));
Show("vmap, unshared params (test_vmap_unshared)", Core.Init((s, x) => VmapMlp.Model(s, x, shareParams: false))(PrngKey.Create(1), rows));
Show("scan, unshared params (test_scan_unshared_params)", Core.Init((s, x) => ScanMlp.Model(s, x, shareParams: false))(PrngKey.Create(1), rows));
Show("scan, shared params (test_scan_shared_params)", Core.Init((s, x) => ScanMlp.Model(s, x, shareParams: true))(PrngKey.Create(1), rows));
Show("big resnet (test_big_resnet: remat_scan (10, 5))", Core.Init((s, x) => BigResNet.Model(s, x))(PrngKey.Create(1), Prng.Normal(PrngKey.Create(0), [1, 8, 8, 8])));
Show("custom vjp (test_custom_vjp: sign of the parameter gradients)", Core.Init(CustomVjpMlp.Model)(PrngKey.Create(1), Prng.Normal(PrngKey.Create(0), [1, 4])));
Show("attention (test_attention: vmapped heads, dropout 0.1)",
    Core.Init(Attention.Model)(new Rngs(("params", PrngKey.Create(0)), ("dropout", PrngKey.Create(1))), NDArray.Ones(DType.Float32, 2, 7, 16)));

static void Show(string name, (NDArray Output, VariableDict Variables) result)
{
    var leaves = result.Variables.Flatten();
    long count = leaves.Where(l => l.Key.StartsWith("params/", StringComparison.Ordinal)).Sum(l => ((NDArray)l.Value).Size);
    Console.WriteLine($"{name}: y {Shapes.Format(result.Output.Shape)}, {count:N0} params");
    foreach (var (path, value) in leaves) Console.WriteLine($"  {path}: {Shapes.Format(((NDArray)value).Shape)}");
}
