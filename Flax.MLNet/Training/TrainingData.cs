namespace Flax;

/// <summary>
/// The training rows of an <see cref="IDataView"/> in memory: the model input's rows back to back as float32 and the
/// labels as int32 class indices (key columns, from 0; Int32 columns) or float32 (Single, Boolean and vector columns).
/// </summary>
internal sealed class TrainingData
{
    private readonly float[] _features;
    private readonly int[] _rowShape;
    private readonly int _rowSize;
    private readonly Array _labels;
    private readonly int[] _labelShape;

    private TrainingData(float[] features, int[] rowShape, Array labels, int[] labelShape, int count)
    {
        (_features, _rowShape, _rowSize, _labels, _labelShape, Count) = (features, rowShape, SchemaTypes.SizeOf(rowShape), labels, labelShape, count);
    }

    /// <summary>The number of rows.</summary>
    internal int Count { get; }

    /// <summary>Reads every row of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The label column is missing, of an unsupported type, or a key is
    /// missing.</exception>
    /// <exception cref="InvalidOperationException">A row's feature vector does not have its column's size (as scoring
    /// refuses it).</exception>
    internal static TrainingData Read(IDataView data, ModelInput input, string labelColumnName)
    {
        var featureColumn = input.FindIn(data.Schema);
        var labelColumn = data.Schema.GetColumnOrNull(labelColumnName) is { IsHidden: false } found ? found
            : throw new ArgumentException($"Could not find label column '{labelColumnName}' for training the Flax model; the input has columns: " +
                $"{string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Distinct())}.", nameof(data));
        var features = new List<float>();
        var labels = new LabelReader(labelColumn);
        using var cursor = data.GetRowCursor([featureColumn, labelColumn]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        labels.Bind(cursor);
        VBuffer<float> row = default;
        var dense = new float[input.Size];
        int count = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref row);
            if (row.Length != input.Size)
                throw new InvalidOperationException($"Input column '{input.ColumnName}' holds a vector of {row.Length} values " +
                    $"in row {count}, but its type and the Flax model say {input.Size}.");
            row.CopyTo(dense);
            features.AddRange(dense);
            labels.Read(count++);
        }
        return new TrainingData([.. features], input.RowShape, labels.Values, labels.RowShape, count);
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
