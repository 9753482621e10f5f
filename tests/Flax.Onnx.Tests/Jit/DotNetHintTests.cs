namespace Flax.Tests.Jit;

/// <summary>
/// Flax's error texts kept word for word, with a ".NET:" hint appended where the cause is not obvious from them
/// (issue 15): a wider input, the params subtree passed as the variables, MapVariables without init, and a shape error
/// inside a layer.
/// </summary>
[TestClass]
public sealed class DotNetHintTests
{
    private static readonly PrngKey Key = PrngKey.Create(0);

    private static NDArray Ones(params int[] shape) => NDArray.Ones(DType.Float32, shape);

    private static Tensor DenseModel(Scope scope, Tensor x) => Flax.Nn.Dense(scope.Push("Dense_0"), x, 3);

    private static Tensor ConvModel(Scope scope, Tensor x) => Flax.Nn.Conv(scope.Push("Conv_0"), x, 4, kernelSize: [3, 3], featureGroupCount: 2);

    [TestMethod]
    public void AWiderInputNamesTheInputAxis()
    {
        var (_, variables) = Core.Init(DenseModel, device: Device.Cpu)(Key, Ones(2, 4));
        var e = Assert.ThrowsExactly<ScopeParamShapeException>(() => Core.Apply(DenseModel, device: Device.Cpu)(variables, Ones(2, 5)));
        Assert.AreEqual("For parameter \"kernel\" in \"/Dense_0\", the given initializer is expected to generate shape (5, 3), but the existing parameter it received has shape (4, 3)."
            + " (.NET: kernel axis 0 is sized by the input's last axis, axis 1, which has 5 features here; the variables were made for inputs with 4)", e.Message);
    }

    [TestMethod]
    public void AWiderConvInputNamesTheInputAxisWithItsGroups()
    {
        var (_, variables) = Core.Init(ConvModel, device: Device.Cpu)(Key, Ones(1, 5, 5, 2));
        var e = Assert.ThrowsExactly<ScopeParamShapeException>(() => Core.Apply(ConvModel, device: Device.Cpu)(variables, Ones(1, 5, 5, 6)));
        Assert.AreEqual("For parameter \"kernel\" in \"/Conv_0\", the given initializer is expected to generate shape (3, 3, 3, 4), but the existing parameter it received has shape (3, 3, 1, 4)."
            + " (.NET: kernel axis 2 is sized by the input's last axis, axis 3, which has 6 features here; the variables were made for inputs with 2)", e.Message);
    }

    [TestMethod]
    public void AnotherKernelShapeThanTheInputsKeepsFlaxsTextAlone()
    {
        var variables = new VariableDict(("params", new VariableDict(("Dense_0", new VariableDict(("kernel", Ones(4, 2)), ("bias", Ones(3)))))));
        var e = Assert.ThrowsExactly<ScopeParamShapeException>(() => Core.Apply(DenseModel, device: Device.Cpu)(variables, Ones(2, 4)));
        Assert.AreEqual("For parameter \"kernel\" in \"/Dense_0\", the given initializer is expected to generate shape (4, 3), but the existing parameter it received has shape (4, 2).", e.Message);
    }

