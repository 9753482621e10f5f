using Flax;
using static HostMath;

// README example: a model is a function of a Scope that declares its variables and computes with them.
static NDArray Dense(Scope scope, NDArray x, int features)
{
    var kernel = scope.Param<NDArray>("kernel", Uniform(0.5f), [x.Shape[1], features]);
    var bias = scope.Param<NDArray>("bias", Zeros, [features]);
    return Add(MatMul(x, kernel), bias);
}

static NDArray Mlp(Scope scope, NDArray x)
{
    var calls = scope.Variable("stats", "calls", () => 0);
    if (!scope.IsInitializing) calls.Value += 1;
    return Dense(scope.Push("out"), Relu(Dense(scope.Push("hidden"), x, 8)), 1);
}

var x = NDArray.Ones(DType.Float32, 2, 4);
var (_, variables) = Core.Init<NDArray, NDArray>(Mlp)(PrngKey.Create(0), x);
var (y, updated) = Core.Apply<NDArray, NDArray>(Mlp, mutable: "stats")(variables, x);
// End of README example.

Console.WriteLine("Variables (shapes):");
Console.WriteLine(variables.Map(v => v is NDArray a ? new TensorSpec(a.DType, a.Shape) : v));
Console.WriteLine($"params/hidden/kernel[0, :3] = {string.Join(", ", ((NDArray)variables.Flatten()["params/hidden/kernel"]).ToArray<float>()[..3])}");
Console.WriteLine($"y = {string.Join(", ", y.ToArray<float>())}");
Console.WriteLine($"updated stats: {updated}");

try
{
    Core.Apply<NDArray, NDArray>(Mlp, mutable: "stats")(variables, NDArray.Ones(DType.Float32, 2, 5));
}
catch (ScopeParamShapeException e)
{
    Console.WriteLine($"Wrong input width: {e.Message}");
}
