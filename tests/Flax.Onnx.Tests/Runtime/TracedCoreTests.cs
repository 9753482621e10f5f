using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Runtime;

/// <summary>Core.Init / Apply / LazyInit / Tabulate on traced models, run on ONNX Runtime (CPU).</summary>
[TestClass]
public sealed class TracedCoreTests
{
    [TestMethod]
    public void InitCreatesFlaxParametersAndRunsTheGraph()
    {
        var x = Batch(2);
        var (y, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), x);
        var (_, expected) = Core.Init(scope => HostMlpParams(scope, x))(PrngKey.Create(0));
        CollectionAssert.AreEqual(expected.Flatten().Keys.ToArray(), variables.Flatten().Keys.ToArray());
        foreach (var (path, value) in expected.Flatten())
            CollectionAssert.AreEqual(((NDArray)value).ToArray<float>(), ((NDArray)variables.Flatten()[path]).ToArray<float>(), path);
        AssertClose(HostMlp(variables, x), y);
    }

    [TestMethod]
    public void ApplyMatchesTheHostReference()
    {
        var x = Batch(5);
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(1), x);
        AssertClose(HostMlp(variables, x), Core.Apply(Mlp, device: Device.Cpu)(variables, x));
    }

    [TestMethod]
    public void OneSessionServesBatchOneAndThirtySeven()
    {
        static Tensor Model(Scope scope, Tensor x) => Mlp(scope, x);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), Batch(1));
        var apply = Core.Apply(Model, device: Device.Cpu);
        foreach (var rows in new[] { 1, 37 })
            AssertClose(HostMlp(variables, Batch(rows)), apply(variables, Batch(rows)));
        Assert.AreEqual(1, ModelCache.CountFor((Func<Scope, Tensor, Tensor>)Model));
    }

    [TestMethod]
    public void NewParameterValuesReuseTheSession()
    {
        static Tensor Model(Scope scope, Tensor x) => Mlp(scope, x);
        var x = Batch(3);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), x);
        var other = Scaled(variables, -0.5f);
        AssertClose(HostMlp(variables, x), Core.Apply(Model, device: Device.Cpu)(variables, x));
        AssertClose(HostMlp(other, x), Core.Apply(Model, device: Device.Cpu)(other, x));
        Assert.AreEqual(1, ModelCache.CountFor((Func<Scope, Tensor, Tensor>)Model));
    }

    [TestMethod]
    public void ApplyToAnUnbatchedVectorTracesAtItsExactShape()
    {
        // Flax's Dense takes a rank-1 input; its only axis cannot be the dynamic batch axis (the kernel's input size).
        static Tensor Model(Scope scope, Tensor x) => Mlp(scope, x);
        var row = Batch(1);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), row);
        var vector = row.Reshape(4);
        var y = Core.Apply(Model, device: Device.Cpu)(variables, vector);
        CollectionAssert.AreEqual(new[] { 3 }, y.Shape);
        AssertClose(HostMlp(variables, row), y.Reshape(1, 3));
    }

    [TestMethod]
    public void AnIndexOutOfRangeAtRunTimeNamesTheNode()
    {
        static Tensor Model(Scope scope, Tensor ids)
        {
            var table = scope.Push("embed").Param<Tensor>("table", Initializers.Normal(1.0), [5, 3]);
            return table.Take(ids, 0);
        }
        var ids = NDArray.From(new[] { 1, 9 }, 2);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), NDArray.From(new[] { 0, 4 }, 2));
        var e = Assert.ThrowsExactly<ModelRunException>(() => Core.Apply(Model, device: Device.Cpu)(variables, ids));
        Assert.AreEqual("ONNX Runtime could not run node 'Gather_0' (Gather) of the model: indices element out of data " +
            "bounds, idx=9 must be within the inclusive range [-5,4].", e.Message);
        Assert.AreEqual("Gather_0", e.Node);
        Assert.IsInstanceOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }

    [TestMethod]
    public void ApplyIsSafeFromSeveralThreads()
    {
        static Tensor Model(Scope scope, Tensor x) => Mlp(scope, x);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), Batch(1));
        var apply = Core.Apply(Model, device: Device.Cpu);
        Parallel.For(1, 33, rows => AssertClose(HostMlp(variables, Batch(rows, seed: rows)), apply(variables, Batch(rows, seed: rows))));
        Assert.AreEqual(1, ModelCache.CountFor((Func<Scope, Tensor, Tensor>)Model));
    }

    /// <summary>Counts rows and sums them into collection <c>stats</c> (a variable written by the traced program).</summary>
    private static Tensor Summing(Scope scope, Tensor x)
    {
        var sum = scope.Variable<Tensor>("stats", "sum", () => NDArray.Zeros(DType.Float32, x.Shape[^1]));
        scope.Variable("stats", "count", () => 7);
        if (!scope.IsInitializing) sum.Value += x.Sum(0);
        return x * 2.0;
    }

    [TestMethod]
    public void MutableCollectionsComeBackWithComputedValues()
    {
        var x = NDArray.From([1f, 2f, 3f, 4f], 2, 2);
        var (y0, variables) = Core.Init(Summing, device: Device.Cpu)(PrngKey.Create(0), x);
        CollectionAssert.AreEqual(new[] { 2f, 4f, 6f, 8f }, y0.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0f, 0f }, ((NDArray)variables.Flatten()["stats/sum"]).ToArray<float>());
        var (y, mutated) = Core.Apply(Summing, mutable: "stats", device: Device.Cpu)(variables, x);
        CollectionAssert.AreEqual(new[] { 2f, 4f, 6f, 8f }, y.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 4f, 6f }, ((NDArray)mutated.Flatten()["stats/sum"]).ToArray<float>());
        Assert.AreEqual(7, mutated.Flatten()["stats/count"]);
        var (_, again) = Core.Apply(Summing, mutable: "stats", device: Device.Cpu)(mutated, x);
        CollectionAssert.AreEqual(new[] { 8f, 12f }, ((NDArray)again.Flatten()["stats/sum"]).ToArray<float>());
    }

    [TestMethod]
    public void LazyInitCreatesVariablesFromShapesOnly()
    {
        var variables = Core.LazyInit(Mlp)(PrngKey.Create(0), new TensorSpec(DType.Float32, -1, 4));
        var (_, expected) = Core.Init(scope => HostMlpParams(scope, Batch(1)))(PrngKey.Create(0));
        foreach (var (path, value) in expected.Flatten())
            CollectionAssert.AreEqual(((NDArray)value).ToArray<float>(), ((NDArray)variables.Flatten()[path]).ToArray<float>(), path);
    }

    [TestMethod]
    public void LazyInitOfAValueComputedFromTheInputThrows()
    {
        static Tensor Model(Scope scope, Tensor x)
        {
            scope.Variable<Tensor>("cache", "last", () => x * 1.0);
            return x;
        }
        var e = Assert.ThrowsExactly<LazyInitException>(() => Core.LazyInit(Model)(PrngKey.Create(0), new TensorSpec(DType.Float32, -1, 4)));
        Assert.AreEqual("Lazy init encountered a value that could with the given inputs (shape: ShapeDtypeStruct(shape=(None, 4), dtype=float32)).", e.Message);
    }

    [TestMethod]
    public void TabulateListsEveryVariableWithTotals()
    {
        Assert.AreEqual(
            """
            collection  path           shape   dtype    count  bytes
            ----------  -------------  ------  -------  -----  -----
            params      hidden/kernel  (4, 8)  float32     32  128 B
            params      hidden/bias    (8,)    float32      8   32 B
            params      out/kernel     (8, 3)  float32     24   96 B
            params      out/bias       (3,)    float32      3   12 B
            ----------  -------------  ------  -------  -----  -----
            params      total                              67  268 B
            ----------  -------------  ------  -------  -----  -----
            total                                          67  268 B

            """.ReplaceLineEndings(), Core.Tabulate(Mlp, new TensorSpec(DType.Float32, -1, 4)));
    }

    [TestMethod]
    public void ReturningNullThrows()
    {
        static Tensor Model(Scope scope, Tensor x)
        {
            Dense(scope, x, 2);
            return null!;
        }
        var e = Assert.ThrowsExactly<UntracedOutputException>(() => Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), Batch(1)));
        Assert.AreEqual("The model function returned null; it must return the Tensor it computed (e.g. `return Nn.Dense(scope, x, 4);`).", e.Message);
    }

    [TestMethod]
    public void MissingRngThrows()
    {
        var e = Assert.ThrowsExactly<InvalidRngException>(() => Core.Init(Mlp, device: Device.Cpu)(new Rngs(("dropout", PrngKey.Create(0))), Batch(1)));
        Assert.AreEqual("hidden needs PRNG for \"params\"", e.Message);
    }

    [TestMethod]
    public void InputOfTheWrongShapeThrowsNamingTheInput()
    {
        var traced = ScopeTracer.Trace(ScopeFunction.Of(Mlp), [new TensorSpec(DType.Float32, -1, 4)], null, PrngKey.Create(0), null, null);
        using var model = new TracedModel(traced, Device.Cpu);
        NDArray Parameter(string path) => traced.Created[path];
        var e = Assert.ThrowsExactly<InputMismatchException>(() => model.Run([Batch(2, features: 5)], Parameter));
        Assert.AreEqual("Input \"x\" expects float32 (None, 4), got float32 (2, 5).", e.Message);
        e = Assert.ThrowsExactly<InputMismatchException>(() => model.Run([NDArray.Zeros(DType.Float64, 2, 4)], Parameter));
        Assert.AreEqual("Input \"x\" expects float32 (None, 4), got float64 (2, 4).", e.Message);
        e = Assert.ThrowsExactly<InputMismatchException>(() => model.Run([NDArray.Zeros(DType.Float32, 4)], Parameter));
        Assert.AreEqual("Input \"x\" expects float32 (None, 4), got float32 (4,).", e.Message);
    }

    [TestMethod]
    public void BatchSizesOfTwoInputsMustAgree()
    {
        static Tensor Model(Scope scope, Tensor a, Tensor b) => a + b;
        var traced = ScopeTracer.Trace(ScopeFunction.Of(Model), [new TensorSpec(DType.Float32, -1, 2), new TensorSpec(DType.Float32, -1, 2)], null, PrngKey.Create(0), null, null);
        using var model = new TracedModel(traced, Device.Cpu);
        var e = Assert.ThrowsExactly<InputMismatchException>(() => model.Run([NDArray.Zeros(DType.Float32, 2, 2), NDArray.Zeros(DType.Float32, 3, 2)], _ => null!));
        Assert.AreEqual("Input \"b\" expects float32 (None, 2), got float32 (3, 2) (the batch size is 2 in another input).", e.Message);
    }

    [TestMethod]
    public void TwoInputModelsTraceAndRun()
    {
        static Tensor Model(Scope scope, Tensor a, Tensor b) => Dense(scope, a, 2) * b;
        var a = Batch(3, features: 4);
        var b = Batch(3, features: 2, seed: 9);
        var (y, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), a, b);
        CollectionAssert.AreEqual(y.ToArray<float>(), Core.Apply(Model, device: Device.Cpu)(variables, a, b).ToArray<float>());
    }

    [TestMethod]
    public void AnOperatorWithoutAKernelForItsDTypeThrowsNamingIt()
    {
        static Tensor Model(Scope scope, Tensor x) => x.Erf();
        var e = Assert.ThrowsExactly<UnsupportedOperationException>(
            () => Core.Apply(Model, device: Device.Cpu)(VariableDict.Empty, NDArray.Zeros(DType.Float64, 2, 3)));
        Assert.AreEqual("ONNX Runtime's CPUExecutionProvider has no kernel for the operator Erf(13) with the dtypes of node 'Erf_0'; cast its inputs to a supported dtype such as float32.", e.Message);
    }

    [TestMethod]
    public void AlternatingVariablesFromSeveralThreadsGiveEachItsOwnResult()
    {
        static Tensor Model(Scope scope, Tensor x) => Mlp(scope, x);
        var x = Batch(4);
        var (_, a) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), x);
        var b = Scaled(a, 2f);
        var (expectedA, expectedB) = (HostMlp(a, x), HostMlp(b, x));
        var apply = Core.Apply(Model, device: Device.Cpu);
        Parallel.For(0, 200, i =>
        {
            if (i % 3 == 0) AssertClose(expectedB, apply(b, x));
            else AssertClose(expectedA, apply(a, x));
        });
        Assert.AreEqual(1, ModelCache.CountFor((Func<Scope, Tensor, Tensor>)Model));
    }

    [TestMethod]
    public void OneSessionServesEveryPrngKey()
    {
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.Dropout(scope, Mlp(scope, x), 0.5);
        var x = Batch(6);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(new Rngs(("params", PrngKey.Create(0)), ("dropout", PrngKey.Create(1))), x);
        var apply = Core.Apply(Model, device: Device.Cpu);
        var clean = HostMlp(variables, x);
        var outputs = new List<float[]>();
        foreach (var seed in new[] { 2, 3, 4, 2 })
        {
            var y = apply(variables, x, new Rngs(("dropout", PrngKey.Create(seed))));
            var values = y.ToArray<float>();
            for (int i = 0; i < values.Length; i++)
            {
                double kept = 2 * clean[i / 3, i % 3];
                Assert.IsTrue(values[i] == 0 || Math.Abs(values[i] - kept) <= 1e-5 + 1e-5 * Math.Abs(kept), $"element {i}: {values[i]} is neither 0 nor {kept}");
            }
            outputs.Add(values);
        }
        CollectionAssert.AreEqual(outputs[0], outputs[3]);
        CollectionAssert.AreNotEqual(outputs[0], outputs[1]);
        CollectionAssert.AreNotEqual(outputs[1], outputs[2]);
        Assert.AreEqual(1, ModelCache.CountFor((Func<Scope, Tensor, Tensor>)Model));
    }
}
