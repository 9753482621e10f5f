namespace Flax;

/// <summary>
/// A fitted Flax model in an ML.NET pipeline: appends the model's output column (a vector of Single), or one column per
/// output of a model of several outputs, to its input.
/// <see cref="Transform"/> is lazy and scores rows in batches, one ONNX Runtime run per batch of
/// <see cref="BatchSize"/> rows; <see cref="PredictionEngine{TSrc, TDst}"/> scores a single row per run. Scoring is
/// safe from several threads at once. Made by <see cref="FlaxEstimator.Fit"/> or <see cref="Load(MLContext, Stream)"/>.
/// </summary>
/// <remarks>
/// <para>Persistence, two ways:</para>
/// <list type="bullet">
/// <item><c>mlContext.Model.Save</c> works for any pipeline holding this transformer. <c>mlContext.Model.Load</c>
/// gives back a batched <see cref="FlaxTransformer"/> with its variables in a context where <c>ApplyFlaxModel</c> was
/// called or <c>mlContext.ComponentCatalog.RegisterFlaxModels()</c> (<see cref="FlaxCatalog.RegisterFlaxModels"/>);
/// any other context reloads it as ML.NET's own <c>OnnxTransformer</c>, with the same outputs and output schema,
/// scoring one row per ONNX Runtime run. ML.NET's path overload <c>mlContext.Model.Save(model, schema, path)</c>
/// truncates the file first and writes the zip into it, so a crash or a failed save leaves a broken file;
/// <see cref="ModelFiles.SaveAtomically"/> (<c>mlContext.Model.SaveAtomically(model, schema, path)</c>) writes the same
/// zip to a temporary file and renames it into place.</item>
/// <item><see cref="Save(Stream)"/> and <see cref="Load(MLContext, Stream)"/> keep everything: the model reloads as a batched
/// <see cref="FlaxTransformer"/>.</item>
/// </list>
/// <para>Dispose the transformer to release its ONNX Runtime session; disposing twice is harmless, and runs in flight
/// on other threads finish first. ML.NET's <c>PredictionEngine.Dispose</c> disposes the transformer it was made from,
/// so share one transformer between engines only if the engines are not disposed before it.</para>
/// </remarks>
public sealed class FlaxTransformer : ITransformer, IDisposable
{
    private readonly ModelSignature _signature;
    private readonly byte[] _onnx;
    private readonly IBatchScorer _scorer;
    private int _disposed;

    /// <summary>Wraps a fitted or loaded model; the transformer owns <paramref name="scorer"/>.</summary>
    internal FlaxTransformer(ModelSignature signature, byte[] onnx, VariableDict variables, IBatchScorer scorer, int batchSize)
    {
        _signature = signature;
        _onnx = onnx;
        _scorer = scorer;
        Variables = variables;
        BatchSize = batchSize;
    }

    /// <summary>The model's variables (<c>params</c> and any other collection), as initialized or given.</summary>
    public VariableDict Variables { get; }

    /// <summary>The device the model runs on (<see cref="Device.Auto"/> resolved to <c>Cuda(0)</c> or <see cref="Device.Cpu"/>).</summary>
    public Device Device => _scorer.Device;

    /// <summary>The most rows one ONNX Runtime run scores.</summary>
    public int BatchSize { get; }

