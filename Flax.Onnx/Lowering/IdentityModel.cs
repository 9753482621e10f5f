using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax;

/// <summary>
/// The smallest useful model, <c>y = Identity(x)</c> over one float: creating a session for it on a device tells
/// whether that device works (used to resolve <see cref="Device.Auto"/>).
/// </summary>
internal static class ProbeModel
{
    /// <summary>The serialized model (input <c>x</c>, output <c>y</c>, both <c>float32[1]</c>).</summary>
    internal static byte[] Bytes { get; } = Build();

    private static byte[] Build()
    {
        var graph = new GraphProto { Name = "probe" };
        graph.Input.Add(OnnxTypes.ValueInfo("x", DType.Float32, [1]));
        graph.Output.Add(OnnxTypes.ValueInfo("y", DType.Float32, [1]));
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "probe", Input = { "x" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = OnnxVersions.IrVersion, ProducerName = OnnxVersions.Producer, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxVersions.Opset });
        return model.ToByteArray();
    }
}
