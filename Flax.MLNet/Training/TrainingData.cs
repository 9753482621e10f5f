namespace Flax;

/// <summary>
/// The training rows of an <see cref="IDataView"/> in memory: the model input's rows back to back as float32 and the
/// labels as int32 class indices (key columns, from 0; Int32 columns) or float32 (Single, Boolean and vector columns).
/// Rows holding NaN are left out (<see cref="Skipped"/>), as ML.NET's trainers leave out rows with missing values.
/// </summary>
internal sealed class TrainingData
{
    private readonly float[] _features;
    private readonly int[] _rowShape;
    private readonly int _rowSize;
    private readonly Array _labels;
    private readonly int[] _labelShape;
    private readonly int[] _rowIndices;

    private TrainingData(float[] features, int[] rowShape, Array labels, int[] labelShape, int[] rowIndices, int skipped)
    {
        (_features, _rowShape, _rowSize, _labels, _labelShape) = (features, rowShape, SchemaTypes.SizeOf(rowShape), labels, labelShape);
        (_rowIndices, Skipped) = (rowIndices, skipped);
    }

    /// <summary>The number of rows kept.</summary>
    internal int Count => _rowIndices.Length;

    /// <summary>The number of rows left out for holding NaN in their features or label.</summary>
    internal int Skipped { get; }

    /// <summary>Reads every row of <paramref name="data"/>: the values of <paramref name="inputs"/> back to back (one
    /// input keeps its row shape; several are packed into one vector per row, see <see cref="Unpack"/>), leaving out
    /// (or, without <paramref name="skipNaN"/>, refusing) rows whose features or float label hold NaN.</summary>
    /// <exception cref="ArgumentException">The label column is missing, of an unsupported type, or a key is
    /// missing; or a row holds NaN and <paramref name="skipNaN"/> is false.</exception>
    /// <exception cref="InvalidOperationException">A row's feature vector does not have its column's size (as scoring
    /// refuses it).</exception>
    internal static TrainingData Read(IDataView data, IReadOnlyList<ModelInput> inputs, string labelColumnName, bool skipNaN = true)
    {
        var featureColumns = inputs.Select(i => i.FindIn(data.Schema)).ToArray();
        var labelColumn = data.Schema.GetColumnOrNull(labelColumnName) is { IsHidden: false } found ? found
            : throw new ArgumentException($"Could not find label column '{labelColumnName}' for training the Flax model; the input has columns: " +
                $"{string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Distinct())}.", nameof(data));
        var features = new List<float>();
        var labels = new LabelReader(labelColumn);
        using var cursor = data.GetRowCursor([.. featureColumns, labelColumn]);
        var getters = featureColumns.Select(cursor.GetGetter<VBuffer<float>>).ToArray();
        labels.Bind(cursor);
        VBuffer<float> row = default;
        var dense = new float[inputs.Sum(i => i.Size)];
        var kept = new List<int>();
        int index = 0;
        for (; cursor.MoveNext(); index++)
        {
            for (int i = 0, offset = 0; i < getters.Length; offset += inputs[i].Size, i++)
            {
                getters[i](ref row);
                if (row.Length != inputs[i].Size)
                    throw new InvalidOperationException($"Input column '{inputs[i].ColumnName}' holds a vector of {row.Length} values " +
                        $"in row {index}, but its type and the Flax model say {inputs[i].Size}.");
                row.CopyTo(dense.AsSpan(offset, inputs[i].Size));
            }
            labels.Read(index);
            int nan = Array.FindIndex(dense, float.IsNaN);
            if (nan < 0 && !labels.LastHasNaN())
            {
                features.AddRange(dense);
                kept.Add(index);
                continue;
            }
            if (!skipNaN)
                throw new ArgumentException((nan >= 0 ? NaNIn(inputs, index, nan) : $"Row {index} holds NaN in label column '{labelColumn.Name}'") +
                    "; fix the row, or let Fit leave such rows out (FlaxTrainingOptions.SkipRowsWithNaN).", nameof(data));
            labels.DropLast();
        }
        int[] rowShape = inputs.Count == 1 ? inputs[0].RowShape : [dense.Length];
        return new TrainingData([.. features], rowShape, labels.Values, labels.RowShape, [.. kept], index - kept.Count);
    }

    private static string NaNIn(IReadOnlyList<ModelInput> inputs, int row, int at)
    {
        int i = 0;
        for (; at >= inputs[i].Size; i++) at -= inputs[i].Size;
        return $"Row {row} holds NaN in input column '{inputs[i].ColumnName}' (value {at} of {inputs[i].Size})";
    }

    /// <summary>
    /// The model inputs of a batch that <see cref="Read"/> packed: input <c>i</c> is the slice of its values,
    /// reshaped to <c>(batch, ..row shape)</c>; one input is passed as it is.
    /// </summary>
    internal static Tensor[] Unpack(Tensor packed, IReadOnlyList<ModelInput> inputs)
    {
        if (inputs.Count == 1) return [packed];
        var parts = new Tensor[inputs.Count];
        for (int i = 0, offset = 0; i < parts.Length; offset += inputs[i].Size, i++)
            parts[i] = packed.SliceInDim(offset, offset + inputs[i].Size, axis: 1).Reshape([-1, .. inputs[i].RowShape]);
        return parts;
    }

    /// <summary>
    /// Checks that class-index labels (int32 scalars) lie in <c>[0, <paramref name="classes"/>)</c>, the classes of
    /// a model whose output row has shape <c>(classes)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A label is out of range; the message names it, its row and the class count.</exception>
    internal void CheckClasses(int classes, string labelColumnName)
    {
        if (_labels is not int[] ints || _labelShape.Length != 0) return;
        int bad = Array.FindIndex(ints, k => (uint)k >= (uint)classes);
        if (bad >= 0)
            throw new ArgumentException($"Label {ints[bad]} in row {_rowIndices[bad]} of label column '{labelColumnName}' is out of " +
                $"range for the model's {classes} classes (its output row has shape ({classes})); class labels lie in [0, {classes}).", "data");
    }

    /// <summary>The rows at <paramref name="indices"/>: inputs <c>(n, row shape...)</c> and labels <c>(n, ...)</c>.</summary>
    internal (NDArray Inputs, NDArray Labels) Batch(ReadOnlySpan<int> indices)
    {
        var inputs = new float[indices.Length * _rowSize];
        for (int i = 0; i < indices.Length; i++)
            _features.AsSpan(indices[i] * _rowSize, _rowSize).CopyTo(inputs.AsSpan(i * _rowSize));
        int labelSize = SchemaTypes.SizeOf(_labelShape);
        NDArray labels = _labels switch
        {
            int[] ints => NDArray.From(Gather(ints, indices, labelSize), [indices.Length, .. _labelShape]),
            float[] floats => NDArray.From(Gather(floats, indices, labelSize), [indices.Length, .. _labelShape]),
            _ => throw new InvalidOperationException("Labels are int32 or float32."),
        };
        return (NDArray.From(inputs, [indices.Length, .. _rowShape]), labels);
    }

    private static T[] Gather<T>(T[] values, ReadOnlySpan<int> indices, int size)
    {
        var result = new T[indices.Length * size];
        for (int i = 0; i < indices.Length; i++) values.AsSpan(indices[i] * size, size).CopyTo(result.AsSpan(i * size));
        return result;
    }
}