    /// <summary>True: the transformer maps each row on its own, so <see cref="PredictionEngine{TSrc, TDst}"/> can use it.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The schema <see cref="Transform"/> gives for input of <paramref name="inputSchema"/>.</summary>
    /// <param name="inputSchema">The input's schema.</param>
    /// <returns><paramref name="inputSchema"/> with the output columns appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is null.</exception>
    /// <exception cref="ArgumentException">An input column is missing or does not fit the model input it feeds.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return _signature.Bind(inputSchema).OutputSchema;
    }

    /// <summary>Scores <paramref name="input"/> lazily: rows are read ahead and scored a batch per run when a cursor moves.</summary>
    /// <param name="input">The rows to score.</param>
    /// <returns>The input with the output columns appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">An input column is missing or does not fit the model input it feeds.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    /// <exception cref="InvalidOperationException">While the view is read: a row's vector does not have its column's size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed();
        return new ScoredDataView(input, _signature.Bind(input.Schema), _scorer, BatchSize);
    }

    /// <summary>The mapper <see cref="PredictionEngine{TSrc, TDst}"/> uses: it scores one row per run.</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is null.</exception>
    /// <exception cref="ArgumentException">An input column is missing or does not fit the model input it feeds.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ThrowIfDisposed();
        return new FlaxRowMapper(_signature.Bind(inputSchema), _scorer);
    }

    /// <summary>
    /// Writes the model as an ONNX file for other runtimes: inputs named after the input columns, each
    /// <c>(batch, ..row shape)</c> of the dtype the column feeds (float32 for Single, int64 for keys, UInt32 and Int64, int32,
    /// bool) with a dynamic batch axis; one output per output column, named after it (with
    /// the suffix <c>:updated</c> when an input column has that name too); the variables as initializers named by their
    /// path (<c>params/Dense_0/kernel</c>), not also graph inputs, so ML.NET's <c>ApplyOnnxModel</c> loads the file
    /// without a warning per parameter (<c>Core.Export</c> writes them as overridable initializers).
    /// </summary>
    /// <param name="stream">Where to write.</param>
    public void ExportOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(_onnx);
    }

    /// <summary>Writes the model as an ONNX file (see <see cref="ExportOnnx(Stream)"/>); the file appears whole or not at all.</summary>
    /// <param name="path">The <c>.onnx</c> file to write (replaced if it exists).</param>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => stream.Write(_onnx));
    }

    /// <summary>
    /// Saves the model with everything needed to reload it as a batched <see cref="FlaxTransformer"/>: a zip holding
    /// <c>manifest.json</c> (columns, shapes, batch size, variable list), <c>model.onnx</c> and the variables as raw
    /// arrays under <c>variables/</c>. Nothing is written to <paramref name="stream"/> if saving fails.
    /// </summary>
    /// <param name="stream">Where to write.</param>
    /// <exception cref="NotSupportedException">A variable is not an <see cref="NDArray"/>, or the package would be one
    /// <see cref="Load(MLContext, Stream)"/> refuses: a variable path that is empty, has an empty, <c>.</c> or <c>..</c>
    /// segment, a <c>\</c>, <c>:</c> or control character (zip-slip), or more than 64 levels; a batch size over 65,536.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        Package().Write(buffer);
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <summary>
    /// Saves the model to a file (see <see cref="Save(Stream)"/>). The file is written under a temporary name and
    /// renamed when complete, so a failed save leaves no partial file and an existing file is replaced whole.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="NotSupportedException">See <see cref="Save(Stream)"/>.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, Package().Write);
    }

    private ModelPackage Package()
    {
        var flat = Variables.Flatten().ToDictionary(v => v.Key, v => v.Value as NDArray ?? throw new NotSupportedException(
            $"Variable '{v.Key}' is a {v.Value.GetType().Name}; a saved Flax model stores arrays (NDArray) only."));
        return new ModelPackage(_signature, BatchSize, _onnx, flat);
    }

    /// <summary>Loads a model saved by <see cref="Save(string)"/>; see <see cref="Load(MLContext, Stream)"/>.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="path">The saved model's file.</param>
    /// <returns>The transformer; dispose it to release its ONNX Runtime session.</returns>
    /// <exception cref="FlaxPackageException">The file is not a readable Flax model package (see <see cref="Load(MLContext, Stream)"/>).</exception>
    /// <exception cref="IOException">The file cannot be opened (<see cref="FileNotFoundException"/> and the like).</exception>
    /// <exception cref="DeviceUnavailableException">The GPU the context names cannot run the model.</exception>
    public static FlaxTransformer Load(MLContext mlContext, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Load(mlContext, file);
    }

    /// <summary>
    /// Loads a model saved by <see cref="Save(Stream)"/> as a batched <see cref="FlaxTransformer"/>. The device follows
    /// the context, as ML.NET's own loaders do: <c>Cuda(mlContext.GpuDeviceId)</c> when it names a GPU (falling back
    /// to the CPU when that GPU is unavailable and <c>mlContext.FallbackToCpu</c> is set), <see cref="Device.Auto"/>
    /// otherwise.
    /// </summary>
    /// <remarks>
    /// A package is untrusted input and is checked before use: every entry's size is bounded by the manifest and the
    /// package's length before it is read, its declared length and CRC-32 are verified, the manifest must agree with
    /// the ONNX graph (input and output names and shapes, each variable's dtype, shape and bytes) and the graph may not
    /// reference external files. A package that loads scores as saved; scoring it throws only the documented
    /// exceptions of <see cref="Transform"/> and <see cref="ModelRunException"/>.
    /// </remarks>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="stream">The saved model.</param>
    /// <returns>The transformer; dispose it to release its ONNX Runtime session.</returns>
    /// <exception cref="FlaxPackageException">The stream is not a readable Flax model package: not a zip, an entry
    /// missing, damaged, unlisted or larger than allowed, a manifest that contradicts the graph, or a graph ONNX
    /// Runtime cannot load. The message names the entry and, where meaningful, the byte offset.</exception>
    /// <exception cref="DeviceUnavailableException">The GPU the context names cannot run the model and
    /// <c>mlContext.FallbackToCpu</c> is not set.</exception>
    public static FlaxTransformer Load(MLContext mlContext, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        var package = ModelPackage.Read(stream);
        var variables = package.VariableTree();
        return new FlaxTransformer(package.Signature, package.Onnx, variables, Open(mlContext, package), package.BatchSize);
    }

    private static SessionScorer Open(MLContext mlContext, ModelPackage package)
    {
        try
        {
            if (mlContext.GpuDeviceId is not int id) return SessionScorer.Open(package.Onnx, package.Signature, Device.Auto);
            try
            {
                return SessionScorer.Open(package.Onnx, package.Signature, Device.Cuda(id));
            }
            catch (DeviceUnavailableException e) when (mlContext.FallbackToCpu)
            {
                System.Diagnostics.Trace.TraceWarning($"Flax: {e.Message} Loading the model on the CPU (mlContext.FallbackToCpu).");
                return SessionScorer.Open(package.Onnx, package.Signature, Device.Cpu);
            }
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or UnsupportedOperationException or ModelLoadException)
        {
            throw new FlaxPackageException(PackageGraph.EntryName, $"ONNX Runtime cannot load the graph ({e.Message})", innerException: e);
        }
    }

    /// <summary>Saves into an ML.NET model zip as ML.NET's <c>OnnxTransformer</c> (see the remarks on the class).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => MlNetModelSaver.Save(ctx, _signature, _onnx);

    /// <summary>Releases the ONNX Runtime session; later scoring throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _scorer.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
