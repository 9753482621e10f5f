using Google.Protobuf;

/// <summary>Reads the operator types of an ONNX model's main graph straight from its protobuf encoding (ModelProto
/// field 7 is the graph, GraphProto field 1 its nodes, NodeProto field 4 the operator type).</summary>
internal static class OnnxNodes
{
    public static List<string> OperatorTypes(string path)
    {
        var types = new List<string>();
        var model = new CodedInputStream(File.ReadAllBytes(path));
        for (uint tag; (tag = model.ReadTag()) != 0;)
        {
            if (tag != (7 << 3 | 2)) { model.SkipLastField(); continue; }
            var graph = new CodedInputStream(model.ReadBytes().ToByteArray());
            for (uint g; (g = graph.ReadTag()) != 0;)
            {
                if (g != (1 << 3 | 2)) { graph.SkipLastField(); continue; }
                var node = new CodedInputStream(graph.ReadBytes().ToByteArray());
                for (uint n; (n = node.ReadTag()) != 0;)
                    if (n == (4 << 3 | 2)) types.Add(node.ReadString());
                    else node.SkipLastField();
            }
        }
        return types;
    }
}
