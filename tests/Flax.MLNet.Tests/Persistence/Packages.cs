using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace Flax.MLNet.Tests;

/// <summary>A real saved package (the two-layer perceptron over column A, 3 values to 16) and ways to take it apart
/// and put it back together, for the package reader's tests and fuzzing.</summary>
internal static class Packages
{
    public static readonly MLContext Ml = new(seed: 0);

    public static readonly IDataView Data = Ml.Data.LoadFromEnumerable(InputRow.Make(5));

    private static readonly Lazy<byte[]> SavedBytes = new(() =>
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Data);
        using var stream = new MemoryStream();
        flax.Save(stream);
        return stream.ToArray();
    });

    /// <summary>The saved package's bytes.</summary>
    public static byte[] Saved => SavedBytes.Value;

    /// <summary>The entries of <paramref name="zip"/>, in order.</summary>
    public static List<(string Name, byte[] Bytes)> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var source = e.Open();
            using var copy = new MemoryStream();
            source.CopyTo(copy);
            return (e.FullName, copy.ToArray());
        }).ToList();
    }

    /// <summary>A zip of <paramref name="entries"/>, with correct sizes and checksums.</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> entries, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in entries)
            {
                using var entry = archive.CreateEntry(name, level).Open();
                entry.Write(bytes);
            }
        return stream.ToArray();
    }

    /// <summary>The saved package with entry <paramref name="name"/> holding <paramref name="bytes"/>.</summary>
    public static byte[] WithEntry(string name, byte[] bytes) =>
        Zip(Entries(Saved).Select(e => e.Name == name ? (name, bytes) : e));

    /// <summary><paramref name="zip"/> (default: the saved package) with its manifest edited by <paramref name="edit"/>.</summary>
    public static byte[] WithManifest(Action<JsonObject> edit, byte[]? zip = null)
    {
        var entries = Entries(zip ?? Saved);
        var manifest = JsonNode.Parse(entries.Single(e => e.Name == "manifest.json").Bytes)!.AsObject();
        edit(manifest);
        var json = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return Zip(entries.Select(e => e.Name == "manifest.json" ? (e.Name, json) : e));
    }

    /// <summary>The saved package's graph.</summary>
    public static Flax.Lowering.Proto.ModelProto Graph() =>
        Flax.Lowering.Proto.ModelProto.Parser.ParseFrom(Entries(Saved).Single(e => e.Name == "model.onnx").Bytes);

    /// <summary>The saved package with its graph edited by <paramref name="edit"/>.</summary>
    public static byte[] WithGraph(Action<Flax.Lowering.Proto.ModelProto> edit)
    {
        var model = Graph();
        edit(model);
        return WithEntry("model.onnx", Google.Protobuf.MessageExtensions.ToByteArray(model));
    }

    /// <summary>The central-directory record of entry <paramref name="name"/> in <paramref name="zip"/>, and the
    /// offset of its local header.</summary>
    public static (int Central, int Local) Headers(byte[] zip, string name) =>
        Find(zip, name) ?? throw new ArgumentException($"No entry '{name}'.", nameof(name));

    /// <summary>Like <see cref="Headers"/>, or null when <paramref name="zip"/> has no such entry.</summary>
    public static (int Central, int Local)? Find(byte[] zip, string name)
    {
        var encoded = System.Text.Encoding.UTF8.GetBytes(name);
        for (int i = zip.Length - 46; i >= 0; i--)
        {
            if (BitConverter.ToUInt32(zip, i) != 0x02014b50 || BitConverter.ToUInt16(zip, i + 28) != encoded.Length) continue;
            if (i + 46 + encoded.Length > zip.Length || !zip.AsSpan(i + 46, encoded.Length).SequenceEqual(encoded)) continue;
            return (i, (int)BitConverter.ToUInt32(zip, i + 42));
        }
        return null;
    }

    /// <summary>Writes <paramref name="value"/> into the field at <paramref name="centralField"/> (16 CRC, 20
    /// compressed size, 24 size) of both the central and the local header of entry <paramref name="name"/>.</summary>
    public static byte[] Patched(byte[] zip, string name, int centralField, uint value)
    {
        var copy = (byte[])zip.Clone();
        var (central, local) = Headers(copy, name);
        BitConverter.TryWriteBytes(copy.AsSpan(central + centralField), value);
        if (local >= 0 && local + centralField + 2 <= copy.Length) BitConverter.TryWriteBytes(copy.AsSpan(local + centralField - 2), value);
        return copy;
    }

    /// <summary>Loads <paramref name="bytes"/> as a package.</summary>
    public static FlaxTransformer Load(byte[] bytes) => FlaxTransformer.Load(Ml, new MemoryStream(bytes));
}
