namespace Flax;

public sealed partial class Scope
{
    private const string Params = "params";

    /// <summary>
    /// Declares variable <paramref name="name"/> of <paramref name="collection"/> (Flax's <c>variable</c>): reserves the
    /// name, creates the value with <paramref name="init"/> when it is missing and the collection is mutable (existing
    /// values are kept, with no shape check), and returns a handle to read and write it.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="collection">The collection, e.g. <c>batch_stats</c>.</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="init">Creates the initial value (it receives no PRNG key); null if the variable must already exist.</param>
    /// <returns>The variable.</returns>
    /// <exception cref="DuplicateScopeNameException">The name is taken in this collection or by a child.</exception>
    /// <exception cref="ScopeCollectionNotFoundException">The variable is missing, cannot be created, and the collection is empty at the root.</exception>
    /// <exception cref="ScopeVariableNotFoundException">The variable is missing and cannot be created.</exception>
    /// <exception cref="InvalidScopeException">The value must be created but the scope is invalid.</exception>
    public Variable<T> Variable<T>(string collection, string name, Func<T>? init = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        Reserve(name, collection);
        if (!HasVariable(collection, name))
        {
            if (!IsMutableCollection(collection) || init is null)
            {
                if (IsCollectionEmpty(collection)) throw new ScopeCollectionNotFoundException(collection, name, PathText, SubtreeHint());
                throw new ScopeVariableNotFoundException(name, collection, PathText);
            }
            PutVariable(collection, name, Created(collection, name, init()));
        }
        return new Variable<T>(this, collection, name);
    }

    /// <summary>
    /// Declares parameter <paramref name="name"/> (Flax's <c>param</c>): reserves the name in <c>params</c>; an existing
    /// value is returned after checking that its shape equals <paramref name="shape"/> (the initializer is not run);
    /// a missing one is created as <c>init(MakeRng("params"), shape, dtype)</c> when <c>params</c> is mutable.
    /// </summary>
    /// <typeparam name="T">The value's type: <see cref="NDArray"/> on plain values, the tensor type when tracing.</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <param name="init">The initializer, e.g. <c>Initializers.LecunNormal()</c>.</param>
    /// <param name="shape">The parameter's shape.</param>
    /// <param name="dtype">The parameter's dtype when created (an existing value's dtype is not checked, as in Flax).</param>
    /// <returns>The parameter's value.</returns>
    /// <exception cref="DuplicateScopeNameException">The name is taken in <c>params</c> or by a child.</exception>
    /// <exception cref="ScopeParamShapeException">The existing value has another shape.</exception>
    /// <exception cref="ScopeCollectionNotFoundException">The parameter is missing, <c>params</c> is immutable and empty at the root.</exception>
    /// <exception cref="ScopeParamNotFoundException">The parameter is missing and <c>params</c> is immutable.</exception>
    /// <exception cref="InvalidRngException">The parameter must be created but there is no <c>params</c> PRNG sequence.</exception>
    /// <exception cref="InvalidScopeException">The parameter must be created but the scope is invalid.</exception>
    /// <exception cref="InvalidCastException">The value is not a <typeparamref name="T"/>.</exception>
    public T Param<T>(string name, Initializer init, int[] shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(shape);
        var expected = (int[])shape.Clone();
        return ParamCore<T>(name, key => init(key, (int[])expected.Clone(), dtype), () => [expected]);
    }

    /// <summary>
    /// Declares parameter <paramref name="name"/> with any init function of a PRNG key (Flax's <c>param</c> with a
    /// custom <c>init_fn</c>): the value may be any tree, e.g. a record or a dictionary of arrays. An existing value is
    /// returned after checking the shapes of its leaves, in sorted-key order, against those of
    /// <c>init(PrngKey.Create(0))</c> (Flax evaluates only the shapes; here <paramref name="init"/> runs once and its
    /// result is discarded). Leaves that are not <see cref="IShaped"/> have shape <c>()</c>.
    /// </summary>
    /// <inheritdoc cref="Param{T}(string, Initializer, int[], DType)"/>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <param name="init">Creates the value from a key.</param>
    public T Param<T>(string name, Func<PrngKey, T> init)
    {
        ArgumentNullException.ThrowIfNull(init);
        return ParamCore<T>(name, key => init(key), () => Trees.Leaves(Created(init(PrngKey.Create(0)))).Select(Trees.ShapeOf));
    }

