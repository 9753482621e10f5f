using System.Text;
using System.Text.Json.Nodes;
using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax.MLNet.Tests;

/// <summary>
/// Structure-aware mutations of the saved package for fuzzing FlaxTransformer.Load: zip entries that lie about their
/// sizes and checksums, deflate bombs, zip-slip names, manifests that contradict the graph or hold hostile values,
/// deep nesting, graphs edited field by field, truncations and bit flips. Each mutation says what it did.
/// </summary>
internal sealed class PackageMutations(int seed)
{
    private static readonly List<(string Name, byte[] Bytes)> Original = Packages.Entries(Packages.Saved);

    private static readonly string[] SlipNames =
        ["../evil", "../../etc/passwd", "/abs", "variables/../../evil", "variables/params/..", "variables/params\\..\\evil",
         "C:/evil", "variables//x", "variables/./x", "variables/a\0b", "manifest.json/"];

    private static readonly Lazy<byte[][]> Bombs = new(() =>
    [
        Packages.WithEntry("model.onnx", new byte[32 << 20]),
        Packages.WithEntry("manifest.json", Enumerable.Repeat((byte)' ', 32 << 20).ToArray()),
        Packages.WithEntry("variables/params/Dense_0/bias", new byte[32 << 20]),
    ]);

    private readonly System.Random _random = new(seed);

    /// <summary>The next mutated package and what was done to it.</summary>
    public (byte[] Bytes, string What) Next()
    {
        var (bytes, what) = One(Packages.Saved);
        if (_random.Next(8) == 0)
        {
            var (twice, second) = One(bytes);
            return (twice, what + " + " + second);
        }
        return (bytes, what);
    }

    private (byte[], string) One(byte[] zip)
    {
        switch (_random.Next(13))
        {
            case 0: return FlipBits(zip);
            case 1: { int n = _random.Next(zip.Length); return (zip[..n], $"truncated to {n} bytes"); }
            case 2: return Header(zip, 24, "size");
            case 3: return Header(zip, 16, "crc");
            case 4: return Header(zip, 20, "compressed size");
            case 5: { int i = _random.Next(3); var bomb = Bombs.Value[i]; return (_random.Next(2) == 0 ? bomb : FlipBits(bomb).Item1, $"deflate bomb {i}"); }
            case 6: return Slip();
            case 7: return ManifestField();
            case 8: return ManifestText();
            case 9: return GraphField();
            case 10: return EntryBytes("model.onnx");
            case 11: return EntryBytes(Original[_random.Next(2, Original.Count)].Name);
            default: return Deep();
        }
    }

    private (byte[], string) FlipBits(byte[] zip)
    {
        var copy = (byte[])zip.Clone();
        int flips = 1 + _random.Next(8);
        for (int i = 0; i < flips; i++) copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return (copy, $"{flips} bit flips");
    }

    private uint Lie(uint actual) => _random.Next(8) switch
    {
        0 => 0,
        1 => actual - 1,
        2 => actual + 1,
        3 => int.MaxValue,
        4 => uint.MaxValue,
        5 => actual * 2,
        6 => (uint)_random.Next(1 << 26),
        _ => (uint)_random.NextInt64(uint.MaxValue),
    };

