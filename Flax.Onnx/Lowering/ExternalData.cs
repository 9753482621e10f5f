using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Flax.Lowering.Proto;
using Google.Protobuf;

// The crash test's child process forces external data on a small model (OnnxModel.Save's inlineLimit).
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Flax.CrashChild")]

namespace Flax;

/// <summary>
/// ONNX external data: initializer bytes stored in a side file, each tensor recording <c>location</c>,
/// <c>offset</c> (4096-aligned, so readers can map it) and <c>length</c>, with <c>data_location = EXTERNAL</c>.
/// </summary>
/// <remarks>
/// A model and its data file must never be seen mismatched, even after a crash: the data file is named after its
/// content (<c>model.onnx.&lt;first 16 hex digits of its SHA-256&gt;.data</c>) and written first, atomically; the
/// <c>.onnx</c> that names it replaces the old one last, atomically; only then are the target's other data files
/// (older exports, and <c>model.onnx.data</c> of earlier versions) deleted. A crash at any moment leaves the old
/// <c>.onnx</c> with the old data file it names, or the new pair, plus at most an orphaned data file that the next
/// successful export of that target removes.
/// </remarks>
internal static partial class ExternalData
{
    /// <summary>The most weight bytes kept inline: comfortably below protobuf's 2 GB message limit.</summary>
    internal const long InlineLimit = 1L << 30;

    private const int Alignment = 4096;

    /// <summary>Saves <paramref name="graph"/> as the model <paramref name="path"/> with its parameters' weights in a
    /// content-named data file beside it (see the remarks), then deletes the target's stale data files.</summary>
    /// <param name="path">The full path of the <c>.onnx</c> file.</param>
    /// <param name="graph">The graph, weights inline; it is not modified.</param>
    /// <param name="model">Wraps a graph into the model to write.</param>
    internal static void Save(string path, GraphProto graph, Func<GraphProto, ModelProto> model)
    {
        var directory = Path.GetDirectoryName(path)!;
        var external = graph.Clone();
        var dataName = WriteData(directory, Path.GetFileName(path), external);
        AtomicFile.Write(path, stream => model(external).WriteTo(stream));
        DeleteStale(path, keep: dataName);
    }

    /// <summary>Deletes the data files of earlier exports of <paramref name="path"/> except <paramref name="keep"/>
    /// (null: all of them, after an export with inline weights).</summary>
    internal static void DeleteStale(string path, string? keep)
    {
        var directory = Path.GetDirectoryName(path)!;
        var file = Path.GetFileName(path);
        foreach (var candidate in Directory.EnumerateFiles(directory, file + ".*"))
        {
            var name = Path.GetFileName(candidate);
            if (name == keep || !IsDataFileOf(file, name)) continue;
            try
            {
                File.Delete(candidate);
            }
            catch (IOException)
            {
                // Another process may hold it (Windows) or have removed it; the next export tries again.
            }
        }
    }

    /// <summary>True when <paramref name="name"/> is a data file of the model file <paramref name="file"/>.</summary>
    internal static bool IsDataFileOf(string file, string name) =>
        name == file + ".data" || (name.StartsWith(file + ".", StringComparison.Ordinal) && HashedSuffix().IsMatch(name.AsSpan(file.Length)));

    /// <summary>Writes the parameters' weights of <paramref name="graph"/> to a temporary file, names it after its
    /// hash and points the tensors there.</summary>
    /// <returns>The data file's name (relative to <paramref name="directory"/>).</returns>
    private static string WriteData(string directory, string file, GraphProto graph)
    {
        string temp = Path.Combine(directory, $".{file}.data.{Guid.NewGuid():N}.tmp");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            List<TensorProto> moved;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                moved = Move(graph, stream, hash);
                stream.Flush(flushToDisk: true);
            }
            var name = $"{file}.{Convert.ToHexStringLower(hash.GetHashAndReset())[..16]}.data";
            foreach (var tensor in moved) tensor.ExternalData.Single(e => e.Key == "location").Value = name;
            File.Move(temp, Path.Combine(directory, name), overwrite: true);
            return name;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Moves the raw data of every parameter (an initializer that is also a graph input) of
    /// <paramref name="graph"/> into <paramref name="data"/>, hashing what is written. Constants stay inline: shape
    /// inference reads them.</summary>
    /// <returns>The tensors moved; their <c>location</c> is still to be set.</returns>
    private static List<TensorProto> Move(GraphProto graph, Stream data, IncrementalHash hash)
    {
        var parameters = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var moved = new List<TensorProto>();
        long offset = 0;
        foreach (var tensor in graph.Initializer)
        {
            if (tensor.RawData.IsEmpty || !parameters.Contains(tensor.Name)) continue;
            int padding = (int)((Alignment - offset % Alignment) % Alignment);
            Write(new byte[padding]);
            offset += padding;
            Write(tensor.RawData.Span);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location" });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(CultureInfo.InvariantCulture) });
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            offset += tensor.RawData.Length;
            tensor.RawData = ByteString.Empty;
            moved.Add(tensor);
        }
        return moved;

        void Write(ReadOnlySpan<byte> bytes)
        {
            data.Write(bytes);
            hash.AppendData(bytes);
        }
    }

    [GeneratedRegex("^\\.[0-9a-f]{16}\\.data$")]
    private static partial Regex HashedSuffix();
}
