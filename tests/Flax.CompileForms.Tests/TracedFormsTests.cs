namespace Flax.CompileForms.Tests;

/// <summary>
/// Every form a C# user writes to hand a model over tensors to <c>Core</c> and <c>Lift.MapVariables</c>: method groups,
/// typed and untyped lambdas, <c>Func</c> variables, explicit return types and named arguments. The project compiling is
/// the main assertion (an ambiguous overload is CS0121/CS0411); the tests also run the forms and check that they all
/// mean the same model.
/// </summary>
[TestClass]
public sealed class TracedFormsTests
{
    private static readonly NDArray X = NDArray.From(Enumerable.Range(0, 8).Select(i => i / 8f).ToArray(), 2, 4);
    private static readonly TensorSpec Spec = new(DType.Float32, -1, 4);
    private static readonly Rngs Key = PrngKey.Create(0);
    private static readonly IReadOnlyDictionary<string, object> NoFlags = new Dictionary<string, object>();

    private static Tensor Mlp(Scope scope, Tensor x) => Nn.Dense(scope.Push("out"), Nn.Relu(Nn.Dense(scope.Push("hidden"), x, 8)), 3);

    private static Tensor Sum(Scope scope, Tensor a, Tensor b) => Nn.Dense(scope, a + b, 3);

    private static Tensor Norm(Scope scope, Tensor x) => Nn.BatchNorm(scope.Push("bn"), x, useRunningAverage: false);

    [TestMethod]
    public void InitTakesEveryFormOfOneModel()
    {
        Func<Scope, Tensor, Tensor> variable = Mlp;
        Func<Rngs, NDArray, (NDArray Output, VariableDict Variables)>[] forms =
        [
            Core.Init(Mlp),
            Core.Init((Scope s, Tensor x) => Mlp(s, x)),
            Core.Init((s, x) => Mlp(s, x)),
            Core.Init(variable),
            Core.Init(Tensor (Scope s, Tensor x) => Mlp(s, x)),
            Core.Init(Mlp, mutable: "params"),
            Core.Init(Mlp, device: Device.Cpu),
            Core.Init((Scope s, Tensor x) => Mlp(s, x), device: Device.Cpu),
            Core.Init((s, x) => Mlp(s, x), mutable: Filter.All, flags: NoFlags, device: Device.Cpu),
            Core.Init(variable, flags: NoFlags),
        ];
        var (expected, variables) = forms[0](Key, X);
        foreach (var init in forms)
        {
            var (y, v) = init(Key, X);
            CollectionAssert.AreEqual(expected.ToArray<float>(), y.ToArray<float>());
            CollectionAssert.AreEqual(variables.Flatten().Keys.ToArray(), v.Flatten().Keys.ToArray());
        }
    }

    [TestMethod]
    public void ApplyTakesEveryFormOfOneModel()
    {
        var (expected, variables) = Core.Init(Mlp)(Key, X);
        Func<Scope, Tensor, Tensor> variable = Mlp;
        ApplyFunction<NDArray, NDArray>[] forms =
        [
            Core.Apply(Mlp),
            Core.Apply((Scope s, Tensor x) => Mlp(s, x)),
            Core.Apply((s, x) => Mlp(s, x)),
            Core.Apply(variable),
            Core.Apply(Tensor (Scope s, Tensor x) => Mlp(s, x)),
            Core.Apply(Mlp, device: Device.Cpu),
            Core.Apply((Scope s, Tensor x) => Mlp(s, x), flags: NoFlags),
            Core.Apply((s, x) => Mlp(s, x), NoFlags, Device.Cpu),
        ];
        foreach (var apply in forms)
        {
            CollectionAssert.AreEqual(expected.ToArray<float>(), apply(variables, X).ToArray<float>());
            CollectionAssert.AreEqual(expected.ToArray<float>(), apply(variables, X, rngs: Key).ToArray<float>());
        }
    }

