// README example: a model is a function of a Scope; Init creates Flax's parameters, Apply runs on ONNX Runtime.
using Flax;   // layers are static methods of Flax.Nn (flax.core.nn)

static Tensor Mlp(Scope scope, Tensor x)
{
    x = Nn.Relu(Nn.Dense(scope.Push("hidden"), x, features: 8));
    return Nn.Dense(scope.Push("out"), x, features: 1);
}

var x = NDArray.Ones(DType.Float32, 2, 4);
var (y, variables) = Core.Init(Mlp)(PrngKey.Create(0), x);   // params/hidden/kernel: (4, 8), Flax's values
NDArray y2 = Core.Apply(Mlp)(variables, x);                    // one cached ONNX Runtime session per signature
Core.Export(Mlp, variables, "mlp.onnx", inputs: [new TensorSpec(DType.Float32, -1, 4)]);
// End of README example.

var spec = new TensorSpec(DType.Float32, -1, 4);
Console.WriteLine($"Device.Auto runs on {Device.Auto.Resolve()}.");
Console.WriteLine();
Console.WriteLine("The traced program (jaxpr-like):");
Console.WriteLine(Core.MakeProgram(Mlp, variables, spec));
Console.WriteLine();
Console.WriteLine("Variables:");
Console.Write(Core.Tabulate(Mlp, spec));
Console.WriteLine();
Console.WriteLine($"y from Init  = [{string.Join(", ", y.ToArray<float>())}]");
Console.WriteLine($"y from Apply = [{string.Join(", ", y2.ToArray<float>())}]");
Console.WriteLine($"Exported {Path.GetFullPath("mlp.onnx")} ({new FileInfo("mlp.onnx").Length} bytes): input x (batch, 4), output output_0 (batch, 1).");