    private T ParamCore<T>(string name, Func<PrngKey, object?> create, Func<IEnumerable<int[]>> expectedShapes)
    {
        Reserve(name, Params);
        if (HasVariable(Params, name))
        {
            var value = GetVariable(Params, name)!;
            foreach (var (actual, expected) in Trees.Leaves(value).Select(Trees.ShapeOf).Zip(expectedShapes()))
                if (!actual.AsSpan().SequenceEqual(expected)) throw new ScopeParamShapeException(name, PathText, actual, expected);
            return Trees.As<T>(value, Params, name, PathText);
        }
        if (!IsMutableCollection(Params))
        {
            if (IsCollectionEmpty(Params)) throw new ScopeCollectionNotFoundException(Params, name, PathText, SubtreeHint());
            throw new ScopeParamNotFoundException(name, PathText);
        }
        var created = Created(Params, name, create(MakeRng(Params)));
        PutVariable(Params, name, created);
        return Trees.As<T>(created, Params, name, PathText);
    }

    /// <summary>
    /// A new PRNG key from sequence <paramref name="name"/> (Flax's <c>make_rng</c>): the base key folded with this
    /// scope's path and the sequence's incremented counter, exactly as Flax derives it. A missing sequence falls back to
    /// <c>params</c> (and advances its counter), as in Flax.
    /// </summary>
    /// <param name="name">The sequence name.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidRngException">Neither the sequence nor <c>params</c> exists: <c>{scope name} needs PRNG for "{name}"</c>,
    /// with a hint on where .NET passes the key for a sequence other than <c>params</c>.</exception>
    /// <exception cref="InvalidScopeException">The scope is invalid.</exception>
    /// <exception cref="NotSupportedException">The sequence is split by an enclosing <c>while_loop</c>, whose keys are
    /// computed in the graph per iteration (use <see cref="MakeRngTensor"/>).</exception>
    public PrngKey MakeRng(string name = Params)
    {
        var rng = NextRng(ref name);
        if (rng.Traced is not null)
            throw new NotSupportedException($"Scope \"{PathText}\" draws a host key from PRNG sequence \"{name}\", which while_loop splits with split_rngs: its key in iteration i is fold_in(key, i) computed in the graph, with no host value. Use Scope.MakeRngTensor(\"{name}\") for the key as a tensor.");
        var key = rng.AsKey();
        (_hook as IRngHook)?.OnKeyDrawn();
        return key;
    }

    /// <summary>
    /// A new PRNG key from sequence <paramref name="name"/> as a uint32 tensor <c>(2,)</c> of the current trace (Flax's
    /// <c>make_rng</c> value as JAX key data, <c>[Hi, Lo]</c> of <see cref="PrngKey"/>), derived and counted exactly as
    /// <see cref="MakeRng"/> does. Outside loops it is a constant holding <see cref="MakeRng"/>'s key; in the body (or
    /// condition) of a <c>while_loop</c> that splits the sequence, it is computed in the graph: <c>fold_in(key, i)</c>
    /// of the loop counter, then the scope path and counter folded in as Flax's <c>LazyRng</c> does.
    /// </summary>
    /// <param name="name">The sequence name.</param>
    /// <returns>The key tensor.</returns>
    /// <exception cref="InvalidRngException">Neither the sequence nor <c>params</c> exists (as for <see cref="MakeRng"/>).</exception>
    /// <exception cref="InvalidScopeException">The scope is invalid.</exception>
    /// <exception cref="InvalidOperationException">No trace is recording on this thread (call it inside a function
    /// given to <c>Core.Init</c>, <c>Core.Apply</c> or <c>Core.Export</c>).</exception>
    public Tensor MakeRngTensor(string name = Params)
    {
        if (TraceContext.Current is not { IsActive: true })
            throw new InvalidOperationException("Scope.MakeRngTensor gives a key tensor only while a function is being traced (inside Core.Init, Core.Apply or Core.Export); use MakeRng for a host key.");
        var rng = NextRng(ref name);
        var key = rng.AsKeyTensor();
        (_hook as IRngHook)?.OnKeyDrawn();
        return key;
    }

