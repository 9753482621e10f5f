using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax.Tests.Runtime;

/// <summary>A hand-built model <c>y = x + params/bias</c>, x: float32[batch, 3], bias an overridable initializer.</summary>
internal static class AddModel
{
    internal const string Bias = "params/bias";

    internal static readonly float[] DefaultBias = [10f, 20f, 30f];

    internal static byte[] Bytes()
    {
        var graph = new GraphProto { Name = "add" };
        graph.Input.Add(OnnxTypes.ValueInfo("x", DType.Float32, [-1, 3]));
        graph.Input.Add(OnnxTypes.ValueInfo(Bias, DType.Float32, [3]));
        graph.Initializer.Add(OnnxTypes.Tensor(Bias, NDArray.From(DefaultBias, 3)));
        graph.Node.Add(new NodeProto { OpType = "Add", Name = "add", Input = { "x", Bias }, Output = { "y" } });
        graph.Output.Add(OnnxTypes.ValueInfo("y", DType.Float32, [-1, 3]));
        var model = new ModelProto { IrVersion = OnnxVersions.IrVersion, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = OnnxVersions.Opset });
        return model.ToByteArray();
    }
}
