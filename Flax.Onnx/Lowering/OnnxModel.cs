using System.Collections.Immutable;
using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax;

/// <summary>
/// A lowered ONNX model and the names that connect it to its program: the graph inputs of the program inputs, of the
/// parameters (their paths) and of constants fed at run time, and the graph outputs in program-output order. Serializes to bytes or saves to a
/// file, with ONNX external data when the weights do not fit one protobuf message (2 GB).
/// </summary>
internal sealed class OnnxModel
{
    private readonly GraphProto _graph;

    internal OnnxModel(GraphProto graph, ImmutableArray<string> inputNames, ImmutableArray<string> parameterNames,
        ImmutableArray<string> constantNames, ImmutableArray<string> outputNames)
    {
        _graph = graph;
        InputNames = inputNames;
        ParameterNames = parameterNames;
        ConstantNames = constantNames;
        OutputNames = outputNames;
    }

    /// <summary>The graph inputs fed by the program inputs, in order.</summary>
    internal ImmutableArray<string> InputNames { get; }

    /// <summary>The graph inputs fed by the parameters (their <c>collection/path/name</c>), in order.</summary>
    internal ImmutableArray<string> ParameterNames { get; }

    /// <summary>The graph inputs fed by the program's constants, in order (empty unless lowered with
    /// <c>constantsAsInputs</c>).</summary>
    internal ImmutableArray<string> ConstantNames { get; }

    /// <summary>The graph outputs, in program-output order.</summary>
    internal ImmutableArray<string> OutputNames { get; }

    /// <summary>A numbered listing of the graph for debugging (<see cref="OnnxGraphText"/>).</summary>
    public override string ToString() => OnnxGraphText.Format(_graph);

    /// <summary>The serialized <c>ModelProto</c>, weights inline.</summary>
    /// <exception cref="InvalidOperationException">The model exceeds protobuf's 2 GB limit (save it to a file instead).</exception>
    internal byte[] ToBytes()
    {
        CheckInlineSize();
        return Model(_graph).ToByteArray();
    }

    /// <summary>Writes the serialized model to <paramref name="stream"/>, weights inline.</summary>
    /// <exception cref="InvalidOperationException">The model exceeds protobuf's 2 GB limit (save it to a file instead).</exception>
    internal void WriteTo(Stream stream)
    {
        CheckInlineSize();
        Model(_graph).WriteTo(stream);
    }

    /// <summary>Throws when the model with inline weights would exceed protobuf's 2 GB message limit.</summary>
    /// <exception cref="InvalidOperationException">The weights are too large for one message.</exception>
    private void CheckInlineSize()
    {
        long bytes = _graph.Initializer.Sum(t => (long)t.RawData.Length);
        if (bytes > ExternalData.InlineLimit)
            throw new InvalidOperationException($"The model's weights take {bytes} bytes, more than one ONNX protobuf can hold (2 GB): save it to a file, which puts them in external data.");
    }

    /// <summary>
    /// Saves the model to <paramref name="path"/> atomically (a temporary file moved into place, so a failure leaves no
    /// half-written file). The parameters' weights go to a content-named external-data file beside it
    /// (<see cref="ExternalData"/>: <c>&lt;file&gt;.&lt;hash&gt;.data</c>, consistent with the model after any crash)
    /// when all weights exceed <paramref name="inlineLimit"/> bytes in total; data files of earlier exports are removed.
    /// </summary>
    internal void Save(string path, long inlineLimit = ExternalData.InlineLimit)
    {
        var full = Path.GetFullPath(path);
        long bytes = _graph.Initializer.Sum(t => (long)t.RawData.Length);
        if (bytes > inlineLimit)
        {
            ExternalData.Save(full, _graph, Model);
            return;
        }
        AtomicFile.Write(full, stream => Model(_graph).WriteTo(stream));
        ExternalData.DeleteStale(full, keep: null);
    }

    private static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = OnnxVersions.IrVersion, ProducerName = OnnxVersions.Producer, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxVersions.Opset });
        if (graph.Node.Any(n => n.Domain == NchwcBlock.Domain)) model.OpsetImport.Add(new OperatorSetIdProto { Domain = NchwcBlock.Domain, Version = 1 });
        return model;
    }
}
