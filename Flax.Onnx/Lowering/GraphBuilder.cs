using Flax.Lowering.Proto;

namespace Flax;

/// <summary>
/// The graph under construction during lowering: unique value and node names, nodes tagged with the scope path of
/// the equation being lowered, shared constants, and the runtime <c>batch</c> size when a shape needs it.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _int64Constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shapesWithZeros = new(StringComparer.Ordinal);
    private readonly (string Name, int Axis)? _batchSource;
    private readonly GraphBuilder? _parent;
    private string? _batchSize;
    private int _nodeCount, _valueCount;

    /// <summary>Creates an empty graph.</summary>
    /// <param name="name">The graph name.</param>
    /// <param name="batchSource">A graph input with a dynamic axis, and that axis: the source of the batch size.</param>
    /// <param name="nchwcBlock">See <see cref="NchwcBlock"/>.</param>
    internal GraphBuilder(string name, (string Name, int Axis)? batchSource, int nchwcBlock = 0)
    {
        Graph = new GraphProto { Name = name };
        _batchSource = batchSource;
        NchwcBlock = nchwcBlock;
    }

    /// <summary>A subgraph (a <c>Loop</c> body) of <paramref name="parent"/>: value and node names stay unique across
    /// the whole model, and constants and the batch size are values of the parent, which the subgraph reads by name
    /// from the outer scope.</summary>
    private GraphBuilder(GraphBuilder parent, string name)
    {
        Graph = new GraphProto { Name = name };
        _parent = parent;
    }

    /// <summary>A new subgraph named <paramref name="name"/> that shares this graph's names and values.</summary>
    internal GraphBuilder Subgraph(string name) => new(this, name) { ScopePath = ScopePath };

    /// <summary>Adds a graph input of <paramref name="type"/> under a fresh name (a subgraph's per-iteration value) and
    /// returns the name.</summary>
    internal string AddInput(TensorType type)
    {
        var name = Fresh();
        Graph.Input.Add(OnnxTypes.ValueInfo(name, type.DType, type.Dims.AsSpan()));
        return name;
    }

    /// <summary>Makes <paramref name="values"/> this (sub)graph's outputs, typed <paramref name="types"/>, each through an
    /// <c>Identity</c> of its own: a subgraph output may not be one of its inputs, an outer value or another output.</summary>
    internal void AddOutputs(IReadOnlyList<string> values, IReadOnlyList<TensorType> types)
    {
        for (int k = 0; k < values.Count; k++)
            Graph.Output.Add(OnnxTypes.ValueInfo(Node("Identity", values[k]), types[k].DType, types[k].Dims.AsSpan()));
    }

    /// <summary>The graph.</summary>
    internal GraphProto Graph { get; }

    /// <summary>The channel block of ONNX Runtime's blocked CPU convolutions (<see cref="Flax.NchwcBlock"/>) that
    /// convolutions may be lowered to, or 0 for standard ONNX only. Never set for a model that leaves the process or runs
    /// on another device, and 0 in subgraphs.</summary>
    internal int NchwcBlock { get; }

    /// <summary>The scope path (without the leading <c>/</c>) that prefixes the names of nodes added now.</summary>
    internal string ScopePath { get; set; } = "";

    /// <summary>Claims <paramref name="name"/> for a graph input, output or initializer.</summary>
    /// <exception cref="ArgumentException">The name is already used.</exception>
    internal string Claim(string name)
    {
        if (_parent is not null) return _parent.Claim(name);
        if (!_names.Add(name)) throw new ArgumentException($"The ONNX value name \"{name}\" is used twice.", nameof(name));
        return name;
    }

    /// <summary>A fresh intermediate value name, <c>val_N</c>.</summary>
    internal string Fresh()
    {
        if (_parent is not null) return _parent.Fresh();
        string name;
        do name = $"val_{_valueCount++}"; while (!_names.Add(name));
        return name;
    }

    /// <summary>The builder of the main graph (this one, or the parent of a subgraph's).</summary>
    private GraphBuilder Root => _parent?.Root ?? this;

    /// <summary>Adds a node named <c>scope/OpType_N</c> and returns its (single) output.</summary>
    /// <param name="opType">The ONNX operator.</param>
    /// <param name="inputs">Its input value names (empty string for an omitted optional input).</param>
    /// <param name="output">The output name, or null for a fresh one.</param>
    /// <param name="attributes">Its attributes.</param>
    internal string Node(string opType, IEnumerable<string> inputs, string? output = null, params AttributeProto[] attributes) =>
        Nodes(opType, inputs, [output], attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> fresh outputs and returns them.</summary>
    internal string[] Nodes(string opType, IEnumerable<string> inputs, int outputCount, params AttributeProto[] attributes) =>
        Nodes(opType, inputs, new string?[outputCount], attributes);

    /// <summary>Adds a node with one output per entry of <paramref name="outputs"/> (a given name, or null for a fresh
    /// one) and returns their names.</summary>
    internal string[] Nodes(string opType, IEnumerable<string> inputs, IReadOnlyList<string?> outputs, params AttributeProto[] attributes) =>
        DomainNodes("", opType, inputs, outputs, attributes);

    /// <summary>Adds a node of operator <paramref name="opType"/> in <paramref name="domain"/> with one output per entry of
    /// <paramref name="outputs"/> (a given name, or null for a fresh one) and returns their names.</summary>
    internal string[] DomainNodes(string domain, string opType, IEnumerable<string> inputs, IReadOnlyList<string?> outputs, params AttributeProto[] attributes)
    {
        var names = outputs.Select(o => o ?? Fresh()).ToArray();
        var node = new NodeProto { Domain = domain, OpType = opType, Name = NodeName(opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        // A 0 in a Reshape's shape copies the input's dim unless allowzero is set; the shapes here always mean a 0 dim.
        if (domain.Length == 0 && opType == "Reshape" && Root._shapesWithZeros.Contains(node.Input[1]))
            node.Attribute.Add(OnnxAttributes.Int("allowzero", 1));
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>A one-input node.</summary>
    internal string Node(string opType, string input, string? output = null, params AttributeProto[] attributes) =>
        Node(opType, [input], output, attributes);

    /// <summary>Adds a constant initializer (not a graph input) holding <paramref name="value"/>.</summary>
    internal string Constant(NDArray value)
    {
        if (_parent is not null) return _parent.Constant(value);
        var name = Fresh();
        Graph.Initializer.Add(OnnxTypes.Tensor(name, value));
        return name;
    }

    /// <summary>A shared 1-D int64 constant (axes, shapes, pads, ...).</summary>
    internal string Int64s(params long[] values)
    {
        if (_parent is not null) return _parent.Int64s(values);
        var key = string.Join(",", values);
        if (!_int64Constants.TryGetValue(key, out var name))
            _int64Constants[key] = name = Constant(NDArray.From(values, values.Length));
        if (values.Contains(0) && !values.Contains(-1)) _shapesWithZeros.Add(name);
        return name;
    }

    /// <summary>A 1-D int64 constant from ints.</summary>
    internal string Int64s(IEnumerable<int> values) => Int64s(values.Select(v => (long)v).ToArray());

    /// <summary>
    /// An int64 shape tensor for <paramref name="dims"/>, where a negative entry <c>-k</c> stands for <c>k</c> times
    /// the batch size (-1 is the batch size). Static dims give a constant; the one dynamic entry becomes -1 when
    /// <paramref name="minusOneInfers"/> (Reshape infers it); otherwise dynamic entries are computed from the
    /// runtime batch size.
    /// </summary>
    internal string Shape(IReadOnlyList<int> dims, bool minusOneInfers)
    {
        int dynamic = dims.Count(d => d < 0);
        if (dynamic == 0) return Int64s(dims);
        // With a 0 dim nothing can be inferred (and allowzero forbids -1 beside a 0): the batch size is computed.
        if (dynamic == 1 && minusOneInfers && !dims.Contains(0)) return Int64s(dims.Select(d => d < 0 ? -1 : d));
        var parts = new List<string>();
        var run = new List<long>();
        foreach (var d in dims)
        {
            if (d >= 0) { run.Add(d); continue; }
            if (run.Count > 0) { parts.Add(Int64s([.. run])); run.Clear(); }
            parts.Add(d == -1 ? BatchSize() : Node("Mul", [BatchSize(), Int64s(-(long)d)]));
        }
        if (run.Count > 0) parts.Add(Int64s([.. run]));
        var shape = Node("Concat", parts, null, OnnxAttributes.Int("axis", 0));
        if (dims.Contains(0)) Root._shapesWithZeros.Add(shape);
        return shape;
    }

    /// <summary>The runtime batch size as int64[1], computed once from the batch source input.</summary>
    /// <exception cref="InvalidOperationException">No graph input has a dynamic axis.</exception>
    internal string BatchSize()
    {
        if (_parent is not null) return _parent.BatchSize();
        if (_batchSize is not null) return _batchSize;
        var (name, axis) = _batchSource ?? throw new InvalidOperationException(
            "A shape needs the dynamic batch size, but no program input has a dynamic (-1) axis.");
        var saved = ScopePath;
        ScopePath = "";
        _batchSize = Node("Shape", name, null, OnnxAttributes.Int("start", axis), OnnxAttributes.Int("end", axis + 1));
        ScopePath = saved;
        return _batchSize;
    }

    private string NodeName(string opType)
    {
        if (_parent is not null) return _parent.NodeName(opType, ScopePath);
        return NodeName(opType, ScopePath);
    }

    private string NodeName(string opType, string scopePath)
    {
        var local = $"{opType}_{_nodeCount++}";
        return scopePath.Length == 0 ? local : $"{scopePath}/{local}";
    }
}