    [TestMethod]
    public void ApplyWithMutableTakesEveryForm()
    {
        var (_, variables) = Core.Init(Norm)(Key, X);
        Func<Scope, Tensor, Tensor> variable = Norm;
        ApplyFunction<NDArray, (NDArray Output, VariableDict Mutated)>[] forms =
        [
            Core.Apply(Norm, mutable: "batch_stats"),
            Core.Apply(Norm, "batch_stats"),
            Core.Apply((Scope s, Tensor h) => Nn.BatchNorm(s.Push("bn"), h, useRunningAverage: false), mutable: "batch_stats"),
            Core.Apply((s, h) => Nn.BatchNorm(s.Push("bn"), h, useRunningAverage: false), mutable: "batch_stats"),
            Core.Apply(variable, mutable: "batch_stats", device: Device.Cpu),
            Core.Apply(Tensor (Scope s, Tensor h) => Norm(s, h), mutable: new[] { "batch_stats" }, flags: NoFlags),
        ];
        var (expected, expectedStats) = forms[0](variables, X);
        foreach (var apply in forms)
        {
            var (y, mutated) = apply(variables, X);
            CollectionAssert.AreEqual(expected.ToArray<float>(), y.ToArray<float>());
            var mean = (NDArray)mutated.Flatten()["batch_stats/bn/mean"];
            CollectionAssert.AreEqual(((NDArray)expectedStats.Flatten()["batch_stats/bn/mean"]).ToArray<float>(), mean.ToArray<float>());
        }
    }

    [TestMethod]
    public void TwoInputModelsTakeEveryForm()
    {
        Func<Scope, Tensor, Tensor, Tensor> variable = Sum;
        var (expected, variables) = Core.Init(Sum)(Key, X, X);
        Func<Rngs, NDArray, NDArray, (NDArray Output, VariableDict Variables)>[] inits =
            [Core.Init((Scope s, Tensor a, Tensor b) => Sum(s, a, b)), Core.Init((s, a, b) => Sum(s, a, b)), Core.Init(variable, device: Device.Cpu)];
        foreach (var init in inits)
            CollectionAssert.AreEqual(expected.ToArray<float>(), init(Key, X, X).Output.ToArray<float>());
        ApplyFunction<NDArray, NDArray, NDArray>[] applies =
            [Core.Apply(Sum), Core.Apply((Scope s, Tensor a, Tensor b) => Sum(s, a, b)), Core.Apply((s, a, b) => Sum(s, a, b)), Core.Apply(variable, device: Device.Cpu)];
        foreach (var apply in applies)
            CollectionAssert.AreEqual(expected.ToArray<float>(), apply(variables, X, X).ToArray<float>());
        Assert.AreEqual(1, Core.Apply(Sum, mutable: "params")(variables, X, X).Mutated.Count);
        Assert.AreEqual(2, Core.LazyInit(Sum)(Key, Spec, Spec).Flatten().Count);
        Assert.AreEqual(2, Core.LazyInit((s, a, b) => Sum(s, a, b))(Key, Spec, Spec).Flatten().Count);
        StringAssert.Contains(Core.Tabulate(Sum, Spec, Spec), "params");
        StringAssert.Contains(Core.MakeProgram((Scope s, Tensor a, Tensor b) => Sum(s, a, b), variables, Spec, Spec).ToString(), "dot_general");
        using var stream = new MemoryStream();
        Core.Export(variable, variables, stream, [Spec, Spec]);
        Assert.IsTrue(stream.Length > 0);
        using var plain = new MemoryStream();
        Core.Export((Scope s, Tensor a, Tensor b) => Sum(s, a, b), variables, plain, [Spec, Spec], mutable: "batch_stats", overridable: false);
        Assert.IsTrue(plain.Length > 0);
    }

    [TestMethod]
    public void LazyInitTabulateMakeProgramAndExportTakeEveryForm()
    {
        var (_, variables) = Core.Init(Mlp)(Key, X);
        Func<Scope, Tensor, Tensor> variable = Mlp;
        Func<Rngs, TensorSpec, VariableDict>[] lazy =
            [Core.LazyInit(Mlp), Core.LazyInit((Scope s, Tensor x) => Mlp(s, x)), Core.LazyInit((s, x) => Mlp(s, x)), Core.LazyInit(variable, mutable: "params"),
             Core.LazyInit(Tensor (Scope s, Tensor x) => Mlp(s, x), flags: NoFlags)];
        foreach (var init in lazy)
            CollectionAssert.AreEqual(variables.Flatten().Keys.ToArray(), init(Key, Spec).Flatten().Keys.ToArray());

        string[] tables = [Core.Tabulate(Mlp, Spec), Core.Tabulate((Scope s, Tensor x) => Mlp(s, x), Spec), Core.Tabulate((s, x) => Mlp(s, x), Spec), Core.Tabulate(variable, Spec)];
        foreach (var table in tables) Assert.AreEqual(tables[0], table);

        string[] programs =
        [
            Core.MakeProgram(Mlp, variables, Spec).ToString(), Core.MakeProgram((Scope s, Tensor x) => Mlp(s, x), variables, Spec).ToString(),
            Core.MakeProgram((s, x) => Mlp(s, x), variables, Spec).ToString(), Core.MakeProgram(variable, variables, Spec).ToString(),
        ];
        foreach (var program in programs) Assert.AreEqual(programs[0], program);

        var files = new List<byte[]>();
        foreach (var export in new Action<Stream>[]
        {
            s => Core.Export(Mlp, variables, s, [Spec]),
            s => Core.Export((Scope scope, Tensor x) => Mlp(scope, x), variables, s, [Spec]),
            s => Core.Export((scope, x) => Mlp(scope, x), variables, s, inputs: [Spec], flags: NoFlags),
            s => Core.Export(variable, variables, s, [Spec]),
            s => Core.Export(variable, variables, s, [Spec], overridable: true),
            s => Core.Export(Mlp, variables, s, [Spec], mutable: "batch_stats", overridable: true),
            s => Core.Export((scope, x) => Mlp(scope, x), variables, s, [Spec], flags: NoFlags, mutable: false),
        })
        {
            using var stream = new MemoryStream();
            export(stream);
            files.Add(stream.ToArray());
        }
        foreach (var file in files) CollectionAssert.AreEqual(files[0], file);
    }

