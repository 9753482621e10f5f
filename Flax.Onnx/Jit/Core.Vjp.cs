namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Flax's <c>lift.vjp(fn, scope, *primals, vjp_variables)</c> inside a traced model: runs <paramref name="fn"/> on
    /// <paramref name="scope"/> and returns its output with a function that maps a cotangent of the output to the
    /// gradients of the variables <paramref name="vjpVariables"/> selects (default <c>"params"</c>) and of the primals.
    /// </summary>
    /// <remarks>
    /// The function runs in the current trace on <paramref name="scope"/> itself, so writes to mutable collections
    /// (<c>batch_stats</c>) flow out as usual, and tensors it captures from outside are constants of the
    /// differentiation (as with <c>jax.vjp</c>). The backward equations are appended to the trace when the returned
    /// function is called, so the forward and backward passes lower into one ONNX graph. Variables created inside
    /// <paramref name="fn"/> (during <c>Init</c>) get no gradient, as in Flax.
    /// </remarks>
    /// <param name="fn">The function to differentiate; its result must be floating-point.</param>
    /// <param name="scope">The scope it runs on.</param>
    /// <param name="primals">The inputs whose gradients the backward function returns, passed to <paramref name="fn"/>.</param>
    /// <param name="vjpVariables">The collections whose variables are differentiated; default <c>"params"</c>.</param>
    /// <returns>The output, and the backward function: given a cotangent of the output's type it returns the variable
    /// gradients (the selected collections' tensors, nested as in <see cref="Scope.Variables"/>) and one gradient per
    /// primal.</returns>
    /// <exception cref="InvalidOperationException">No function is being traced on this thread.</exception>
    /// <exception cref="ArgumentException">The output, a selected variable or a primal is not floating-point, or the
    /// cotangent's type differs from the output's.</exception>
    /// <exception cref="UnexpectedTensorException">A primal, the output or the cotangent belongs to another trace.</exception>
    public static (Tensor Output, Func<Tensor, (VariableDict VariableGrads, Tensor[] InputGrads)> Backward) Vjp(
        Func<Scope, Tensor[], Tensor> fn, Scope scope, Tensor[] primals, Filter? vjpVariables = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(primals);
        var trace = TraceContext.Current is { IsActive: true } current ? current
            : throw new InvalidOperationException("Core.Vjp and Core.ValueAndGrad differentiate traced functions: call them inside a function given to Core.Init, Core.Apply or Core.Export.");
        foreach (var x in primals) trace.Own(x);
        var variables = Differentiable(scope, vjpVariables ?? "params");
        int start = trace.Eqns.Count;
        var output = fn(scope, primals);
        ArgumentNullException.ThrowIfNull(output, nameof(fn));
        trace.Own(output);
        RequireFloat(output, "outputs (output dtype that is a sub-dtype of np.floating)", "the output");
        var forward = trace.Eqns.Skip(start).ToList();

        (VariableDict, Tensor[]) Backward(Tensor cotangent)
        {
            ArgumentNullException.ThrowIfNull(cotangent);
            trace.Own(cotangent);
            if (!cotangent.Type.Equals(output.Type))
                throw new ArgumentException($"The cotangent must have the output's type {output.Type}, got {cotangent.Type}.", nameof(cotangent));
            var targets = variables.Select(v => v.Tensor.Variable).Concat(primals.Select(p => p.Variable)).ToList();
            var builder = new GradBuilder();
            var cts = Autodiff.Backward(forward, [(output.Variable, cotangent.Variable)], targets, builder);
            builder.ScopePath = "";
            var grads = targets.Select(v => cts.TryGetValue(v, out var g) ? g : Autodiff.Zeros(builder, v.Type)).ToList();
            var resolve = TraceInliner.Inline(trace, builder);
            var variableGrads = VariableDict.Unflatten(variables.Select((v, i) => KeyValuePair.Create(v.Path, (object)resolve(grads[i]))));
            return (variableGrads, [.. grads.Skip(variables.Count).Select(resolve)]);
        }
        return (output, Backward);
    }

    /// <summary>
    /// <c>jax.value_and_grad</c> of a scope function inside a traced model (the training step's core): runs
    /// <paramref name="fn"/> on <paramref name="scope"/> and returns its scalar result with the gradients of the
    /// variables <paramref name="variables"/> selects (default <c>"params"</c>). See <see cref="Vjp"/> for how it
    /// traces; mutated collections such as <c>batch_stats</c> flow out through the scope.
    /// </summary>
    /// <param name="fn">The loss.</param>
    /// <param name="scope">The scope it runs on.</param>
    /// <param name="variables">The collections whose variables are differentiated; default <c>"params"</c>.</param>
    /// <returns>The loss and the gradients, nested as in <see cref="Scope.Variables"/>.</returns>
    /// <exception cref="InvalidOperationException">No function is being traced on this thread.</exception>
    /// <exception cref="ArgumentException">The loss is not a floating-point scalar, or a selected variable is not
    /// floating-point.</exception>
    public static (Tensor Value, VariableDict Grads) ValueAndGrad(Func<Scope, Tensor> fn, Scope scope, Filter? variables = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var (value, _, grads) = ValueAndGrad(s => (fn(s), 0), scope, variables);
        return (value, grads);
    }

    /// <summary>
    /// <c>jax.value_and_grad(..., has_aux=True)</c> of a scope function inside a traced model: like
    /// <see cref="ValueAndGrad(Func{Scope, Tensor}, Scope, Filter?)"/> for a function that also returns auxiliary
    /// results (metrics such as accuracy), which are passed through undifferentiated.
    /// </summary>
    /// <typeparam name="TAux">The auxiliary results' type.</typeparam>
    /// <param name="fn">The loss and the auxiliary results.</param>
    /// <param name="scope">The scope it runs on.</param>
    /// <param name="variables">The collections whose variables are differentiated; default <c>"params"</c>.</param>
    /// <returns>The loss, the auxiliary results and the gradients.</returns>
    /// <exception cref="InvalidOperationException">No function is being traced on this thread.</exception>
    /// <exception cref="ArgumentException">The loss is not a floating-point scalar, or a selected variable is not
    /// floating-point.</exception>
    public static (Tensor Value, TAux Aux, VariableDict Grads) ValueAndGrad<TAux>(Func<Scope, (Tensor Value, TAux Aux)> fn,
        Scope scope, Filter? variables = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        TAux aux = default!;
        var (value, backward) = Vjp((s, _) =>
        {
            (var v, aux) = fn(s);
            ArgumentNullException.ThrowIfNull(v, nameof(fn));
            if (v.Rank != 0)
                throw new ArgumentException($"Gradient only defined for scalar-output functions. Output had shape: {Shapes.Format(v.Shape)}.", nameof(fn));
            return v;
        }, scope, [], variables);
        var (grads, _) = backward(NDArray.Ones(value.DType));
        return (value, aux, grads);
    }

    /// <summary>The tensor variables of the collections <paramref name="filter"/> selects, by flattened path.</summary>
    private static List<(string Path, Tensor Tensor)> Differentiable(Scope scope, Filter filter)
    {
        var selected = new List<(string, Tensor)>();
        foreach (var (path, value) in scope.Variables().Flatten())
        {
            if (!filter.Contains(path[..path.IndexOf('/')]) || value is not Tensor tensor) continue;
            RequireFloat(tensor, "inputs (input dtype that is a sub-dtype of np.inexact)", $"'{path}'");
            selected.Add((path, tensor));
        }
        return selected;
    }

    private static void RequireFloat(Tensor x, string what, string name)
    {
        if (!x.DType.IsFloat())
            throw new ArgumentException($"grad requires real-valued {what}, but got {x.DType.Name()} for {name}.");
    }
}