    /// <summary>
    /// A random value drawn on the host by <paramref name="draw"/> from <paramref name="key"/>, or else from a new key
    /// of sequence <paramref name="name"/> (derived and counted exactly as <see cref="MakeRng"/> does). In a trace that
    /// draws per run, a value of a new key becomes a program input computed for every run from that run's key
    /// (<see cref="RandomInput"/>), so its shape may hold the dynamic batch size; otherwise it is drawn now, as a constant.
    /// </summary>
    /// <param name="name">The sequence name.</param>
    /// <param name="key">A given key to draw from instead (a constant value; no new key is made).</param>
    /// <param name="spec">The value's dtype and shape (-1 = the batch size).</param>
    /// <param name="draw">Draws the value from a key for a concrete shape.</param>
    /// <param name="layer">The layer drawing it, for the error message.</param>
    /// <exception cref="InvalidRngException">No key is given and neither the sequence nor <c>params</c> exists.</exception>
    /// <param name="drawTraced">Draws the value in the graph from a key tensor, for a sequence an enclosing
    /// <c>while_loop</c> splits (its key is derived in the graph per iteration).</param>
    /// <exception cref="ArgumentException">The value is drawn now or in the graph and <paramref name="spec"/> has the
    /// dynamic batch size.</exception>
    internal Tensor MakeRandom(string name, PrngKey? key, TensorSpec spec, Func<PrngKey, int[], NDArray> draw, string layer,
        Func<Tensor, int[], Tensor> drawTraced)
    {
        var hook = _hook as IRngHook;
        LazyRng? rng = key is null ? NextRng(ref name) : null;
        if (rng?.Traced is not null)
        {
            if (spec.Shape.Contains(-1))
                throw new ArgumentException($"{layer} draws its mask from PRNG sequence \"{name}\", which while_loop splits, in the graph and needs a static shape, got {Shapes.Format(spec.Shape)}; pass rngs to Apply so that the call is traced at its exact batch size.");
            var value = drawTraced(rng.AsKeyTensor(), spec.Shape);
            hook?.OnKeyDrawn();
            return value;
        }
        if (rng is not null && hook?.OnRandom(name, rng, spec, draw) is { } input) return input;
        if (spec.Shape.Contains(-1))
            throw new ArgumentException($"{layer} draws its mask on the host and needs a static shape, got {Shapes.Format(spec.Shape)}; pass rngs to Apply so that the call is traced at its exact batch size.");
        if (rng is null) return draw(key!.Value, spec.Shape);
        hook?.OnKeyDrawn();
        return draw(rng.AsKey(), spec.Shape);
    }

    /// <summary>The next key of sequence <paramref name="name"/> (or of <c>params</c>, which <paramref name="name"/>
    /// then becomes, when the sequence is missing), as a lazy fold.</summary>
    private LazyRng NextRng(ref string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!HasRng(name))
        {
            if (!HasRng(Params))
                throw new InvalidRngException($"{FlaxException.Text(Name)} needs PRNG for \"{name}\"" + (name == Params ? ""
                    : $" (.NET: pass new Rngs((\"{name}\", key)) to Core.Apply, or rngs: to the Trainer)"));
            name = Params;
        }
        CheckValid();
        return _rngs[name].Extend(_counters.Next(name));
    }

    /// <summary>The .NET hint for a collection missing at the root whose top level holds this scope's first name
    /// instead (the variables' <c>params</c> subtree passed where the variables belong); empty otherwise.</summary>
    private string SubtreeHint() =>
        _path.Length > 0 && Root._variables.ContainsKey(_path[0])
            ? $" (.NET: the variables' top level holds the layer \"{_path[0]}\" where collections belong: pass the whole variables, {{\"params\": ...}}, not their \"params\" subtree)"
            : "";

    private object Created(string collection, string name, object? value)
    {
        var created = Created(value);
        return _hook?.OnCreate(collection, _path, name, created) ?? created;
    }

    private object Created(object? value) =>
        value ?? throw new InvalidOperationException($"An init function in scope \"{PathText}\" returned null; variables hold no null values.");
}