    private static Tensor[] Heads(Scope scope, Tensor x) => [Mlp(scope, x), x * 2];

    [TestMethod]
    public void SeveralOutputModelsTakeEveryForm()
    {
        var (expected, variables) = Core.Init(Mlp)(Key, X);
        Func<Scope, Tensor, Tensor[]> variable = Heads;
        Func<Rngs, NDArray, (NDArray[] Outputs, VariableDict Variables)>[] inits =
        [
            Core.InitOutputs(Heads),
            Core.InitOutputs((Scope s, Tensor x) => Heads(s, x)),
            Core.InitOutputs((s, x) => Heads(s, x)),
            Core.InitOutputs((s, x) => [Mlp(s, x), x * 2]),
            Core.InitOutputs(variable, mutable: "params"),
            Core.InitOutputs(Tensor[] (Scope s, Tensor x) => [Mlp(s, x), x * 2], flags: NoFlags, device: Device.Cpu),
        ];
        foreach (var init in inits)
        {
            var (outputs, v) = init(Key, X);
            CollectionAssert.AreEqual(expected.ToArray<float>(), outputs[0].ToArray<float>());
            CollectionAssert.AreEqual(variables.Flatten().Keys.ToArray(), v.Flatten().Keys.ToArray());
        }
        ApplyFunction<NDArray, NDArray[]>[] applies =
        [
            Core.ApplyOutputs(Heads),
            Core.ApplyOutputs((Scope s, Tensor x) => Heads(s, x)),
            Core.ApplyOutputs((s, x) => [Mlp(s, x), x * 2]),
            Core.ApplyOutputs(variable, device: Device.Cpu),
            Core.ApplyOutputs(Tensor[] (Scope s, Tensor x) => Heads(s, x), flags: NoFlags),
        ];
        foreach (var apply in applies)
        {
            var outputs = apply(variables, X, rngs: Key);
            CollectionAssert.AreEqual(expected.ToArray<float>(), outputs[0].ToArray<float>());
            CollectionAssert.AreEqual(X.ToArray<float>().Select(v => v * 2).ToArray(), outputs[1].ToArray<float>());
        }
        Func<Scope, Tensor, Tensor, Tensor[]> two = (s, a, b) => [Sum(s, a, b), a];
        var (twoOutputs, twoVariables) = Core.InitOutputs(two)(Key, X, X);
        CollectionAssert.AreEqual(twoOutputs[0].ToArray<float>(), Core.ApplyOutputs((Scope s, Tensor a, Tensor b) => [Sum(s, a, b), a])(twoVariables, X, X)[0].ToArray<float>());
        Assert.HasCount(2, Core.ApplyOutputs((s, a, b) => [Sum(s, a, b), b], device: Device.Cpu)(twoVariables, X, X));
    }

