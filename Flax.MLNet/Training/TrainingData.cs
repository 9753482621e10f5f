namespace Flax;

/// <summary>
/// The training rows of an <see cref="IDataView"/> in memory: the model inputs' rows back to back in one buffer
/// (<see cref="PackedRows"/>: one input keeps its dtype, so token ids stay int64) and the labels as int32 class indices
/// (key columns, from 0; Int32 columns) or float32 (Single, Boolean and vector columns). Input columns are read as
/// scoring reads them (<see cref="ColumnReader"/>: key k is index k − 1, UInt32 widened to int64). Rows holding NaN are
/// left out (<see cref="Skipped"/>), as ML.NET's trainers leave out rows with missing values.
/// </summary>
internal sealed class TrainingData
{
    private readonly PackedRows _features;
    private readonly ModelInput[] _inputs;
    private readonly int[] _rowShape;
    private readonly Array _labels;
    private readonly int[] _labelShape;
    private readonly int[] _rowIndices;

    private TrainingData(PackedRows features, ModelInput[] inputs, Array labels, int[] labelShape, int[] rowIndices, int skipped)
    {
        (_features, _inputs, _labels, _labelShape) = (features, inputs, labels, labelShape);
        _rowShape = inputs.Length == 1 ? inputs[0].RowShape : [inputs.Sum(i => i.Size)];
        (_rowIndices, Skipped) = (rowIndices, skipped);
    }

    /// <summary>The number of rows kept.</summary>
    internal int Count => _rowIndices.Length;

    /// <summary>The number of rows left out for holding NaN in their features or label.</summary>
    internal int Skipped { get; }

    /// <summary>Reads every row of <paramref name="data"/>: the values of <paramref name="inputs"/> back to back (one
    /// input keeps its row shape; several are packed into one vector per row, see <see cref="Unpack"/>), leaving out
    /// (or, without <paramref name="skipNaN"/>, refusing) rows whose float32 features or float label hold NaN.</summary>
    /// <exception cref="ArgumentException">The label column is missing, of an unsupported type, or a key label is
    /// missing; a row holds NaN and <paramref name="skipNaN"/> is false; or an Int64 value beyond ±2^53 would be packed
    /// as float64.</exception>
    /// <exception cref="InvalidOperationException">A row's feature vector does not have its column's size, or a key input
    /// is missing (as scoring refuses them).</exception>
    internal static TrainingData Read(IDataView data, IReadOnlyList<ModelInput> inputs, string labelColumnName, bool skipNaN = true)
    {
        var featureColumns = inputs.Select(i => i.FindIn(data.Schema)).ToArray();
        var labelColumn = data.Schema.GetColumnOrNull(labelColumnName) is { IsHidden: false } found ? found
            : throw new ArgumentException($"Could not find label column '{labelColumnName}' for training the Flax model; the input has columns: " +
                $"{string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Distinct())}.", nameof(data));
        var labels = new LabelReader(labelColumn);
        using var cursor = data.GetRowCursor([.. featureColumns, labelColumn]);
        var readers = inputs.Select((input, i) => ColumnReader.Create(input, cursor, featureColumns[i], capacity: 1)).ToArray();
        labels.Bind(cursor);
        var features = PackedRows.For(inputs, inputs.Sum(i => i.Size));
        var kept = new List<int>();
        int index = 0;
        for (; cursor.MoveNext(); index++)
        {
            string? nan = null;
            for (int i = 0, offset = 0; i < readers.Length; offset += inputs[i].Size, i++)
            {
                readers[i].Read(0);
                features.Write(readers[i].Batch, offset, inputs[i], index);
                if (nan is null && readers[i].Batch is HostBatch<float> floats && Array.FindIndex(floats.Data, 0, inputs[i].Size, float.IsNaN) is >= 0 and var at)
                    nan = $"Row {index} holds NaN in input column '{inputs[i].ColumnName}' (value {at} of {inputs[i].Size})";
            }
            labels.Read(index);
            if (nan is null && !labels.LastHasNaN())
            {
                features.Keep();
                kept.Add(index);
                continue;
            }
            if (!skipNaN)
                throw new ArgumentException((nan ?? $"Row {index} holds NaN in label column '{labelColumn.Name}'") +
                    "; fix the row, or let Fit leave such rows out (FlaxTrainingOptions.SkipRowsWithNaN).", nameof(data));
            labels.DropLast();
        }
        return new TrainingData(features, [.. inputs], labels.Values, labels.RowShape, [.. kept], index - kept.Count);
    }

    /// <summary>
    /// The model inputs of a batch that <see cref="Read"/> packed, in the traced step: input <c>i</c> is the slice of its
    /// values, reshaped to <c>(batch, ..row shape)</c> and cast back to its dtype; one input is passed as it is.
    /// </summary>
    internal Tensor[] Unpack(Tensor packed)
    {
        if (_inputs.Length == 1) return [packed];
        var parts = new Tensor[_inputs.Length];
        for (int i = 0, offset = 0; i < parts.Length; offset += _inputs[i].Size, i++)
        {
            var part = packed.SliceInDim(offset, offset + _inputs[i].Size, axis: 1).Reshape([-1, .. _inputs[i].RowShape]);
            parts[i] = part.DType == _inputs[i].DType ? part : part.Cast(_inputs[i].DType);
        }
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
        int labelSize = SchemaTypes.SizeOf(_labelShape);
        NDArray labels = _labels switch
        {
            int[] ints => NDArray.From(Gather(ints, indices, labelSize), [indices.Length, .. _labelShape]),
            float[] floats => NDArray.From(Gather(floats, indices, labelSize), [indices.Length, .. _labelShape]),
            _ => throw new InvalidOperationException("Labels are int32 or float32."),
        };
        return (_features.Gather(indices, _rowShape), labels);
    }

    private static T[] Gather<T>(T[] values, ReadOnlySpan<int> indices, int size)
    {
        var result = new T[indices.Length * size];
        for (int i = 0; i < indices.Length; i++) values.AsSpan(indices[i] * size, size).CopyTo(result.AsSpan(i * size));
        return result;
    }
}
