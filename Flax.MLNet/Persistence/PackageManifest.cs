using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flax;

/// <summary>
/// <c>manifest.json</c> of a saved <see cref="FlaxTransformer"/>: what the other entries of the zip are. The format
/// is <c>flax-mlnet</c>, version 1.
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Version">The format version; readers refuse versions they do not know.</param>
/// <param name="Inputs">The input columns, in model argument order, with their row shapes.</param>
/// <param name="BatchSize">The most rows one run scores.</param>
/// <param name="Variables">The variables stored under <c>variables/</c>, by flattened path.</param>
/// <param name="Output">The output column and its row shape, for a model of one output (as every package written
/// before several outputs says); null when <paramref name="Outputs"/> lists them.</param>
/// <param name="Outputs">The output columns in the model's order, for a model of several outputs; null for one.</param>
internal sealed record PackageManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("inputs")] PackageColumn[] Inputs,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("variables")] PackageTensor[] Variables,
    [property: JsonPropertyName("output"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PackageColumn? Output = null,
    [property: JsonPropertyName("outputs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PackageColumn[]? Outputs = null)
{
    /// <summary>The manifest of <paramref name="outputs"/>: <c>output</c> for one, <c>outputs</c> for several.</summary>
    public static PackageManifest Of(PackageColumn[] inputs, PackageColumn[] outputs, int batchSize, PackageTensor[] variables) =>
        outputs.Length == 1
            ? new(FormatName, CurrentVersion, inputs, batchSize, variables, Output: outputs[0])
            : new(FormatName, CurrentVersion, inputs, batchSize, variables, Outputs: outputs);

    /// <summary>The output columns, whichever way they are written (<see cref="Problem"/> has checked there are some).</summary>
    public PackageColumn[] OutputColumns => Outputs ?? (Output is null ? [] : [Output]);

    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "flax-mlnet";

    /// <summary>The version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The entry name.</summary>
    public const string EntryName = "manifest.json";

    /// <summary>The largest batch a package may ask for: its scoring buffers are allocated at that size.</summary>
    public const int MaxBatchSize = 1 << 16;

    /// <summary>The most values one scoring buffer (batch size × row size) may hold: 512 MB of float32.</summary>
    public const long MaxBatchValues = 1L << 27;

    /// <summary>The most dimensions of a row shape or a variable.</summary>
    public const int MaxRank = 32;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        MaxDepth = 8,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The manifest as UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Parses and checks <paramref name="json"/>; see <see cref="Problem"/> for what is checked.</summary>
    /// <exception cref="FlaxPackageException">The JSON is malformed, or the manifest is not one this reader accepts.</exception>
    public static PackageManifest Parse(byte[] json)
    {
        PackageManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PackageManifest>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FlaxPackageException(EntryName, $"it is not a valid manifest ({FirstSentence(e.Message)})", OffsetOf(json, e), e);
        }
        if (manifest?.Problem() is { } problem) throw new FlaxPackageException(EntryName, problem + ".");
        return manifest ?? throw new FlaxPackageException(EntryName, "it is null.");
    }

    /// <summary>
    /// Why this manifest cannot describe a package, or null when it can: the format and version; input and output
    /// columns named, distinct, with row shapes of positive sizes; a batch size from 1 to <see cref="MaxBatchSize"/>
    /// whose buffers stay under <see cref="MaxBatchValues"/> values; variables with distinct valid paths
    /// (<see cref="PackagePaths"/>), known dtypes and shapes of sizes that fit one array. The writer asks the same.
    /// </summary>
    public string? Problem()
    {
        if (Format != FormatName || Version != CurrentVersion)
            return $"it says format '{Format}' version {Version}, this reader knows '{FormatName}' version {CurrentVersion}";
        if (Inputs.Length == 0) return "it lists no input columns";
        if ((Output is null) == (Outputs is null) || Outputs is { Length: < 2 })
            return "it needs either 'output' (one output column) or 'outputs' (two or more)";
        var columns = new HashSet<string>(StringComparer.Ordinal);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (column, output) in Inputs.Select(c => (c, false)).Concat(OutputColumns.Select(c => (c, true))))
        {
            if (column is null) return "a column is null";
            if (column.Column.Length == 0 || column.Column.Length > PackagePaths.MaxLength || column.Column.Any(char.IsControl))
                return $"the column name '{column.Column}' is empty, too long or holds a control character";
            if (!(output ? outputs : columns).Add(column.Column)) return $"the {(output ? "output" : "input")} column '{column.Column}' is listed twice";
            if (output ? column.Type is not null : column.Type is not null && !InputKinds.TryParseManifestName(column.Type, out _))
                return $"column '{column.Column}' has type '{column.Type}'; an input column's type is one of " +
                    $"{string.Join(", ", Enum.GetValues<InputKind>().Select(k => k.ManifestName()))}, an output column has none";
            if (ShapeProblem(column.Shape, minimum: 1) is { } shape) return $"column '{column.Column}' has {shape}";
            long values = Size(column.Shape);
            if (BatchSize < 1 || BatchSize > MaxBatchSize || values * BatchSize > MaxBatchValues)
                return $"batch_size {BatchSize} is not from 1 to {MaxBatchSize} with at most {MaxBatchValues} values per batch " +
                    $"of column '{column.Column}' ({values} per row)";
        }
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in Variables)
        {
            if (tensor is null) return "a variable is null";
            if (PackagePaths.Problem(tensor.Path) is { } path) return $"the variable path '{Shorten(tensor.Path)}' {path}";
            if (!paths.Add(tensor.Path)) return $"the variable '{tensor.Path}' is listed twice";
            if (!DTypes.TryParse(tensor.DType, out var dtype)) return $"the variable '{tensor.Path}' has unknown dtype '{tensor.DType}'";
            if (ShapeProblem(tensor.Shape, minimum: 0) is { } shape) return $"the variable '{tensor.Path}' has {shape}";
            if (Size(tensor.Shape) * dtype.ItemSize() > Array.MaxLength)
                return $"the variable '{tensor.Path}' of shape {Shapes.Format(tensor.Shape)} does not fit one array";
        }
        return null;
    }

    /// <summary>The bytes of variable <paramref name="tensor"/> (its shape checked by <see cref="Problem"/>).</summary>
    public static long ByteSize(PackageTensor tensor) => DTypes.TryParse(tensor.DType, out var dtype) ? Size(tensor.Shape) * dtype.ItemSize() : 0;

    private static string? ShapeProblem(int[] shape, int minimum)
    {
        if (shape is null) return "no shape";
        if (shape.Length > MaxRank) return $"{shape.Length} dimensions, more than {MaxRank}";
        if (shape.Any(d => d < minimum)) return $"shape {Shapes.Format(shape)}, whose sizes must be at least {minimum}";
        long size = 1;
        foreach (var d in shape)
            if ((size *= d) > Array.MaxLength) return $"shape {Shapes.Format(shape)}, more values than one array holds";
        return null;
    }

    private static long Size(int[] shape) => shape.Aggregate(1L, (size, d) => size * d);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static string FirstSentence(string message) => message.Split(" Path: ")[0].TrimEnd('.');

    /// <summary>The byte offset in <paramref name="json"/> of <paramref name="e"/>'s line and byte position.</summary>
    private static long? OffsetOf(byte[] json, JsonException e)
    {
        if (e.LineNumber is not { } line || e.BytePositionInLine is not { } column) return null;
        long offset = 0;
        for (long l = 0; l < line && offset < json.Length; offset++)
            if (json[offset] == (byte)'\n') l++;
        return offset + column;
    }
}

/// <summary>A column of the model and the shape of one of its rows.</summary>
/// <param name="Column">The column (and ONNX value) name.</param>
/// <param name="Shape">The row shape, without the batch axis.</param>
/// <param name="Type">An input column's item type (<see cref="InputKinds.ManifestName"/>: <c>float32</c>, <c>key</c>,
/// <c>uint32</c>, <c>int32</c>, <c>int64</c>, <c>bool</c>); absent (null) means <c>float32</c>, as packages written before
/// typed inputs say. The output column has none.</param>
internal sealed record PackageColumn(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type = null)
{
    /// <summary>The input column's kind; <see cref="PackageManifest.Problem"/> has checked <see cref="Type"/>.</summary>
    public InputKind Kind => InputKinds.TryParseManifestName(Type ?? "float32", out var kind) ? kind : InputKind.Single;
}

/// <summary>One variable: its flattened path (<c>params/Dense_0/kernel</c>), numpy dtype name and shape.</summary>
/// <param name="Path">The flattened path; the zip entry is <c>variables/</c> + path, raw little-endian C-order bytes.</param>
/// <param name="DType">The numpy dtype name (<c>float32</c>).</param>
/// <param name="Shape">The shape.</param>
internal sealed record PackageTensor(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("shape")] int[] Shape);
