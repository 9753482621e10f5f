using System.IO.Compression;
using System.Text.Json;

namespace Flax;

/// <summary>
/// The zip a <see cref="FlaxTransformer"/> saves itself to: <c>manifest.json</c> (<see cref="PackageManifest"/>),
/// <c>model.onnx</c> (the exported graph, variables included as initializers) and <c>variables/…</c> (one raw entry
/// per variable, so the variables come back exactly, whatever the graph holds).
/// </summary>
/// <param name="Signature">The model's columns.</param>
/// <param name="BatchSize">The most rows one run scores.</param>
/// <param name="Onnx">The exported model.</param>
/// <param name="Variables">The variables, flattened to <c>collection/path/name</c>.</param>
internal sealed record ModelPackage(ModelSignature Signature, int BatchSize, byte[] Onnx, IReadOnlyDictionary<string, NDArray> Variables)
{
    private const string ManifestEntry = "manifest.json", OnnxEntry = "model.onnx", VariablesFolder = "variables/";

    /// <summary>Writes the package to <paramref name="stream"/>.</summary>
    public void Write(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var manifest = new PackageManifest(PackageManifest.FormatName, PackageManifest.CurrentVersion,
            Signature.Inputs.Select(i => new PackageColumn(i.ColumnName, i.RowShape)).ToArray(),
            new PackageColumn(Signature.OutputColumnName, Signature.OutputRowShape),
            BatchSize,
            Variables.Select(v => new PackageTensor(v.Key, v.Value.DType.Name(), v.Value.Shape)).ToArray());
        WriteEntry(zip, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions));
        WriteEntry(zip, OnnxEntry, Onnx);
        foreach (var (path, value) in Variables) WriteEntry(zip, VariablesFolder + path, value.Bytes);
    }

    /// <summary>Reads a package written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a Flax model package, or one this version cannot read.</exception>
    public static ModelPackage Read(Stream stream)
    {
        using var zip = Open(stream);
        var manifest = JsonSerializer.Deserialize<PackageManifest>(ReadEntry(zip, ManifestEntry), JsonOptions);
        if (manifest is not { Inputs: not null, Output: not null, Variables: not null })
            throw NotAPackage("manifest.json lacks inputs, output or variables");
        if (manifest.Format != PackageManifest.FormatName || manifest.Version != PackageManifest.CurrentVersion)
            throw NotAPackage($"manifest.json says format '{manifest.Format}' version {manifest.Version}, " +
                $"this reader knows '{PackageManifest.FormatName}' version {PackageManifest.CurrentVersion}");
        var signature = new ModelSignature(
            manifest.Inputs.Select(c => new ModelInput(c.Column, c.Shape)).ToArray(), manifest.Output.Column, manifest.Output.Shape);
        var variables = new Dictionary<string, NDArray>();
        foreach (var tensor in manifest.Variables)
        {
            if (!DTypes.TryParse(tensor.DType, out var dtype)) throw NotAPackage($"variable '{tensor.Path}' has unknown dtype '{tensor.DType}'");
            variables.Add(tensor.Path, NDArray.FromBytes(dtype, tensor.Shape, ReadEntry(zip, VariablesFolder + tensor.Path)));
        }
        return new ModelPackage(signature, manifest.BatchSize, ReadEntry(zip, OnnxEntry), variables);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static void WriteEntry(ZipArchive zip, string name, ReadOnlySpan<byte> bytes)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        entry.Write(bytes);
    }

    private static ZipArchive Open(Stream stream)
    {
        try
        {
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            _ = zip.Entries; // reads the central directory: a damaged zip fails here
            return zip;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("This is not a Flax model package: it is not a readable zip file.", e);
        }
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw NotAPackage($"it has no entry '{name}'");
        using var source = entry.Open();
        var bytes = new byte[entry.Length];
        source.ReadExactly(bytes);
        return bytes;
    }

    private static InvalidDataException NotAPackage(string why) => new($"This is not a Flax model package: {why}.");
}
