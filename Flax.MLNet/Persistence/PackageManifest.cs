using System.Text.Json.Serialization;

namespace Flax;

/// <summary>
/// <c>manifest.json</c> of a saved <see cref="FlaxTransformer"/>: what the other entries of the zip are. The format
/// is <c>flax-mlnet</c>, version 1.
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Version">The format version; readers refuse versions they do not know.</param>
/// <param name="Inputs">The input columns, in model argument order, with their row shapes.</param>
/// <param name="Output">The output column and its row shape.</param>
/// <param name="BatchSize">The most rows one run scores.</param>
/// <param name="Variables">The variables stored under <c>variables/</c>, by flattened path.</param>
internal sealed record PackageManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("inputs")] PackageColumn[] Inputs,
    [property: JsonPropertyName("output")] PackageColumn Output,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("variables")] PackageTensor[] Variables)
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "flax-mlnet";

    /// <summary>The version this code writes and reads.</summary>
    public const int CurrentVersion = 1;
}

/// <summary>A column of the model and the shape of one of its rows.</summary>
/// <param name="Column">The column (and ONNX value) name.</param>
/// <param name="Shape">The row shape, without the batch axis.</param>
internal sealed record PackageColumn(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("shape")] int[] Shape);

/// <summary>One variable: its flattened path (<c>params/Dense_0/kernel</c>), numpy dtype name and shape.</summary>
/// <param name="Path">The flattened path; the zip entry is <c>variables/</c> + path, raw little-endian C-order bytes.</param>
/// <param name="DType">The numpy dtype name (<c>float32</c>).</param>
/// <param name="Shape">The shape.</param>
internal sealed record PackageTensor(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("shape")] int[] Shape);
