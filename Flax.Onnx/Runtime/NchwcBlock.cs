using Flax.Lowering.Proto;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// The channel block of ONNX Runtime's blocked (NCHWc) CPU convolutions on this machine: 16 with AVX-512, 8 with AVX2,
/// 0 where its CPU kernels have none (other instruction sets, a build without them). Those convolutions are ONNX
/// Runtime's fastest on the CPU, but its optimizer only uses them for a convolution whose weights are constants; a train
/// step feeds its weights, so the lowering asks for them itself (<see cref="GraphBuilder.NchwcBlock"/>), with the
/// weights reordered into the blocked layout in the graph. Found once per process by running ONNX Runtime's
/// <c>ReorderInput</c> on 4 channels (the fewest it takes): it pads the channels to a whole block.
/// </summary>
internal static class NchwcBlock
{
    /// <summary>The operator domain of ONNX Runtime's blocked CPU operators (internal to ONNX Runtime: only models
    /// that ONNX Runtime runs on the CPU use it, never an exported file).</summary>
    internal const string Domain = "com.microsoft.nchwc";

    private static readonly Lazy<int> Here = new(Probe);

    /// <summary>This machine's block (computed once), or 0 when ONNX Runtime has no blocked convolutions here.</summary>
    internal static int Size => Here.Value;

    private static int Probe()
    {
        if (!NativeRuntime.IsLoaded) return 0; // the session that follows reports the missing library
        var graph = new GraphProto { Name = "nchwc_probe" };
        graph.Input.Add(OnnxTypes.ValueInfo("x", DType.Float32, [1, 4, 1, 1]));
        graph.Output.Add(OnnxTypes.ValueInfo("y", DType.Float32, [1, -1, 1, 1]));
        graph.Node.Add(new NodeProto { OpType = "ReorderInput", Domain = Domain, Input = { "x" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = OnnxVersions.IrVersion, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxVersions.Opset });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = 1 });
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(model.ToByteArray(), options);
            using var input = OrtValue.CreateTensorValueFromMemory(new float[4], [1, 4, 1, 1]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["x"], [input], ["y"]);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            return shape.Length == 4 && shape[1] is > 4 and <= 64 ? (int)shape[1] : 0;
        }
        catch (OnnxRuntimeException)
        {
            return 0;
        }
    }
}
