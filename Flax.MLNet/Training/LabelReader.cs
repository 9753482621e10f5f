using System.Runtime.InteropServices;

namespace Flax;

/// <summary>Reads a label column row by row into a growing int32 or float32 buffer, by the column's type.</summary>
internal sealed class LabelReader
{
    private readonly DataViewSchema.Column _column;
    private readonly List<int> _ints = [];
    private readonly List<float> _floats = [];
    private Action<int>? _read;

    /// <exception cref="ArgumentException">The column's type cannot be a label.</exception>
    internal LabelReader(DataViewSchema.Column column)
    {
        _column = column;
        RowShape = column.Type switch
        {
            KeyDataViewType { RawType: var raw } when raw == typeof(uint) => [],
            NumberDataViewType n when n == NumberDataViewType.Int32 || n == NumberDataViewType.Single => [],
            BooleanDataViewType => [],
            VectorDataViewType { ItemType: var item, IsKnownSize: true } v when item == NumberDataViewType.Single => SchemaTypes.RowShapeOf(v),
            var other => throw new ArgumentException($"Label column '{column.Name}' is of type {other}; training needs a key, Int32, " +
                "Boolean, Single or known-size vector of Single column.", "data"),
        };
    }

    /// <summary>The shape of one row's label (empty for a scalar).</summary>
    internal int[] RowShape { get; }

    /// <summary>The labels read: int32 for key and Int32 columns, float32 otherwise.</summary>
    internal Array Values => IsClassIndex ? _ints.ToArray() : _floats.ToArray();

    private bool IsClassIndex => _column.Type is KeyDataViewType || _column.Type == NumberDataViewType.Int32;

    /// <summary>Prepares to read from <paramref name="cursor"/>.</summary>
    internal void Bind(DataViewRowCursor cursor)
    {
        var name = _column.Name;
        switch (_column.Type)
        {
            case KeyDataViewType:
                var key = cursor.GetGetter<uint>(_column);
                uint k = 0;
                _read = row =>
                {
                    key(ref k);
                    _ints.Add(k > 0 ? (int)k - 1
                        : throw new ArgumentException($"Label column '{name}' has a missing key at row {row}.", "data"));
                };
                break;
            case NumberDataViewType n when n == NumberDataViewType.Int32:
                var integer = cursor.GetGetter<int>(_column);
                int i = 0;
                _read = _ => { integer(ref i); _ints.Add(i); };
                break;
            case BooleanDataViewType:
                var flag = cursor.GetGetter<bool>(_column);
                bool b = false;
                _read = _ => { flag(ref b); _floats.Add(b ? 1 : 0); };
                break;
            case VectorDataViewType:
                var vector = cursor.GetGetter<VBuffer<float>>(_column);
                VBuffer<float> v = default;
                var dense = new float[SchemaTypes.SizeOf(RowShape)];
                _read = _ => { vector(ref v); v.CopyTo(dense); _floats.AddRange(dense); };
                break;
            default:
                var single = cursor.GetGetter<float>(_column);
                float f = 0;
                _read = _ => { single(ref f); _floats.Add(f); };
                break;
        }
    }

    /// <summary>Reads the current row's label (row <paramref name="row"/>, for messages).</summary>
    internal void Read(int row) => _read!(row);

    /// <summary>Whether the label read last holds NaN (float labels only).</summary>
    internal bool LastHasNaN()
    {
        if (IsClassIndex) return false;
        foreach (var value in CollectionsMarshal.AsSpan(_floats)[^SchemaTypes.SizeOf(RowShape)..])
            if (float.IsNaN(value)) return true;
        return false;
    }

    /// <summary>Forgets the label read last.</summary>
    internal void DropLast()
    {
        if (IsClassIndex) _ints.RemoveAt(_ints.Count - 1);
        else _floats.RemoveRange(_floats.Count - SchemaTypes.SizeOf(RowShape), SchemaTypes.SizeOf(RowShape));
    }
}
