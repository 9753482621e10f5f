namespace Flax;

/// <summary>
/// Reads one input column of the current upstream row into its row of a typed batch: as is for <c>Single</c>,
/// <c>Int32</c>, <c>Int64</c> and <c>Boolean</c>; widened to int64 for <c>UInt32</c>; as the index key − 1 for keys.
/// </summary>
internal abstract class ColumnReader
{
    private readonly DataViewRow _upstream;

    private protected ColumnReader(ModelInput input, DataViewRow upstream)
    {
        Input = input;
        Size = input.Size;
        _upstream = upstream;
    }

    /// <summary>The model input this column feeds.</summary>
    protected ModelInput Input { get; }

    /// <summary>The number of values one row of the input holds (<see cref="ModelInput.Size"/>, computed once: it is read per row).</summary>
    protected int Size { get; }

    /// <summary>The batch buffer.</summary>
    public abstract HostBatch Batch { get; }

    /// <summary>Copies the upstream row's vector to row <paramref name="slot"/> of <see cref="Batch"/>.</summary>
    /// <exception cref="InvalidOperationException">The vector does not have the input's size, or a key is missing.</exception>
    public abstract void Read(int slot);

    /// <summary>The reader for <paramref name="input"/>'s kind.</summary>
    public static ColumnReader Create(ModelInput input, DataViewRow upstream, DataViewSchema.Column column, int capacity) => input.Kind switch
    {
        InputKind.Single => new Copying<float>(input, upstream, column, capacity),
        InputKind.Int32 => new Copying<int>(input, upstream, column, capacity),
        InputKind.Int64 => new Copying<long>(input, upstream, column, capacity),
        InputKind.Boolean => new Copying<bool>(input, upstream, column, capacity),
        _ => new Widening(input, upstream, column, capacity),
    };

    /// <summary>Checks that a row's vector has the input's size.</summary>
    protected void CheckLength(int length)
    {
        if (length != Size)
            throw new InvalidOperationException($"Input column '{Input.ColumnName}' holds a vector of {length} values {Where}, " +
                $"but its type and the Flax model say {Size}.");
    }

    /// <summary>Which row is read, for messages: <c>in row 3</c> on a cursor, <c>in this row</c> on a single row.</summary>
    private string Where => _upstream is DataViewRowCursor cursor ? $"in row {cursor.Position}" : "in this row";

    /// <summary>The error for key 0 at <paramref name="index"/> of the current row.</summary>
    protected InvalidOperationException MissingKey(int index) => new(
        $"Input column '{Input.ColumnName}' holds a missing key (0) at index {index} of row {_upstream.Position}; the Flax " +
        "model reads key k as index k − 1 and has no index for a missing value (a value MapValueToKey did not see when it " +
        "was fitted). Map unknown values to a key of their own (e.g. an \"<unk>\" entry in the key data) before the model.");

    /// <summary>A column whose values are fed as they are.</summary>
    private sealed class Copying<T> : ColumnReader where T : unmanaged
    {
        private readonly ValueGetter<VBuffer<T>> _getter;
        private readonly HostBatch<T> _batch;
        private VBuffer<T> _scratch;

        public Copying(ModelInput input, DataViewRow upstream, DataViewSchema.Column column, int capacity) : base(input, upstream)
        {
            _getter = upstream.GetGetter<VBuffer<T>>(column);
            _batch = new HostBatch<T>(input.DType, capacity * input.Size);
        }

        public override HostBatch Batch => _batch;

        public override void Read(int slot)
        {
            _getter(ref _scratch);
            CheckLength(_scratch.Length);
            _scratch.CopyTo(_batch.Data.AsSpan(slot * Size, Size));
        }
    }

    /// <summary>A <c>UInt32</c> or key column, widened to int64 (keys shifted to 0-based indices).</summary>
    private sealed class Widening : ColumnReader
    {
        private readonly ValueGetter<VBuffer<uint>> _getter;
        private readonly HostBatch<long> _batch;
        private readonly long _shift;
        private VBuffer<uint> _scratch;
        private uint[] _dense = [];

        public Widening(ModelInput input, DataViewRow upstream, DataViewSchema.Column column, int capacity) : base(input, upstream)
        {
            _getter = upstream.GetGetter<VBuffer<uint>>(column);
            _batch = new HostBatch<long>(DType.Int64, capacity * input.Size);
            _shift = input.Kind == InputKind.Key ? 1 : 0;
        }

        public override HostBatch Batch => _batch;

        public override void Read(int slot)
        {
            _getter(ref _scratch);
            CheckLength(_scratch.Length);
            ReadOnlySpan<uint> values = _scratch.GetValues();
            if (!_scratch.IsDense)
            {
                if (_dense.Length != Size) _dense = new uint[Size];
                _scratch.CopyTo(_dense);
                values = _dense;
            }
            var row = _batch.Data.AsSpan(slot * Size, Size);
            for (int i = 0; i < row.Length; i++)
            {
                if (values[i] < _shift) throw MissingKey(i);
                row[i] = values[i] - _shift;
            }
        }
    }
}
