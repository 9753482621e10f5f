namespace Flax;

/// <summary>
/// The zip a <see cref="FlaxTransformer"/> saves itself to: <c>manifest.json</c> (<see cref="PackageManifest"/>),
/// <c>model.onnx</c> (the exported graph, variables included as initializers) and <c>variables/…</c> (one raw entry
/// per variable, so the variables come back exactly, whatever the graph holds).
/// </summary>
/// <remarks>
/// A package is untrusted input. <see cref="Read"/> reads the manifest first (at most <see cref="ManifestLimit"/>
/// bytes) and checks it; then the graph, at most the manifest's variable bytes plus <see cref="GraphAllowance"/>,
/// checked against the manifest (<see cref="PackageGraph"/>); then each variable, exactly the bytes its dtype and
/// shape need, compared with the graph's initializer. Every entry is checked for its declared length and CRC-32
/// before use (<see cref="PackageZip"/>), and the zip may hold no entry the manifest does not list. Every failure is
/// a <see cref="FlaxPackageException"/>. <see cref="Write"/> refuses to write what <see cref="Read"/> would refuse.
/// </remarks>
/// <param name="Signature">The model's columns.</param>
/// <param name="BatchSize">The most rows one run scores.</param>
/// <param name="Onnx">The exported model.</param>
/// <param name="Variables">The variables, flattened to <c>collection/path/name</c>.</param>
internal sealed record ModelPackage(ModelSignature Signature, int BatchSize, byte[] Onnx, IReadOnlyDictionary<string, NDArray> Variables)
{
    /// <summary>The folder of the variable entries.</summary>
    public const string VariablesFolder = "variables/";

    /// <summary>The largest manifest: about 100,000 variables.</summary>
    public const long ManifestLimit = 16L << 20;

    /// <summary>What <c>model.onnx</c> may hold beyond the variables' bytes: the nodes and the constants.</summary>
    public const long GraphAllowance = 16L << 20;

    /// <summary>Writes the package to <paramref name="stream"/>.</summary>
    /// <exception cref="NotSupportedException">The package would be one <see cref="Read"/> refuses (a variable path
    /// that is empty, holds <c>..</c> or nests deeper than 64 levels; a batch size over 65,536; a graph or manifest
    /// over its limit).</exception>
    public void Write(Stream stream)
    {
        var manifest = PackageManifest.Of(
            [.. Signature.Inputs.Select(i => new PackageColumn(i.ColumnName, i.RowShape, i.Kind == InputKind.Single ? null : i.Kind.ManifestName()))],
            [.. Signature.Outputs.Select(o => new PackageColumn(o.ColumnName, o.RowShape))],
            BatchSize,
            [.. Variables.Select(v => new PackageTensor(v.Key, v.Value.DType.Name(), v.Value.Shape))]);
        var json = manifest.ToJson();
        long variableBytes = manifest.Variables.Sum(PackageManifest.ByteSize);
        var problem = manifest.Problem()
            ?? (json.Length > ManifestLimit ? $"its manifest takes {json.Length} bytes, more than {ManifestLimit}" : null)
            ?? (Onnx.Length > variableBytes + GraphAllowance
                ? $"its graph takes {Onnx.Length - variableBytes} bytes beyond the variables, more than {GraphAllowance}" : null);
        if (problem is not null) throw new NotSupportedException($"This model cannot be saved as a Flax package: {problem}.");
        using var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, PackageManifest.EntryName, json);
        WriteEntry(zip, PackageGraph.EntryName, Onnx);
        foreach (var (path, value) in Variables) WriteEntry(zip, VariablesFolder + path, value.Bytes);
    }

    /// <summary>Reads a package written by <see cref="Write"/>, checking everything (see the remarks).</summary>
    /// <exception cref="FlaxPackageException">The stream is not a Flax model package, or one this version cannot
    /// read, or any part of it is damaged or contradicts another.</exception>
    public static ModelPackage Read(Stream stream)
    {
        using var zip = PackageZip.Open(stream);
        var manifest = PackageManifest.Parse(zip.Read(PackageManifest.EntryName, ManifestLimit, "bytes a manifest may take"));
        var listed = manifest.Variables.Select(v => VariablesFolder + v.Path).Append(PackageManifest.EntryName).Append(PackageGraph.EntryName)
            .ToHashSet(StringComparer.Ordinal);
        if (zip.Entries.Keys.FirstOrDefault(name => !listed.Contains(name)) is { } extra)
            throw new FlaxPackageException(extra, "manifest.json does not list this entry.");
        var signature = new ModelSignature(
            [.. manifest.Inputs.Select(c => new ModelInput(c.Column, c.Shape, c.Kind))], [.. manifest.OutputColumns.Select(c => new ModelOutput(c.Column, c.Shape))]);
        long variableBytes = manifest.Variables.Sum(PackageManifest.ByteSize);
        var graph = PackageGraph.Parse(zip.Read(PackageGraph.EntryName, variableBytes + GraphAllowance,
            $"bytes its variables ({variableBytes}) and a graph may take"), manifest, signature);
        var variables = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var tensor in manifest.Variables)
        {
            var name = VariablesFolder + tensor.Path;
            long size = PackageManifest.ByteSize(tensor);
            var bytes = zip.Read(name, size, $"bytes of {tensor.DType}{Shapes.Format(tensor.Shape)} in manifest.json");
            if (bytes.Length != size)
                throw new FlaxPackageException(name, $"the entry holds {bytes.Length} bytes, {tensor.DType}{Shapes.Format(tensor.Shape)} in manifest.json needs {size}.");
            graph.CheckVariable(tensor.Path, bytes);
            DTypes.TryParse(tensor.DType, out var dtype);
            variables.Add(tensor.Path, NDArray.FromBytes(dtype, tensor.Shape, bytes));
        }
        return new ModelPackage(signature, manifest.BatchSize, graph.ToBytes(), variables);
    }

    /// <summary>The variables as a tree.</summary>
    /// <exception cref="FlaxPackageException">One variable path runs through another (<c>a/b</c> and <c>a/b/c</c>).</exception>
    public VariableDict VariableTree()
    {
        try
        {
            return VariableDict.Unflatten(Variables.Select(v => KeyValuePair.Create(v.Key, (object)v.Value)));
        }
        catch (ArgumentException e)
        {
            throw new FlaxPackageException(PackageManifest.EntryName, $"its variables do not form a tree ({e.Message})", innerException: e);
        }
    }

    private static void WriteEntry(System.IO.Compression.ZipArchive zip, string name, ReadOnlySpan<byte> bytes)
    {
        using var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.Fastest).Open();
        entry.Write(bytes);
    }
}