    private (byte[], string) Header(byte[] zip, int field, string what)
    {
        var name = Original[_random.Next(Original.Count)].Name;
        if (Packages.Find(zip, name) is not var (central, _)) return FlipBits(zip); // an earlier mutation renamed or cut it
        uint value = Lie(BitConverter.ToUInt32(zip, central + field));
        if (_random.Next(3) > 0) return (Packages.Patched(zip, name, field, value), $"{name} {what} {value}");
        var copy = (byte[])zip.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(central + field), value);
        return (copy, $"{name} central {what} {value}");
    }

    private (byte[], string) Slip()
    {
        var name = SlipNames[_random.Next(SlipNames.Length)];
        switch (_random.Next(3))
        {
            case 0: return (Packages.Zip([.. Original, (name, [1, 2, 3])]), $"extra entry '{name}'");
            case 1:
            {
                int i = _random.Next(Original.Count);
                return (Packages.Zip(Original.Select((e, j) => j == i ? (name, e.Bytes) : e)), $"entry {Original[i].Name} renamed '{name}'");
            }
            default:
            {
                var path = name.StartsWith("variables/", StringComparison.Ordinal) ? name["variables/".Length..] : name;
                var manifest = Manifest();
                var old = (string)manifest["variables"]![0]!["path"]!;
                manifest["variables"]![0]!["path"] = path;
                return (Zip(manifest, Original.Select(e => e.Name == "variables/" + old ? ("variables/" + path, e.Bytes) : e)),
                    $"variable path '{path}'");
            }
        }
    }

    private static JsonObject Manifest() => JsonNode.Parse(Original[0].Bytes)!.AsObject();

    private static byte[] Zip(JsonObject manifest, IEnumerable<(string Name, byte[] Bytes)> entries) =>
        Packages.Zip(entries.Select(e => e.Name == "manifest.json" ? (e.Name, Encoding.UTF8.GetBytes(manifest.ToJsonString())) : e));

    private JsonNode? Hostile() => _random.Next(16) switch
    {
        0 => null,
        1 => -1,
        2 => 0,
        3 => int.MaxValue,
        4 => long.MaxValue,
        5 => 1e300,
        6 => 2.5,
        7 => "float32",
        8 => "",
        9 => new JsonArray(),
        10 => new JsonObject(),
        11 => new JsonArray(1 << 20, 1 << 20),
        12 => new JsonArray(-3),
        13 => new JsonArray(0),
        14 => "\uD800",
        _ => _random.Next(64),
    };

    private (byte[], string) ManifestField()
    {
        var manifest = Manifest();
        var containers = new List<JsonNode>();
        var stack = new Stack<JsonNode>([manifest]);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            containers.Add(node);
            if (node is JsonObject o) foreach (var (_, v) in o) { if (v is JsonObject or JsonArray) stack.Push(v); }
            else if (node is JsonArray a) foreach (var v in a) { if (v is JsonObject or JsonArray) stack.Push(v!); }
        }
        var target = containers[_random.Next(containers.Count)];
        var value = Hostile();
        string what;
        if (target is JsonObject obj)
        {
            var keys = obj.Select(p => p.Key).ToArray();
            var key = keys[_random.Next(keys.Length)];
            if (_random.Next(5) == 0) { obj.Remove(key); what = $"removed {target.GetPath()}.{key}"; }
            else { obj[key] = value; what = $"{target.GetPath()}.{key} = {value?.ToJsonString() ?? "null"}"; }
        }
        else
        {
            var array = (JsonArray)target;
            if (array.Count == 0 || _random.Next(4) == 0) { array.Add(value); what = $"{target.GetPath()} += {value?.ToJsonString() ?? "null"}"; }
            else { int i = _random.Next(array.Count); array[i] = value; what = $"{target.GetPath()}[{i}] = {value?.ToJsonString() ?? "null"}"; }
        }
        return (Zip(manifest, Original), what);
    }

    private (byte[], string) ManifestText()
    {
        var text = Original[0].Bytes;
        byte[] edited;
        string what;
        switch (_random.Next(4))
        {
            case 0: { int n = _random.Next(text.Length); edited = text[..n]; what = $"manifest cut at {n}"; break; }
            case 1: { edited = (byte[])text.Clone(); int i = _random.Next(edited.Length); edited[i] = (byte)_random.Next(256); what = $"manifest byte {i} = {edited[i]}"; break; }
            case 2: { edited = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text).Replace("\"version\"", "\"version\": 1, \"version\"")); what = "duplicate key"; break; }
            default: { edited = [.. text[..1], 0xC3, 0x28, 0xFF, .. text[1..]]; what = "invalid UTF-8"; break; }
        }
        return (Packages.Zip(Original.Select(e => e.Name == "manifest.json" ? (e.Name, edited) : e)), what);
    }

    private (byte[], string) GraphField()
    {
        var model = ModelProto.Parser.ParseFrom(Original[1].Bytes);
        var graph = model.Graph;
        string what;
        switch (_random.Next(10))
        {
            case 0: { var dims = graph.Output[0].Type.TensorType.Shape.Dim; dims[_random.Next(dims.Count)].DimValue = _random.Next(-2, 40); what = "output dim"; break; }
            case 1: { var dims = graph.Input[0].Type.TensorType.Shape.Dim; dims[_random.Next(dims.Count)].DimValue = _random.Next(-2, 40); what = "input dim"; break; }
            case 2: graph.Output[0].Type.TensorType.ElemType = _random.Next(20); what = "output type"; break;
            case 3: { var t = graph.Initializer[_random.Next(graph.Initializer.Count)]; t.Dims.Add(_random.Next(3)); what = $"initializer {t.Name} dims"; break; }
            case 4: { var t = graph.Initializer[_random.Next(graph.Initializer.Count)]; t.RawData = ByteString.CopyFrom(new byte[_random.Next(64)]); what = $"initializer {t.Name} data"; break; }
            case 5: { var n = graph.Node[_random.Next(graph.Node.Count)]; n.OpType = _random.Next(2) == 0 ? "NoSuchOp" : graph.Node[_random.Next(graph.Node.Count)].OpType; what = $"node {n.Name} op"; break; }
            case 6: { var n = graph.Node[_random.Next(graph.Node.Count)]; if (n.Input.Count > 0) n.Input[0] = graph.Initializer[_random.Next(graph.Initializer.Count)].Name; what = $"node {n.Name} input"; break; }
            case 7: graph.Node.RemoveAt(_random.Next(graph.Node.Count)); what = "node removed"; break;
            case 8: model.OpsetImport[0].Version = _random.Next(-1, 30); what = "opset"; break;
            default: { var t = graph.Initializer[_random.Next(graph.Initializer.Count)]; t.DataLocation = TensorProto.Types.DataLocation.External; t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" }); what = $"initializer {t.Name} external"; break; }
        }
        return (Packages.Zip(Original.Select(e => e.Name == "model.onnx" ? (e.Name, model.ToByteArray()) : e)), "graph " + what);
    }

    private (byte[], string) EntryBytes(string name)
    {
        var bytes = Original.Single(e => e.Name == name).Bytes;
        byte[] edited;
        switch (_random.Next(3))
        {
            case 0: edited = (byte[])bytes.Clone(); for (int k = 1 + _random.Next(4); k > 0; k--) edited[_random.Next(edited.Length)] ^= (byte)(1 << _random.Next(8)); break;
            case 1: edited = bytes[.._random.Next(bytes.Length)]; break;
            default: edited = [.. bytes, .. new byte[1 + _random.Next(16)]]; break;
        }
        return (Packages.Zip(Original.Select(e => e.Name == name ? (name, edited) : e)), $"{name} bytes ({edited.Length})");
    }

    private (byte[], string) Deep()
    {
        int depth = _random.Next(3) switch { 0 => 65, 1 => 1000, _ => 30_000 };
        var manifest = Manifest();
        if (_random.Next(2) == 0)
        {
            var path = string.Join("/", Enumerable.Repeat("a", depth));
            manifest["variables"]!.AsArray().Add(new JsonObject { ["path"] = path, ["dtype"] = "float32", ["shape"] = new JsonArray() });
            return (Zip(manifest, [.. Original, ("variables/" + path, new byte[4])]), $"variable path {depth} deep");
        }
        var text = Encoding.UTF8.GetString(Original[0].Bytes).Replace("\"batch_size\": ", "\"batch_size\": " + new string('[', depth));
        return (Packages.Zip(Original.Select(e => e.Name == "manifest.json" ? (e.Name, Encoding.UTF8.GetBytes(text)) : e)), $"JSON {depth} deep");
    }
}