    [TestMethod]
    public void MapVariablesResultsAreModels()
    {
        static VariableDict Doubled(VariableDict v) => VariableDict.Unflatten(v.Flatten().Select(leaf =>
            KeyValuePair.Create(leaf.Key, leaf.Value is Tensor t ? (object)(t * 2) : leaf.Value)));
        Func<Scope, Tensor, Tensor> variable = Mlp;
        Func<Scope, Tensor, Tensor>[] mapped =
        [
            Lift.MapVariables(Mlp, "params", init: true),
            Lift.MapVariables((Scope s, Tensor x) => Mlp(s, x), "params"),
            Lift.MapVariables((s, x) => Mlp(s, x), "params"),
            Lift.MapVariables(variable, "params", mapInFn: Doubled),
            Lift.MapVariables(Tensor (Scope s, Tensor x) => Mlp(s, x), "params", init: true),
        ];
        var (expected, variables) = Core.Init(Mlp)(Key, X);
        CollectionAssert.AreEqual(expected.ToArray<float>(), Core.Init(mapped[0])(Key, X).Output.ToArray<float>());
        CollectionAssert.AreEqual(expected.ToArray<float>(), Core.Apply(mapped[1])(variables, X).ToArray<float>());
        CollectionAssert.AreEqual(expected.ToArray<float>(), Core.Apply(mapped[2], device: Device.Cpu)(variables, X).ToArray<float>());
        CollectionAssert.AreNotEqual(expected.ToArray<float>(), Core.Apply(mapped[3])(variables, X).ToArray<float>());
        Assert.AreEqual(4, Core.LazyInit(mapped[4])(Key, Spec).Flatten().Count);
        Assert.AreEqual(2, Core.Apply(Lift.MapVariables(Sum, "params"), mutable: "params")(Core.Init(Sum)(Key, X, X).Variables, X, X).Mutated.Flatten().Count);

        // The generic overloads keep serving models on plain values, with their type arguments.
        var plain = Lift.MapVariables<int, int>((scope, x) => x + 1, "params");
        Assert.AreEqual(3, Core.Apply(scope => plain(scope, 2))(VariableDict.Empty));
    }

    [TestMethod]
    public void WhileLoopForms()
    {
        static Tensor Below(Scope s, Tensor c) => c.Sum() < 20f;
        static Tensor Double(Scope s, Tensor c) => c * 2f;
        Func<Scope, Tensor, Tensor> cond = Below;
        Func<Scope, Tensor[], Tensor[]> body = (s, c) => [c[0] * 2f, c[1] + 1];
        Func<Scope, Tensor, Tensor>[] models =
        [
            (scope, x) => Lift.WhileLoop(Below, Double, scope, x),
            (scope, x) => Lift.WhileLoop((s, c) => c.Sum() < 20f, (s, c) => c * 2f, scope, x),
            (scope, x) => Lift.WhileLoop((Scope s, Tensor c) => c.Sum() < 20f, (Scope s, Tensor c) => c * 2f, scope, x, broadcastVariables: true),
            (scope, x) => Lift.WhileLoop(cond, Double, scope, init: x, carryVariables: "state", splitRngs: new Dictionary<Filter, bool>()),
            (scope, x) => Lift.WhileLoop((s, c) => c[0].Sum() < 20f, body, scope, [x, (Tensor)NDArray.Scalar(0)])[0],
            (scope, x) => Lift.WhileLoop((s, c) => c[0].Sum() < 20f, (s, c) => [c[0] * 2f], scope, new[] { x })[0],
        ];
        foreach (var model in models)
            CollectionAssert.AreEqual(new[] { 8f, 16f }, Core.Apply(model)(VariableDict.Empty, NDArray.From([1f, 2f], 2)).ToArray<float>());
    }

    [TestMethod]
    public void SplitRngsKeyTensorForms()
    {
        static Tensor Key(Scope s) => s.MakeRngTensor("loop");
        Func<Scope, Tensor> key = s => s.MakeRngTensor(name: "loop");
        Func<Scope, Tensor, Tensor>[] models =
        [
            (scope, x) => Lift.WhileLoop((s, c) => c[0] < 2, (s, c) => [c[0] + 1, c[1].AtSet(c[0], Key(s))], scope,
                [(Tensor)NDArray.Scalar(0), x], splitRngs: new Dictionary<Filter, bool> { ["loop"] = true })[1],
            (scope, x) => Lift.WhileLoop((s, c) => c[0] < 2, (s, c) => [c[0] + 1, c[1].AtSet(index: c[0], value: key(s))], scope,
                [(Tensor)NDArray.Scalar(0), x], splitRngs: new Dictionary<Filter, bool> { ["loop"] = true })[1],
        ];
        var rngs = new Rngs(("loop", PrngKey.Create(0)));
        foreach (var model in models)
            Assert.AreEqual(4, Core.Apply(model)(VariableDict.Empty, NDArray.Zeros(DType.UInt32, 2, 2), rngs).ToArray<uint>().Count(w => w != 0));
        Assert.AreEqual(DType.UInt32, Core.Apply((Scope s, Tensor x) => s.MakeRngTensor() + x)(VariableDict.Empty, NDArray.Zeros(DType.UInt32, 2), PrngKey.Create(1)).DType);
    }
}
