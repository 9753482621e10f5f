using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A user's scope function over tensors in one shape for every arity and number of outputs: the original delegate (its
/// identity keys the trace cache), a body from an input array to an output array, and the inputs' names (the C#
/// parameter names, which become the ONNX graph input names).
/// </summary>
internal sealed record ScopeFunction(Delegate Original, Func<Scope, Tensor[], Tensor[]> Body, ImmutableArray<string> InputNames)
{
    /// <summary>Wraps a function of one input.</summary>
    internal static ScopeFunction Of(Func<Scope, Tensor, Tensor> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return new(fn, (scope, xs) => [fn(scope, xs[0])], Names(fn, 1));
    }

    /// <summary>Wraps a function of two inputs.</summary>
    internal static ScopeFunction Of(Func<Scope, Tensor, Tensor, Tensor> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return new(fn, (scope, xs) => [fn(scope, xs[0], xs[1])], Names(fn, 2));
    }

    /// <summary>Wraps a function of one input and several outputs (<c>Core.InitOutputs</c>, <c>Core.ApplyOutputs</c>).</summary>
    internal static ScopeFunction OfOutputs(Func<Scope, Tensor, Tensor[]> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return new(fn, (scope, xs) => fn(scope, xs[0]), Names(fn, 1));
    }

    /// <summary>Wraps a function of two inputs and several outputs.</summary>
    internal static ScopeFunction OfOutputs(Func<Scope, Tensor, Tensor, Tensor[]> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return new(fn, (scope, xs) => fn(scope, xs[0], xs[1]), Names(fn, 2));
    }

    /// <summary>The number of tensor inputs.</summary>
    internal int Arity => InputNames.Length;

    /// <summary>The parameter names after the scope (<c>x</c> in <c>Mlp(Scope scope, Tensor x)</c>); <c>input_i</c> where a
    /// name is missing or repeated.</summary>
    private static ImmutableArray<string> Names(Delegate fn, int arity)
    {
        var parameters = fn.Method.GetParameters();
        var names = parameters.Skip(parameters.Length - arity).Select((p, i) => string.IsNullOrEmpty(p.Name) ? $"input_{i}" : p.Name).ToArray();
        return names.Distinct().Count() == arity ? [.. names] : [.. Enumerable.Range(0, arity).Select(i => $"input_{i}")];
    }
}
