using Flax.Tests.Lowering;

namespace Flax.Tests.Lift;

/// <summary>
/// <c>Lift.WhileLoop</c>'s <c>split_rngs</c> (Flax's <c>make_loop_rngs</c>): the body's base key in iteration <c>i</c>
/// is <c>fold_in(key, i)</c>, the condition's <c>fold_in(key, -i)</c>, computed in the graph; keys drawn with
/// <see cref="Scope.MakeRngTensor"/> are checked bit for bit against host derivations (<see cref="PrngKey.FoldIn"/>
/// then <see cref="PrngKey.FoldInStatic(object[])"/> of the scope path and counter, as <see cref="Scope.MakeRng"/>
/// folds its suffix), in the library (ONNX Runtime), in the test evaluator and in the exported graph; dropout in a
/// split loop draws its mask in the graph, bit-exact with the host's bernoulli.
/// </summary>
[TestClass]
public sealed class WhileLoopSplitRngsTests
{
    private static readonly Dictionary<Filter, bool> SplitLoop = new() { ["loop"] = true };

    private static uint[] Words(params PrngKey[] keys) => [.. keys.SelectMany(k => new[] { k.Hi, k.Lo })];

    /// <summary>The loop <c>i &lt; n</c> writing the body's <c>make_rng("loop")</c> key into row <c>i</c> of a
    /// <c>(rows, 2)</c> uint32 carry; returns that carry.</summary>
    private static Tensor Keys(Scope scope, Tensor n, int rows, Func<Scope, Tensor>? draw = null)
    {
        var carry = Flax.Lift.WhileLoop((s, c) => c[0] < n, (s, c) =>
            [c[0] + 1, c[1].AtSet(c[0], (draw ?? (t => t.MakeRngTensor("loop")))(s))],
            scope, [(Tensor)NDArray.Scalar(0), (Tensor)NDArray.Zeros(DType.UInt32, rows, 2)], splitRngs: SplitLoop);
        return carry[1];
    }

    /// <summary>Many iterations: row <c>i</c> is <c>fold_in(fold_in(key, i), hash(1))</c> (the first key of the
    /// sequence in the root scope), and rows past the trip count stay zero.</summary>
    [TestMethod]
    public void BodyKeyIsFoldInOfTheIterationCounter()
    {
        var key = new PrngKey(0x12345678, 0x9ABCDEF0);
        var y = Core.Apply((Scope s, Tensor n) => Keys(s, n, 8))(VariableDict.Empty, NDArray.Scalar(6), new Rngs(("loop", key))).ToArray<uint>();
        var expected = Words([.. Enumerable.Range(0, 6).Select(i => key.FoldIn((uint)i).FoldInStatic(1)), new PrngKey(0, 0), new PrngKey(0, 0)]);
        CollectionAssert.AreEqual(expected, y);
    }

