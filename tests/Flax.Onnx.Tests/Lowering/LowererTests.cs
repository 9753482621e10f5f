using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Flax.Lowering.Proto;

namespace Flax.Tests.Lowering;

/// <summary>The lowering's naming and structure: rules, parameters, outputs, the batch axis.</summary>
[TestClass]
public sealed class LowererTests
{
    private static readonly TensorType Row = new(DType.Float32, -1, 3);
    private static readonly TensorType Bias = new(DType.Float32, 1, 3);

    /// <summary><c>y = x + p</c> with parameter <c>params/p</c>, returning y and writing it back to <c>params/p</c>'s path.</summary>
    private static Program AddParameter(string writtenPath)
    {
        var (x, p) = (new Var(Row), new Var(Bias));
        var y = new Var(Row);
        return new Program([x], [new ProgramParameter("params/p", p)], [], [new Eqn(Primitive.Add, [x, p], EqnParams.None, [y], "/Layer")],
            [new ProgramOutput("output_0", y), new ProgramOutput(writtenPath, y)]);
    }

    private static GraphProto Graph(OnnxModel model) => ModelProto.Parser.ParseFrom(model.ToBytes()).Graph;

    [TestMethod]
    public void EveryPrimitiveHasARule()
    {
        foreach (var primitive in Enum.GetValues<Primitive>())
            if (primitive.HasManyOutputs()) Assert.IsNotNull(LoweringRules.ForMany(primitive), primitive.ToString());
            else Assert.IsNotNull(LoweringRules.For(primitive), primitive.ToString());
    }

    [TestMethod]
    [DataRow(new[] { 0, 1, 2 }, "ReduceSum(axes 1, 2) -> ReduceSum(axes 0)")]
    [DataRow(new[] { 0, 1 }, "ReduceSum(axes 1) -> ReduceSum(axes 0)")]
    [DataRow(new[] { 0 }, "ReduceSum(axes 0)")]
    [DataRow(new[] { 1, 2 }, "ReduceSum(axes 1, 2)")]
    [DataRow(new[] { 0, 1, 2, 3 }, "ReduceSum(axes 0, 1, 2, 3)")]
    public void SumsOverLeadingAxesKeepingTrailingOnesTakeTwoSteps(int[] axes, string expected)
    {
        var (x, y) = (new Var(new TensorType(DType.Float32, -1, 8, 8, 4)), new Var(new TensorType(DType.Float32, Enumerable.Range(0, 4).Where(a => !axes.Contains(a)).Select(a => new[] { -1, 8, 8, 4 }[a]).ToArray())));
        var program = new Program([x], [], [], [new Eqn(Primitive.ReduceSum, [x], new ReduceParams([.. axes]), [y], "")], [new ProgramOutput("output_0", y)]);
        var graph = Graph(Lowerer.Lower(program, ["x"], ParameterForm.Embedded(new Dictionary<string, NDArray>())));
        string Axes(NodeProto n) => string.Join(", ", MemoryMarshal.Cast<byte, long>(graph.Initializer.Single(i => i.Name == n.Input[1]).RawData.Span).ToArray());
        Assert.AreEqual(expected, string.Join(" -> ", graph.Node.Where(n => n.OpType == "ReduceSum").Select(n => $"ReduceSum(axes {Axes(n)})")));
    }

