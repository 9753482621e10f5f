namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.jvp</c>: the output of <paramref name="fn"/> and its directional derivative along
    /// <paramref name="tangents"/> (one per primal) and <paramref name="variableTangents"/> (trees of tangents for the
    /// scope's variables, e.g. <c>{"params": {"w": ones}}</c>; collections not given are held constant).
    /// </summary>
    /// <remarks>
    /// Forward mode by transposing reverse mode: with <c>g(u) = Jᵀu</c> from <see cref="Core.Vjp"/>, the JVP
    /// <c>J t</c> is the gradient of <c>⟨g(u), t⟩</c> with respect to <c>u</c>, taken by a second <see cref="Core.Vjp"/>.
    /// So <paramref name="fn"/> runs three times in the trace (output, and twice inside the nested VJPs), on fresh
    /// lifted scopes over the variables the first run left (variables it creates during <c>Init</c> exist for the later
    /// runs); the graph holds the forward pass and the two backward passes, which ONNX Runtime prunes to what the
    /// tangent needs.
    /// </remarks>
    /// <param name="fn">The function; its output must be floating-point.</param>
    /// <param name="scope">The scope it runs on.</param>
    /// <param name="primals">Its inputs.</param>
    /// <param name="tangents">The tangent of each input, of its type.</param>
    /// <param name="variableTangents">Tangents of variables, nested as in <see cref="Scope.Variables"/>.</param>
    /// <returns>The output and its tangent.</returns>
    /// <exception cref="ArgumentException">The tangents do not match the primals, or a variable tangent names no variable
    /// or has another type.</exception>
    public static (Tensor Output, Tensor Tangent) Jvp(Func<Scope, Tensor[], Tensor> fn, Scope scope, Tensor[] primals, Tensor[] tangents,
        VariableDict variableTangents)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(primals);
        ArgumentNullException.ThrowIfNull(tangents);
        ArgumentNullException.ThrowIfNull(variableTangents);
        if (tangents.Length != primals.Length)
            throw new ArgumentException($"jvp needs one tangent per primal: {primals.Length} primal(s), {tangents.Length} tangent(s).", nameof(tangents));
        for (int i = 0; i < primals.Length; i++)
            if (!tangents[i].Type.Equals(primals[i].Type))
                throw new ArgumentException($"primal and tangent arguments to jvp must have the same type: primal {i} is {primals[i].Type}, tangent {tangents[i].Type}.", nameof(tangents));
        var variableTangentLeaves = variableTangents.Flatten();
        Filter tangentCollections = Filter.Of([.. variableTangents.Keys]);
        return Pack(scope, [Filter.All], [Filter.All], [Filter.All], (scopeFn, repack, groups, rngGroups) =>
        {
            var first = scopeFn(groups, rngGroups, Filter.All);
            var y = fn(first, primals);
            var outGroups = repack(first);
            var after = new OrderedDictionary<string, object>();
            foreach (var (collection, tree) in groups[0]) after[collection] = tree;
            foreach (var (collection, tree) in outGroups[0]) after[collection] = tree;
            VariableDict[] later = [new VariableDict(after)];

            var (_, backward) = Core.Vjp((s, us) =>
            {
                var inner = scopeFn(later, rngGroups, Filter.All);
                var (_, transposed) = Core.Vjp(fn, inner, primals, tangentCollections);
                var (variableGrads, inputGrads) = transposed(us[0]);
                var dot = (y * 0f).Sum();
                for (int i = 0; i < primals.Length; i++) dot += (inputGrads[i] * tangents[i]).Sum();
                var grads = variableGrads.Flatten();
                foreach (var (path, tangent) in variableTangentLeaves)
                {
                    if (!grads.TryGetValue(path, out var grad))
                        throw new ArgumentException($"The variable tangent \"{path}\" has no variable.", nameof(variableTangents));
                    var t = (Tensor)tangent;
                    if (!t.Type.Equals(((Tensor)grad).Type))
                        throw new ArgumentException($"The variable tangent \"{path}\" is {t.Type}, its variable {((Tensor)grad).Type}.", nameof(variableTangents));
                    dot += (((Tensor)grad) * t).Sum();
                }
                return dot;
            }, scopeFn(later, rngGroups, Filter.Nothing), [y * 0f], Filter.Nothing);
            var (_, tangent) = backward(NDArray.Full(y.DType, 1.0));
            return ((y, tangent[0]), outGroups);
        }, "jvp");
    }
}