    [TestMethod]
    public void TheParamsSubtreeInsteadOfTheVariablesSaysToPassThemWhole()
    {
        var (_, variables) = Core.Init(DenseModel, device: Device.Cpu)(Key, Ones(2, 4));
        var subtree = (VariableDict)variables["params"];
        var e = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => Core.Apply(DenseModel, device: Device.Cpu)(subtree, Ones(2, 4)));
        Assert.AreEqual("Tried to access \"kernel\" from collection \"params\" in \"/Dense_0\" but the collection is empty."
            + " (.NET: the variables' top level holds the layer \"Dense_0\" where collections belong: pass the whole variables, {\"params\": ...}, not their \"params\" subtree)", e.Message);
    }

    [TestMethod]
    public void TheParamsSubtreeOfARootLayerSaysToPassTheVariablesWhole()
    {
        var (_, variables) = Core.Init((Scope s, Tensor x) => Flax.Nn.Dense(s, x, 3), device: Device.Cpu)(Key, Ones(2, 4));
        var subtree = (VariableDict)variables["params"];
        var e = Assert.ThrowsExactly<ApplyScopeInvalidVariablesTypeException>(() => Core.Apply((Scope s, Tensor x) => Flax.Nn.Dense(s, x, 3), device: Device.Cpu)(subtree, Ones(2, 4)));
        Assert.AreEqual("The first argument passed to an apply function should be a dictionary of collections. Each collection should be a dictionary with string keys."
            + " (.NET: the top-level entry \"kernel\" is a value, not a collection: pass the whole variables, {\"params\": ...}, not their \"params\" subtree)", e.Message);
    }

    [TestMethod]
    public void AnEmptyParamsCollectionWithoutALayerOfThatNameKeepsFlaxsTextAlone()
    {
        var e = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() =>
            Core.Apply(DenseModel, device: Device.Cpu)(new VariableDict(("batch_stats", new VariableDict(("mean", Ones(3))))), Ones(2, 4)));
        Assert.AreEqual("Tried to access \"kernel\" from collection \"params\" in \"/Dense_0\" but the collection is empty.", e.Message);
    }

    private static Tensor Mapped(Scope scope, Tensor x) =>
        Flax.Lift.MapVariables((Scope s, Tensor h) => Flax.Nn.Dense(s, h, 3), "params")(scope.Push("Mapped_0"), x);

    [TestMethod]
    public void MapVariablesWithoutInitDuringInitSaysToPassInit()
    {
        var e = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => Core.Init(Mapped, device: Device.Cpu)(Key, Ones(2, 4)));
        Assert.AreEqual("Tried to access \"kernel\" from collection \"params\" in \"/Mapped_0\" but the collection is empty."
            + " (.NET: Lift.MapVariables maps existing variables only; pass init: true to create them first, as during Core.Init)", e.Message);
    }

    [TestMethod]
    public void MapVariablesWithoutInitBesideAnExistingParamSaysToPassInit()
    {
        static Tensor Model(Scope scope, Tensor x)
        {
            var mapped = scope.Push("Mapped_0");
            var scale = mapped.Param<Tensor>("scale", Initializers.Ones, [3]);
            return Flax.Lift.MapVariables((Scope s, Tensor h) => Flax.Nn.Dense(s, h, 3), "params")(mapped, x) * scale;
        }
        var e = Assert.ThrowsExactly<ScopeParamNotFoundException>(() => Core.Init(Model, device: Device.Cpu)(Key, Ones(2, 4)));
        Assert.AreEqual("Could not find parameter named \"kernel\" in scope \"/Mapped_0\"."
            + " (.NET: Lift.MapVariables maps existing variables only; pass init: true to create them first, as during Core.Init)", e.Message);
    }

    [TestMethod]
    public void MapVariablesWithoutInitOnMissingVariablesInApplyKeepsFlaxsTextAlone()
    {
        var e = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() =>
            Core.Apply(Mapped, device: Device.Cpu)(new VariableDict(("params", new VariableDict())), Ones(2, 4)));
        Assert.AreEqual("Tried to access \"kernel\" from collection \"params\" in \"/Mapped_0\" but the collection is empty.", e.Message);
    }

    [TestMethod]
    public void AShapeErrorInsideALayerNamesItsScopePath()
    {
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.Conv(scope.Push("Block_0").Push("Conv_0"), x, 4, kernelSize: [3, 3]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Init(Model, device: Device.Cpu)(Key, Ones(2, 8, 8)));
        Assert.AreEqual("ConvGeneralDilated needs lhs (N, spatial..., C) and rhs (window..., I, O) of one rank and one stride per spatial axis, got shapes (2, 8, 8) and (3, 3, 8, 4) with window_strides (1,)."
            + " (.NET: raised inside the layer at scope path \"/Block_0/Conv_0\")", e.Message);
    }

    [TestMethod]
    public void AShapeErrorOutsideALayerKeepsItsTextAlone()
    {
        static Tensor Model(Scope scope, Tensor x) => x + x.Sum([1]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply(Model, device: Device.Cpu)(VariableDict.Empty, Ones(2, 3)));
        Assert.AreEqual("Incompatible shapes for broadcasting: shapes=[(2, 3), (2,)]", e.Message);
    }
}
