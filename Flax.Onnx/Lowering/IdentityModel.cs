using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax;

/// <summary>
/// The smallest useful model, <c>y = Identity(x)</c> over a tensor of one dtype and any shape. Creating a session for
/// it on a device tells whether that device works (<see cref="Device.Auto"/>); running it with its output bound to
/// host memory copies a tensor from the device to the host (<see cref="DeviceCopy"/>).
/// </summary>
internal static class IdentityModel
{
    /// <summary>The serialized float32 model that probes a device.</summary>
    internal static byte[] Probe { get; } = Bytes(DType.Float32);

    /// <summary>The serialized model over <paramref name="dtype"/> (input <c>x</c>, output <c>y</c>, rank and shape
    /// unknown).</summary>
    internal static byte[] Bytes(DType dtype)
    {
        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxTypes.DataType(dtype) } };
        var graph = new GraphProto { Name = "identity" };
        graph.Input.Add(new ValueInfoProto { Name = "x", Type = type });
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = type });
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "identity", Input = { "x" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = OnnxVersions.IrVersion, ProducerName = OnnxVersions.Producer, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxVersions.Opset });
        return model.ToByteArray();
    }
}
