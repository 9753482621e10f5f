namespace Flax;

/// <summary>The getter plumbing the Flax rows and cursors share, with ML.NET's errors for misuse.</summary>
internal static class Getters
{
    /// <summary>Returns <paramref name="getter"/> as a <c>ValueGetter&lt;TValue&gt;</c>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TValue"/> is not the column's raw type.</exception>
    public static ValueGetter<TValue> Cast<TValue>(DataViewSchema.Column column, Delegate getter) =>
        getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Invalid TValue in GetGetter for column '{column.Name}': '{typeof(TValue)}', expected type: '{column.Type.RawType}'.");

    /// <summary>The error for a getter asked of a column that is not active.</summary>
    public static InvalidOperationException Inactive(DataViewSchema.Column column) =>
        new($"Column '{column.Name}' is not active in this row; ask for it when creating the cursor.");

    /// <summary>Copies <paramref name="values"/> into <paramref name="value"/> as a dense vector, reusing its buffer.</summary>
    public static void Fill(ReadOnlySpan<float> values, ref VBuffer<float> value)
    {
        var editor = VBufferEditor.Create(ref value, values.Length);
        values.CopyTo(editor.Values);
        value = editor.Commit();
    }
}
