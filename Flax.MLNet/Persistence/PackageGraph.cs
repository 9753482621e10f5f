using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax;

/// <summary>
/// <c>model.onnx</c> of a package, parsed and checked against its manifest before ONNX Runtime sees it: the graph's
/// inputs are the manifest's input columns in order, of shape <c>(batch, ..row shape)</c> and the dtype each column's
/// type feeds (float32 when the manifest names none); its outputs are the output columns in order, float32 with the
/// manifest's row shapes; every initializer named after a variable has that variable's
/// dtype, shape and bytes; no tensor points at external data (a package is one file, and ONNX Runtime would read any
/// path it names). The bytes handed on are re-serialized from the fields this library models, so nothing the
/// checks did not see reaches ONNX Runtime.
/// </summary>
internal sealed class PackageGraph
{
    /// <summary>The entry name.</summary>
    public const string EntryName = "model.onnx";

    private static readonly MessageParser<ModelProto> Parser = ModelProto.Parser.WithDiscardUnknownFields(true);

    private readonly ModelProto _model;
    private readonly Dictionary<string, TensorProto> _initializers;

    private PackageGraph(ModelProto model, Dictionary<string, TensorProto> initializers)
    {
        _model = model;
        _initializers = initializers;
    }

    /// <summary>The model re-serialized from the checked fields: what ONNX Runtime loads.</summary>
    public byte[] ToBytes() => _model.ToByteArray();

    /// <summary>Parses <paramref name="onnx"/> and checks it against <paramref name="manifest"/>.</summary>
    /// <exception cref="FlaxPackageException">The bytes are not an ONNX model, or the graph contradicts the manifest.</exception>
    public static PackageGraph Parse(byte[] onnx, PackageManifest manifest, ModelSignature signature)
    {
        ModelProto model;
        try
        {
            model = Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Error($"it is not an ONNX model ({e.Message})", e);
        }
        var graph = model.Graph ?? throw Error("the model has no graph.");
        if (graph.Input.Count != manifest.Inputs.Length)
            throw Error($"the graph has {graph.Input.Count} input(s) ({Names(graph.Input)}), manifest.json lists " +
                $"{manifest.Inputs.Length} ({string.Join(", ", manifest.Inputs.Select(i => i.Column))}).");
        for (int i = 0; i < graph.Input.Count; i++)
            CheckValue("input", graph.Input[i], manifest.Inputs[i].Column, manifest.Inputs[i].Shape, manifest.Inputs[i].Kind.DType());
        if (graph.Output.Count != signature.Outputs.Count)
            throw Error($"the graph has {graph.Output.Count} output(s) ({Names(graph.Output)}), manifest.json lists " +
                $"{signature.Outputs.Count} ({string.Join(", ", signature.Outputs.Select(o => o.ColumnName))}).");
        for (int i = 0; i < graph.Output.Count; i++)
            CheckValue("output", graph.Output[i], signature.OnnxName(signature.Outputs[i]), signature.Outputs[i].RowShape, DType.Float32);
        if (graph.Initializer.Concat(graph.Node.SelectMany(n => n.Attribute).Select(a => a.T).OfType<TensorProto>())
                .FirstOrDefault(t => t.DataLocation != TensorProto.Types.DataLocation.Default || t.ExternalData.Count > 0) is { } external)
            throw Error($"the tensor '{external.Name}' points at external data; a package holds its tensors inline.");
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer)
            if (!initializers.TryAdd(tensor.Name, tensor)) throw Error($"the graph has two initializers named '{tensor.Name}'.");
        foreach (var variable in manifest.Variables)
        {
            if (!initializers.TryGetValue(variable.Path, out var tensor)) continue;
            DTypes.TryParse(variable.DType, out var dtype);
            if (tensor.DataType != (int)OnnxTypes.DataType(dtype) || !tensor.Dims.SequenceEqual(variable.Shape.Select(d => (long)d)))
                throw Error($"the initializer '{variable.Path}' is {Describe(tensor.DataType, tensor.Dims)}, manifest.json says " +
                    $"{variable.DType}{Shapes.Format(variable.Shape)}.");
            if (tensor.RawData.Length != PackageManifest.ByteSize(variable))
                throw Error($"the initializer '{variable.Path}' holds {tensor.RawData.Length} raw bytes, its shape needs {PackageManifest.ByteSize(variable)}.");
        }
        return new PackageGraph(model, initializers);
    }

    /// <summary>Checks that the variable at <paramref name="path"/> holds the bytes the graph runs with, when the graph
    /// uses it.</summary>
    /// <exception cref="FlaxPackageException">The graph's initializer of that name holds other bytes.</exception>
    public void CheckVariable(string path, byte[] bytes)
    {
        if (_initializers.TryGetValue(path, out var tensor) && !tensor.RawData.Span.SequenceEqual(bytes))
            throw new FlaxPackageException(ModelPackage.VariablesFolder + path,
                $"the variable's bytes differ from those of the graph's initializer '{path}' in {EntryName}.");
    }

    private static void CheckValue(string role, ValueInfoProto value, string name, int[] rowShape, DType dtype)
    {
        if (value.Name != name) throw Error($"the graph's {role} is named '{value.Name}', manifest.json says '{name}'.");
        var tensor = value.Type?.TensorType;
        var dims = tensor?.Shape?.Dim;
        bool fits = tensor is not null && tensor.ElemType == (int)OnnxTypes.DataType(dtype) && dims is not null && dims.Count == rowShape.Length + 1
            && !dims[0].HasDimValue && rowShape.Select((d, i) => dims[i + 1].HasDimValue && dims[i + 1].DimValue == d).All(ok => ok);
        if (!fits)
            throw Error($"the graph's {role} '{name}' is {(tensor is null ? "not a tensor" : Describe(tensor.ElemType, dims?.Select(DimText)))}, " +
                $"manifest.json says {Describe((int)OnnxTypes.DataType(dtype), ["batch", .. rowShape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))])}.");
    }

    private static string Describe(int dataType, IEnumerable<long> dims) => Describe(dataType, dims.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string Describe(int dataType, IEnumerable<string>? dims) =>
        $"{(Enum.IsDefined((TensorProto.Types.DataType)dataType) ? ((TensorProto.Types.DataType)dataType).ToString().ToLowerInvariant() : $"type {dataType}")}" +
        $"({string.Join(", ", dims ?? ["unknown shape"])})";

    private static string DimText(TensorShapeProto.Types.Dimension d) =>
        d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.HasDimParam ? d.DimParam : "?";

    private static string Names(IEnumerable<ValueInfoProto> values) => string.Join(", ", values.Select(v => v.Name));

    private static FlaxPackageException Error(string message, Exception? inner = null) => new(EntryName, message, innerException: inner);
}
