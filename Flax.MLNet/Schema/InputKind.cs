namespace Flax;

/// <summary>
/// The item types an input column may have, each feeding a model input of one dtype: <see cref="Single"/> →
/// float32, <see cref="Key"/> → int64 (the key minus one), <see cref="UInt32"/> → int64, <see cref="Int32"/> → int32,
/// <see cref="Int64"/> → int64, <see cref="Boolean"/> → bool.
/// </summary>
internal enum InputKind
{
    /// <summary>ML.NET <c>Single</c>, fed as float32.</summary>
    Single,
    /// <summary>An ML.NET key of <c>UInt32</c> (<c>MapValueToKey</c>'s output), fed as the int64 index key − 1; key 0
    /// (a missing value) is an error.</summary>
    Key,
    /// <summary>ML.NET <c>UInt32</c>, widened to int64 (int32 cannot hold every value).</summary>
    UInt32,
    /// <summary>ML.NET <c>Int32</c>, fed as int32.</summary>
    Int32,
    /// <summary>ML.NET <c>Int64</c>, fed as int64.</summary>
    Int64,
    /// <summary>ML.NET <c>Boolean</c>, fed as bool.</summary>
    Boolean,
}

/// <summary>What each <see cref="InputKind"/> means in ML.NET, in the traced model and in a package manifest.</summary>
internal static class InputKinds
{
    /// <summary>The column item types a Flax model reads, in words, for error messages.</summary>
    public const string Supported = "Single, Key<UInt32> (MapValueToKey), UInt32, Int32, Int64 or Boolean";

    /// <summary>The dtype of the model input a column of this kind feeds.</summary>
    public static DType DType(this InputKind kind) => kind switch
    {
        InputKind.Single => Flax.DType.Float32,
        InputKind.Int32 => Flax.DType.Int32,
        InputKind.Boolean => Flax.DType.Bool,
        _ => Flax.DType.Int64,
    };

    /// <summary>The kind of a column item type, or null for a type a Flax model cannot read.</summary>
    public static InputKind? Of(DataViewType item) => item switch
    {
        KeyDataViewType key => key.RawType == typeof(uint) ? InputKind.Key : null,
        BooleanDataViewType => InputKind.Boolean,
        _ when item == NumberDataViewType.Single => InputKind.Single,
        _ when item == NumberDataViewType.UInt32 => InputKind.UInt32,
        _ when item == NumberDataViewType.Int32 => InputKind.Int32,
        _ when item == NumberDataViewType.Int64 => InputKind.Int64,
        _ => null,
    };

    /// <summary>The kind whose model input has <paramref name="dtype"/> and whose column has that ONNX type too (what
    /// ML.NET's <c>OnnxTransformer</c> feeds), or null.</summary>
    public static InputKind? OfOnnx(DType dtype) => dtype switch
    {
        Flax.DType.Float32 => InputKind.Single,
        Flax.DType.Int32 => InputKind.Int32,
        Flax.DType.Int64 => InputKind.Int64,
        Flax.DType.Bool => InputKind.Boolean,
        _ => null,
    };

    /// <summary>The item type of a column of this kind; a key column's count is not part of the kind.</summary>
    /// <exception cref="NotSupportedException">The kind is <see cref="InputKind.Key"/>.</exception>
    public static PrimitiveDataViewType ItemType(this InputKind kind) => kind switch
    {
        InputKind.Single => NumberDataViewType.Single,
        InputKind.UInt32 => NumberDataViewType.UInt32,
        InputKind.Int32 => NumberDataViewType.Int32,
        InputKind.Int64 => NumberDataViewType.Int64,
        InputKind.Boolean => BooleanDataViewType.Instance,
        _ => throw new NotSupportedException("A key column's type needs its key count."),
    };

    /// <summary>The kind's item type in words: <c>Single</c>, <c>Key&lt;UInt32&gt;</c>.</summary>
    public static string Describe(this InputKind kind) => kind == InputKind.Key ? "Key<UInt32>" : kind.ItemType().ToString() ?? kind.ToString();

    /// <summary>The kind's name in <c>manifest.json</c>: <c>float32</c>, <c>key</c>, <c>uint32</c>, <c>int32</c>,
    /// <c>int64</c>, <c>bool</c>.</summary>
    public static string ManifestName(this InputKind kind) => kind switch
    {
        InputKind.Key => "key",
        InputKind.UInt32 => "uint32",
        _ => kind.DType().Name(),
    };

    /// <summary>Parses a <see cref="ManifestName"/>.</summary>
    public static bool TryParseManifestName(string? name, out InputKind kind)
    {
        foreach (var candidate in Enum.GetValues<InputKind>())
            if (candidate.ManifestName() == name)
            {
                kind = candidate;
                return true;
            }
        kind = default;
        return false;
    }
}