    /// <summary>The path and counter suffix is folded in the graph after the iteration's fold: a child scope's second
    /// key is <c>fold_in(fold_in(key, i), hash("child", 2))</c>, in a loop under a named child of the root.</summary>
    [TestMethod]
    public void SuffixOfChildScopesAndCountersIsFoldedAfterTheIteration()
    {
        var key = PrngKey.Create(7);
        Tensor F(Scope scope, Tensor n) => scope.Child((Scope outer, Tensor m) => Keys(outer, m, 3, s =>
        {
            var child = s.Push("child");
            child.MakeRngTensor("loop");
            return child.MakeRngTensor("loop");
        }), "outer")(n);
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.Scalar(3), new Rngs(("loop", key))).ToArray<uint>();
        CollectionAssert.AreEqual(Words([.. Enumerable.Range(0, 3).Select(i => key.FoldIn((uint)i).FoldInStatic("outer", "child", 2))]), y);
    }

    /// <summary>Nested split loops fold both counters, outer first: the inner body's key in iteration <c>(i, j)</c> is
    /// <c>fold_in(fold_in(fold_in(key, i), j), hash(1))</c> (the inner loop reads the outer counter as a captured
    /// tensor).</summary>
    [TestMethod]
    public void NestedSplitLoopsFoldBothCounters()
    {
        var key = PrngKey.Create(11);
        Tensor F(Scope scope, Tensor n)
        {
            var outer = Flax.Lift.WhileLoop((s, c) => c[0] < n, (s, c) =>
            {
                var inner = Flax.Lift.WhileLoop((t, d) => d[0] < 3, (t, d) => [d[0] + 1, d[1].AtSet(d[0], t.MakeRngTensor("loop"))],
                    s, [(Tensor)NDArray.Scalar(0), (Tensor)NDArray.Zeros(DType.UInt32, 3, 2)], splitRngs: SplitLoop);
                return [c[0] + 1, c[1].AtSet(c[0], inner[1])];
            }, scope, [(Tensor)NDArray.Scalar(0), (Tensor)NDArray.Zeros(DType.UInt32, 2, 3, 2)], splitRngs: SplitLoop);
            return outer[1];
        }
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.Scalar(2), new Rngs(("loop", key))).ToArray<uint>();
        var expected = Words([.. Enumerable.Range(0, 2).SelectMany(i => Enumerable.Range(0, 3).Select(j => key.FoldIn((uint)i).FoldIn((uint)j).FoldInStatic(1)))]);
        CollectionAssert.AreEqual(expected, y);
    }

    /// <summary>The condition sees <c>fold_in(key, -i)</c> (-i as int32 wraps to uint32): a loop that stops when the
    /// condition's key equals the host's key for <c>i = 3</c> runs exactly 3 iterations. The condition is traced first,
    /// so its key is the sequence's first; a bound of 10 iterations keeps a wrong key from looping forever.</summary>
    [TestMethod]
    public void CondKeyIsFoldInOfMinusTheCounter()
    {
        var key = PrngKey.Create(2);
        var target = key.FoldIn(unchecked((uint)-3)).FoldInStatic(1);
        Tensor F(Scope scope, Tensor x)
        {
            var carry = Flax.Lift.WhileLoop((s, c) =>
            {
                var k = s.MakeRngTensor("loop");
                return (Tensor.NotEqual(k.SliceInDim(0, 1).Reshape(), (Tensor)NDArray.Scalar(target.Hi))
                    | Tensor.NotEqual(k.SliceInDim(1, 2).Reshape(), (Tensor)NDArray.Scalar(target.Lo))) & (c[0] < 10f);
            }, (s, c) => [c[0] + 1f], scope, [x], splitRngs: SplitLoop);
            return carry[0];
        }
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.Scalar(0f), new Rngs(("loop", key)));
        Assert.AreEqual(3f, y.Item<float>());
    }

    /// <summary>Outside loops <see cref="Scope.MakeRngTensor"/> is <see cref="Scope.MakeRng"/>'s key as a constant
    /// (same counters, same path folding); inside a loop, a sequence named unsplit (false) gives the same key every
    /// iteration, also <see cref="Scope.MakeRng"/>'s.</summary>
    [TestMethod]
    public void MakeRngTensorEqualsMakeRng()
    {
        var rngs = new Rngs(("params", PrngKey.Create(3)), ("loop", PrngKey.Create(4)));
        var host = new List<PrngKey>();
        Tensor Host(Scope scope, Tensor x)
        {
            host.Add(scope.MakeRng("loop"));
            host.Add(scope.Push("a").MakeRng("loop"));
            host.Add(scope.Push("b").MakeRng("params"));
            return x;
        }
        Tensor Traced(Scope scope, Tensor x)
        {
            var first = scope.MakeRngTensor("loop");
            var child = scope.Push("a").MakeRngTensor("loop");
            var carry = Flax.Lift.WhileLoop((s, c) => c[0] < 2, (s, c) => [c[0] + 1, c[1].AtSet(c[0], s.Push("b").MakeRngTensor("params"))],
                scope, [(Tensor)NDArray.Scalar(0), (Tensor)NDArray.Zeros(DType.UInt32, 2, 2)], splitRngs: new Dictionary<Filter, bool> { ["params"] = false });
            return Tensor.Concat([first.Reshape(1, 2), child.Reshape(1, 2), carry[1]]);
        }
        Core.Apply(Host)(VariableDict.Empty, NDArray.Scalar(0f), rngs);
        var y = Core.Apply(Traced)(VariableDict.Empty, NDArray.Scalar(0f), rngs).ToArray<uint>();
        CollectionAssert.AreEqual(Words(host[0], host[1], host[2], host[2]), y);
    }

    /// <summary><c>x.at[i].set(v)</c>: one row replaced at a traced index, the others kept; an index outside the rows
    /// updates nothing (as JAX's default out-of-bounds mode drops the update); the value broadcasts to the row.</summary>
    [TestMethod]
    public void AtSetReplacesOneRow()
    {
        static Tensor F(Scope scope, Tensor i) =>
            ((Tensor)NDArray.From([1f, 2f, 3f, 4f, 5f, 6f], 3, 2)).AtSet(i, (Tensor)NDArray.From([9f, 8f], 2))
            + ((Tensor)NDArray.Zeros(DType.Float32, 3, 2)).AtSet(i, (Tensor)NDArray.Scalar(1f));
        float[] x = [1f, 2f, 3f, 4f, 5f, 6f];
        for (int i = -1; i <= 3; i++)
        {
            var expected = (float[])x.Clone();
            if (i is >= 0 and < 3) (expected[2 * i], expected[2 * i + 1]) = (10f, 9f);
            CollectionAssert.AreEqual(expected, Core.Apply(F)(VariableDict.Empty, NDArray.Scalar(i)).ToArray<float>(), $"i = {i}");
        }
    }

    /// <summary>The gradient of <c>sum(w * x.at[i].set(v))</c>: <c>w</c> outside row <c>i</c> for <c>x</c>, row
    /// <c>i</c> of <c>w</c> for <c>v</c>, against float64 finite differences of the same sum.</summary>
    [TestMethod]
    public void AtSetIsDifferentiable()
    {
        float[] w = [0.5f, -1f, 2f, 3f, -0.25f, 1.5f];
        float[] x0 = [1f, 2f, 3f, 4f, 5f, 6f];
        float[] v0 = [7f, -8f];
        static double Sum(double[] w, double[] x, double[] v, int i)
        {
            double total = 0;
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 2; c++) total += w[2 * r + c] * (r == i ? v[c] : x[2 * r + c]);
            return total;
        }
        Tensor F(Scope scope, Tensor i)
        {
            var (_, grads) = Core.ValueAndGrad(t =>
                (((Tensor)NDArray.From(w, 3, 2)) * ((Tensor)t.GetVariable("params", "x")!).AtSet(i, (Tensor)t.GetVariable("params", "v")!)).Sum(), scope);
            var flat = grads.Flatten();
            Assert.AreEqual("params/v, params/x", string.Join(", ", flat.Keys.Order()));
            return Tensor.Concat([((Tensor)flat["params/x"]).Reshape(6), (Tensor)flat["params/v"]]);
        }
        var variables = VariableDict.Unflatten(new Dictionary<string, object> { ["params/x"] = NDArray.From(x0, 3, 2), ["params/v"] = NDArray.From(v0, 2) });
        var g = Core.Apply(F)(variables, NDArray.Scalar(1)).ToArray<float>();
        var (gx, gv) = (g[..6], g[6..]);
        double[] wd = [.. w.Select(a => (double)a)], xd = [.. x0.Select(a => (double)a)], vd = [.. v0.Select(a => (double)a)];
        const double h = 1e-3;
        for (int k = 0; k < 6; k++)
        {
            var (plus, minus) = ((double[])xd.Clone(), (double[])xd.Clone());
            (plus[k], minus[k]) = (xd[k] + h, xd[k] - h);
            Assert.AreEqual((Sum(wd, plus, vd, 1) - Sum(wd, minus, vd, 1)) / (2 * h), gx[k], 1e-4, $"d/dx[{k}]");
        }
        for (int k = 0; k < 2; k++)
        {
            var (plus, minus) = ((double[])vd.Clone(), (double[])vd.Clone());
            (plus[k], minus[k]) = (vd[k] + h, vd[k] - h);
            Assert.AreEqual((Sum(wd, xd, plus, 1) - Sum(wd, xd, minus, 1)) / (2 * h), gv[k], 1e-4, $"d/dv[{k}]");
        }
    }

    /// <summary>The traced program of a split loop with a dynamic trip count: lowered to ONNX it passes
    /// <c>onnx.checker</c>, and ONNX Runtime and the test evaluator give the host keys for two trip counts.</summary>
    [TestMethod]
    public void ExportedSplitLoopPassesTheCheckerAndGivesTheHostKeys()
    {
        var key = PrngKey.Create(2);
        var traced = ScopeTracer.Trace(ScopeFunction.Of((Scope s, Tensor n) => Keys(s, n, 4)), [new TensorSpec(DType.Int32)],
            VariableDict.Empty, new Rngs(("loop", key)), null, null);
        var model = Lowerer.Lower(traced.Program, [.. traced.InputNames]);
        var path = Path.Combine(Path.GetTempPath(), $"while-split-{Guid.NewGuid():N}.onnx");
        try
        {
            model.Save(path);
            OnnxChecker.AssertValid(path);
        }
        finally { File.Delete(path); }
        using var session = new OnnxSession(model.ToBytes(), [.. model.InputNames], model.OutputNames, Device.Cpu);
        foreach (int n in new[] { 2, 4 })
        {
            var expected = Words([.. Enumerable.Range(0, 4).Select(i => i < n ? key.FoldIn((uint)i).FoldInStatic(1) : new PrngKey(0, 0))]);
            CollectionAssert.AreEqual(expected, session.Run([NDArray.Scalar(n)])[0].ToArray<uint>(), $"ONNX Runtime, n = {n}");
            var reference = Flax.Ir.Evaluator.Run(traced.Program, [NDArray.Scalar(n)], new Dictionary<string, NDArray>());
            CollectionAssert.AreEqual(expected, reference[0].ToArray<uint>(), $"evaluator, n = {n}");
        }
    }

    /// <summary>vmap over a split loop whose trip count differs per row (the batched-condition case): each row holds
    /// the keys of its own iterations, the same keys in every row (vmap does not split the sequence).</summary>
    [TestMethod]
    public void VmappedSplitLoopWithABatchedCondition()
    {
        var key = PrngKey.Create(5);
        Tensor F(Scope scope, Tensor n) => Flax.Lift.Vmap((s, m) => Keys(s, m, 3), new Dictionary<Filter, int?>(),
            new Dictionary<Filter, bool> { ["loop"] = false })(scope, n);
        int[] trips = [1, 3, 0, 2];
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.From(trips, 4), new Rngs(("loop", key))).ToArray<uint>();
        var expected = trips.SelectMany(n => Words([.. Enumerable.Range(0, 3).Select(i => i < n ? key.FoldIn((uint)i).FoldInStatic(1) : new PrngKey(0, 0))])).ToArray();
        CollectionAssert.AreEqual(expected, y);
    }

    /// <summary>A host key (<c>make_rng</c> as a <see cref="PrngKey"/>) of a split sequence has no value: the error names
    /// the scope and the sequence and points to <see cref="Scope.MakeRngTensor"/>.</summary>
    [TestMethod]
    public void MakeRngOfASplitSequenceThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((s, c) => c < 3f, (s, c) => { s.MakeRng("loop"); return c + 1f; }, scope, x, splitRngs: SplitLoop);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Core.Apply(F)(VariableDict.Empty, NDArray.Scalar(0f), new Rngs(("loop", PrngKey.Create(0)))));
        Assert.AreEqual("Scope \"/while_loop()\" draws a host key from PRNG sequence \"loop\", which while_loop splits with split_rngs: its key in iteration i is fold_in(key, i) computed in the graph, with no host value. Use Scope.MakeRngTensor(\"loop\") for the key as a tensor.", e.Message);
    }

    /// <summary>Dropout in a split loop draws its mask in the graph from the iteration's key
    /// (<c>jax.random.bernoulli</c> from <c>random_bits</c>): row <c>i</c> of the result is dropout of ones with the mask
    /// <see cref="Prng.Bernoulli"/> of <c>fold_in(fold_in(key, i), hash(1))</c> on the host, for rates whose float32
    /// threshold is exact and not (0.5, 0.1, 0.9).</summary>
    [TestMethod]
    public void DropoutInASplitLoopDrawsTheMaskInTheGraph()
    {
        var key = PrngKey.Create(9);
        foreach (double rate in new[] { 0.5, 0.1, 0.9 })
        {
            Tensor F(Scope scope, Tensor n)
            {
                var carry = Flax.Lift.WhileLoop((s, c) => c[0] < n, (s, c) =>
                    [c[0] + 1, c[1].AtSet(c[0], Flax.Nn.Dropout(s, (Tensor)NDArray.Ones(DType.Float32, 64), rate))],
                    scope, [(Tensor)NDArray.Scalar(0), (Tensor)NDArray.Zeros(DType.Float32, 4, 64)],
                    splitRngs: new Dictionary<Filter, bool> { ["dropout"] = true });
                return carry[1];
            }
            var y = Core.Apply(F)(VariableDict.Empty, NDArray.Scalar(4), new Rngs(("dropout", key))).ToArray<float>();
            float kept = 1f / (float)(1.0 - rate);
            var expected = Enumerable.Range(0, 4).SelectMany(i =>
                Prng.Bernoulli(key.FoldIn((uint)i).FoldInStatic(1), 1.0 - rate, [64]).ToArray<bool>().Select(m => m ? kept : 0f)).ToArray();
            CollectionAssert.AreEqual(expected, y, $"rate {rate}");
        }
    }

    /// <summary>The graph's bernoulli against the host's on several keys and thresholds, including a tiny one, one near
    /// 1 and one exactly <c>3 * 2^-23</c> (where <c>ceil</c> must not round up).</summary>
    [TestMethod]
    public void GraphBernoulliMatchesTheHost()
    {
        double[] ps = [0.5, 0.1, 0.9, 0.999, 1e-6, 3.0 / 8388608, 0.3];
        for (int k = 0; k < 6; k++)
        {
            var key = new PrngKey((uint)(k * 2654435761u), (uint)(k * 40503u + 7));
            foreach (var p in ps)
            {
                var y = Core.Apply((Scope s, Tensor x) => ((Tensor)NDArray.From([key.Hi, key.Lo], 2)).Bernoulli(p, [3, 50]))(VariableDict.Empty, NDArray.Scalar(0f));
                CollectionAssert.AreEqual(Prng.Bernoulli(key, p, [3, 50]).ToArray<bool>(), y.ToArray<bool>(), $"key {key}, p {p}");
            }
        }
    }

    /// <summary>A mask drawn in the graph needs a static shape: under a dynamic batch (a lazy init over
    /// <c>(None, 4)</c>) the error names the layer, the sequence and the shape.</summary>
    [TestMethod]
    public void DropoutInASplitLoopOverTheDynamicBatchThrows()
    {
        static Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((Scope s, Tensor c) => c.Sum() < 3f, (Scope s, Tensor c) => Flax.Nn.Dropout(s, c, 0.5) + 1f,
            scope, x, splitRngs: new Dictionary<Filter, bool> { ["dropout"] = true });
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.LazyInit(F)(new Rngs(("params", PrngKey.Create(0)), ("dropout", PrngKey.Create(1))), new TensorSpec(DType.Float32, -1, 4)));
        Assert.AreEqual("Dropout draws its mask from PRNG sequence \"dropout\", which while_loop splits, in the graph and needs a static shape, got (None, 4); pass rngs to Apply so that the call is traced at its exact batch size.", e.Message);
    }

    /// <summary>A scan in the body that splits the same sequence again would split on the host a key the loop derives
    /// in the graph: refused, naming the sequence.</summary>
    [TestMethod]
    public void ScanSplittingASplitSequenceThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((Scope s, Tensor c) => c.Sum() < 3f, (Scope s, Tensor c) =>
            Flax.Lift.Scan((t, carry, xs) => (carry, xs + 1f), splitRngs: SplitLoop)(s, [], c).Ys, scope, x, splitRngs: SplitLoop);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Core.Apply(F)(VariableDict.Empty, NDArray.Zeros(DType.Float32, 2), new Rngs(("loop", PrngKey.Create(0)))));
        Assert.AreEqual("scan splits PRNG sequence \"loop\", which an enclosing while_loop also splits: its key is fold_in(key, i) computed in the graph, and scan splits keys on the host. Leave the sequence unsplit in one of the two.", e.Message);
    }

    /// <summary>The same for a vmap in the body that splits the sequence.</summary>
    [TestMethod]
    public void VmapSplittingASplitSequenceThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((Scope s, Tensor c) => c.Sum() < 3f, (Scope s, Tensor c) =>
            Flax.Lift.Vmap((t, row) => row + 1f, new Dictionary<Filter, int?>(), SplitLoop)(s, c), scope, x, splitRngs: SplitLoop);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Core.Apply(F)(VariableDict.Empty, NDArray.Zeros(DType.Float32, 2), new Rngs(("loop", PrngKey.Create(0)))));
        Assert.AreEqual("vmap splits PRNG sequence \"loop\", which an enclosing while_loop also splits: its key is fold_in(key, i) computed in the graph, and vmap splits keys on the host. Leave the sequence unsplit in one of the two.", e.Message);
    }

    /// <summary>AtSet's misuse: a scalar to update, a float or non-scalar index, a value that does not fit the row.</summary>
    [TestMethod]
    public void AtSetMisuseThrows()
    {
        void Throws(Func<Tensor> f, string message)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply((Scope s, Tensor x) => f())(VariableDict.Empty, NDArray.Scalar(0f)));
            Assert.AreEqual(message, e.Message);
        }
        Tensor Rows() => NDArray.Zeros(DType.Float32, 3, 2);
        Throws(() => ((Tensor)NDArray.Scalar(1f)).AtSet(NDArray.Scalar(0), NDArray.Scalar(2f)), "AtSet updates a row of the first axis, but the tensor is a scalar. (Parameter 'index')");
        Throws(() => Rows().AtSet(NDArray.Scalar(0f), NDArray.Scalar(2f)), "AtSet needs an integer scalar index, got float32(). (Parameter 'index')");
        Throws(() => Rows().AtSet(NDArray.From([0, 1], 2), NDArray.Scalar(2f)), "AtSet needs an integer scalar index, got int32(2,). (Parameter 'index')");
        Throws(() => Rows().AtSet(NDArray.Scalar(0), NDArray.Zeros(DType.Float32, 3)), "AtSet's value of shape (3,) does not broadcast to the row shape (2,). (Parameter 'value')");
    }

    /// <summary>MakeRngTensor outside a trace has no graph to hold the key.</summary>
    [TestMethod]
    public void MakeRngTensorOutsideATraceThrows()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Core.Init(scope => scope.MakeRngTensor().Shape.Length)(PrngKey.Create(0)));
        Assert.AreEqual("Scope.MakeRngTensor gives a key tensor only while a function is being traced (inside Core.Init, Core.Apply or Core.Export); use MakeRng for a host key.", e.Message);
    }
}