    [TestMethod]
    public void ParametersWithValuesAreOverridableInitializers()
    {
        var model = Lowerer.Lower(AddParameter("cache/y"), ["x"], ParameterForm.Overridable(new Dictionary<string, NDArray> { ["params/p"] = NDArray.Ones(DType.Float32, 1, 3) }));
        var graph = Graph(model);
        CollectionAssert.AreEqual(new[] { "x", "params/p" }, graph.Input.Select(i => i.Name).ToArray());
        Assert.AreEqual("params/p", graph.Initializer.Single().Name);
        CollectionAssert.AreEqual(new[] { "output_0", "cache/y" }, graph.Output.Select(o => o.Name).ToArray());
        Assert.AreEqual("batch", graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.AreEqual("Layer/Add_0", graph.Node[0].Name);
    }

    [TestMethod]
    public void ParametersMayBeInitializersOnly()
    {
        var values = new Dictionary<string, NDArray> { ["params/p"] = NDArray.Ones(DType.Float32, 1, 3) };
        var model = Lowerer.Lower(AddParameter("cache/y"), ["x"], ParameterForm.Embedded(values));
        var graph = Graph(model);
        CollectionAssert.AreEqual(new[] { "x" }, graph.Input.Select(i => i.Name).ToArray());
        Assert.AreEqual("params/p", graph.Initializer.Single().Name);
        CollectionAssert.AreEqual(new[] { "x", "params/p" }, graph.Node[0].Input.ToArray());
        // A parameter without a value stays a graph input either way.
        graph = Graph(Lowerer.Lower(AddParameter("cache/y"), ["x"], ParameterForm.Embedded(new Dictionary<string, NDArray>())));
        CollectionAssert.AreEqual(new[] { "x", "params/p" }, graph.Input.Select(i => i.Name).ToArray());
        Assert.IsEmpty(graph.Initializer);
    }

    [TestMethod]
    public void ParametersWithoutValuesArePlainInputs()
    {
        var graph = Graph(Lowerer.Lower(AddParameter("cache/y"), ["x"]));
        CollectionAssert.AreEqual(new[] { "x", "params/p" }, graph.Input.Select(i => i.Name).ToArray());
        Assert.IsEmpty(graph.Initializer);
    }

    [TestMethod]
    public void AVariableReadAndWrittenBackGetsAnUpdatedOutput()
    {
        var model = Lowerer.Lower(AddParameter("params/p_written"), ["x"]);
        CollectionAssert.AreEqual(new[] { "output_0", "params/p_written" }, model.OutputNames.ToArray());
        var program = AddParameter("params/p");
        model = Lowerer.Lower(program, ["x"]);
        CollectionAssert.AreEqual(new[] { "output_0", "params/p" + Lowerer.UpdatedSuffix }, model.OutputNames.ToArray());
    }

    [TestMethod]
    public void ConstantsCanBeFedAsInputs()
    {
        var x = new Var(Row);
        var c = new Var(Bias);
        var y = new Var(Row);
        var program = new Program([x], [], [new ProgramConstant(c, NDArray.Ones(DType.Float32, 1, 3))],
            [new Eqn(Primitive.Mul, [x, c], EqnParams.None, [y], "")], [new ProgramOutput("output_0", y)]);
        var model = Lowerer.Lower(program, ["x"], ParameterForm.FedWithConstants);
        CollectionAssert.AreEqual(new[] { "constant_0" }, model.ConstantNames.ToArray());
        using var session = new OnnxSession(model.ToBytes(), ["x", "constant_0"], model.OutputNames, Device.Cpu);
        var result = session.Run([NDArray.From([1f, 2f, 3f], 1, 3), NDArray.From([2f, 2f, 2f], 1, 3)])[0];
        CollectionAssert.AreEqual(new[] { 2f, 4f, 6f }, result.ToArray<float>());
    }

    [TestMethod]
    public void TheWrongNumberOfInputNamesThrows()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Lowerer.Lower(AddParameter("cache/y"), ImmutableArray<string>.Empty));
        Assert.AreEqual("The program has 1 inputs, got 0 names. (Parameter 'inputNames')", e.Message);
    }

    [TestMethod]
    public void TheGraphPrintsAsANumberedListing()
    {
        var model = Lowerer.Lower(AddParameter("cache/y"), ["x"], ParameterForm.Overridable(new Dictionary<string, NDArray> { ["params/p"] = NDArray.Ones(DType.Float32, 1, 3) }));
        Assert.AreEqual(
            """
            graph main (x: float[batch,3], params/p: float[1,3])
              init params/p: float[1,3]
              0 | Layer/Add_0: output_0 = Add(x, params/p)
              1 | Identity_1: cache/y = Identity(output_0)
            return (output_0: float[batch,3], cache/y: float[batch,3])

            """.ReplaceLineEndings(), model.ToString());
    }
}
