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

    /// <summary>The vector-of-Single type with the row shape as its dimensions (ML.NET flattens it row-major).</summary>
    public static VectorDataViewType VectorOf(int[] rowShape) =>
        new(NumberDataViewType.Single, rowShape.Length == 0 ? (int[])[1] : rowShape);

    /// <summary>
    /// The type of a model output column: a vector of Single whose dimensions are <c>[1, ..rowShape]</c>, the type
    /// ML.NET's <c>OnnxTransformer</c> gives the same output, so that saved and reloaded pipelines have one schema.
    /// </summary>
    public static VectorDataViewType OutputOf(int[] rowShape) => new(NumberDataViewType.Single, (int[])[1, .. rowShape]);

    /// <summary>The row shape a vector column implies: its dimensions, or its size for a vector without them.</summary>
    public static int[] RowShapeOf(VectorDataViewType type) =>
        type.Dimensions.Length > 1 ? type.Dimensions.ToArray() : [type.Size];

    /// <summary>Describes a <see cref="SchemaShape.Column"/>'s type in words: <c>a variable-size vector of Single</c>.</summary>
    public static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => $"a scalar {column.ItemType}",
        SchemaShape.Column.VectorKind.Vector => $"a vector of {column.ItemType}",
        _ => $"a variable-size vector of {column.ItemType}",
    };
}
