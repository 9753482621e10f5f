namespace Flax;

/// <summary>Conversions between Flax row shapes and ML.NET column types, and how types print in error messages.</summary>
internal static class SchemaTypes
{
    /// <summary>The number of values in a row of the given shape.</summary>
    public static int SizeOf(ReadOnlySpan<int> rowShape)
    {
        long size = 1;
        foreach (var d in rowShape) size *= d;
        return checked((int)size);
    }

    /// <summary>The vector type of <paramref name="item"/> with the row shape as its dimensions (ML.NET flattens it row-major).</summary>
    public static VectorDataViewType VectorOf(PrimitiveDataViewType item, int[] rowShape) =>
        new(item, rowShape.Length == 0 ? (int[])[1] : rowShape);

    /// <summary>
    /// The type of a model output column: a vector of Single whose dimensions are <c>[1, ..rowShape]</c>, the type
    /// ML.NET's <c>OnnxTransformer</c> gives the same output, so that saved and reloaded pipelines have one schema.
    /// </summary>
    public static VectorDataViewType OutputOf(int[] rowShape) => new(NumberDataViewType.Single, (int[])[1, .. rowShape]);

    /// <summary>The row shape a vector column implies: its dimensions, or its size for a vector without them.</summary>
    public static int[] RowShapeOf(VectorDataViewType type) =>
        type.Dimensions.Length > 1 ? type.Dimensions.ToArray() : [type.Size];

    /// <summary>Describes a column type in words: <c>Vector&lt;Int32, 4&gt;</c>, <c>Vector&lt;Key&lt;UInt32, 0-9&gt;&gt;</c>
    /// (variable size), <c>Single</c>.</summary>
    public static string Describe(DataViewType type) => type is VectorDataViewType { Size: 0 } vector
        ? $"{type} (a variable-size vector of {vector.ItemType})"
        : type.ToString() ?? type.GetType().Name;

    /// <summary>Describes a <see cref="SchemaShape.Column"/>'s type in words: <c>a variable-size vector of Single</c>.</summary>
    public static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => $"a scalar {column.ItemType}",
        SchemaShape.Column.VectorKind.Vector => $"a vector of {column.ItemType}",
        _ => $"a variable-size vector of {column.ItemType}",
    };
}
