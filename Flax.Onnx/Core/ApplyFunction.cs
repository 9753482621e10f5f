namespace Flax;

/// <summary>A model function returned by <c>Core.Apply</c>: runs the model on <paramref name="variables"/>.</summary>
/// <typeparam name="TOut">The result: the model's output, or the output and the mutated collections.</typeparam>
/// <param name="variables">The model's variables, e.g. from <c>Core.Init</c>.</param>
/// <param name="rngs">PRNG keys for the call, e.g. for dropout; a single key means <c>{"params": key}</c>.</param>
/// <returns>The result.</returns>
public delegate TOut ApplyFunction<out TOut>(VariableDict variables, Rngs? rngs = null);

/// <summary>A model function of one input returned by <c>Core.Apply</c>: runs the model on <paramref name="variables"/> and <paramref name="x1"/>.</summary>
/// <typeparam name="T1">The input's type.</typeparam>
/// <typeparam name="TOut">The result: the model's output, or the output and the mutated collections.</typeparam>
/// <param name="variables">The model's variables, e.g. from <c>Core.Init</c>.</param>
/// <param name="x1">The input.</param>
/// <param name="rngs">PRNG keys for the call, e.g. for dropout; a single key means <c>{"params": key}</c>.</param>
/// <returns>The result.</returns>
public delegate TOut ApplyFunction<in T1, out TOut>(VariableDict variables, T1 x1, Rngs? rngs = null);

/// <summary>A model function of two inputs returned by <c>Core.Apply</c>: runs the model on <paramref name="variables"/>, <paramref name="x1"/> and <paramref name="x2"/>.</summary>
/// <typeparam name="T1">The first input's type.</typeparam>
/// <typeparam name="T2">The second input's type.</typeparam>
/// <typeparam name="TOut">The result: the model's output, or the output and the mutated collections.</typeparam>
/// <param name="variables">The model's variables, e.g. from <c>Core.Init</c>.</param>
/// <param name="x1">The first input.</param>
/// <param name="x2">The second input.</param>
/// <param name="rngs">PRNG keys for the call, e.g. for dropout; a single key means <c>{"params": key}</c>.</param>
/// <returns>The result.</returns>
public delegate TOut ApplyFunction<in T1, in T2, out TOut>(VariableDict variables, T1 x1, T2 x2, Rngs? rngs = null);
