namespace Flax;

/// <summary>The format versions stamped on every model we emit.</summary>
internal static class OnnxVersions
{
    /// <summary>ONNX IR version 8 (onnx 1.12): the widest compatibility (ML.NET's OnnxTransformer, onnx 1.12 tools).</summary>
    internal const long IrVersion = 8;

    /// <summary>The default ai.onnx opset (the newest IR 8 knows).</summary>
    internal const long Opset = 17;

    /// <summary>The <c>producer_name</c> of our models.</summary>
    internal const string Producer = "Flax.MLNet";
}
