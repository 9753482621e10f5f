namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Flax linen's <c>LSTMCell</c> as a scope function: with carry <c>(c, h)</c> and input <c>x</c>,
    /// <c>i = σ(x W_ii + h W_hi + b_hi)</c>, <c>f = σ(x W_if + h W_hf + b_hf)</c>, <c>g = tanh(x W_ig + h W_hg + b_hg)</c>,
    /// <c>o = σ(x W_io + h W_ho + b_ho)</c>, <c>c' = f c + i g</c>, <c>h' = o tanh(c')</c>. Parameters as in linen:
    /// children <c>ii, hi, if, hf, ig, hg, io, ho</c> (created in that order); the input ones hold a
    /// <c>kernel (in, features)</c> (LeCun normal), the hidden ones a <c>kernel (features, features)</c> (orthogonal)
    /// and a <c>bias (features,)</c> (zeros). Linen's <c>OptimizedLSTMCell</c> has the same parameters
    /// (<see cref="OptimizedLstmCell"/>).
    /// </summary>
    /// <param name="scope">The cell's scope.</param>
    /// <param name="carry">The carry <c>(c, h)</c>, each <c>(..., features)</c> (<see cref="LstmCarry"/>).</param>
    /// <param name="inputs">The input <c>(..., in)</c>.</param>
    /// <returns>The new carry <c>(c', h')</c> and the output <c>h'</c>.</returns>
    /// <exception cref="ArgumentException">The carry is not two tensors.</exception>
    public static (Tensor[] Carry, Tensor Y) LstmCell(Scope scope, Tensor[] carry, Tensor inputs)
    {
        var (c, h) = LstmState(scope, carry, inputs);
        Tensor Gate(string name) => Dense(scope.Push("i" + name), inputs, h.Shape[^1], bias: false) + Dense(scope.Push("h" + name), h, h.Shape[^1], kernelInit: RecurrentKernelInit);
        var i = Gate("i").Sigmoid();
        var f = Gate("f").Sigmoid();
        var g = Gate("g").Tanh();
        var o = Gate("o").Sigmoid();
        return LstmUpdate(c, i, f, g, o);
    }

    /// <summary>
    /// Flax linen's <c>OptimizedLSTMCell</c>: the <see cref="LstmCell"/> computation with the four gates' kernels
    /// concatenated into one matrix product for the input and one for the hidden state. Same parameters, names, shapes
    /// and initial values as <see cref="LstmCell"/>, so the two are interchangeable on one set of variables.
    /// </summary>
    /// <inheritdoc cref="LstmCell"/>
    public static (Tensor[] Carry, Tensor Y) OptimizedLstmCell(Scope scope, Tensor[] carry, Tensor inputs)
    {
        var (c, h) = LstmState(scope, carry, inputs);
        using var named = Named(scope);
        int features = h.Shape[^1];
        string[] gates = ["i", "f", "g", "o"];
        var inputKernels = new List<Tensor>();
        var hiddenKernels = new List<Tensor>();
        var biases = new List<Tensor>();
        foreach (var gate in gates)
        {
            inputKernels.Add(scope.Push("i" + gate).Param<Tensor>("kernel", DefaultKernelInit, [inputs.Shape[^1], features]));
            var hidden = scope.Push("h" + gate);
            hiddenKernels.Add(hidden.Param<Tensor>("kernel", RecurrentKernelInit, [features, features]));
            biases.Add(hidden.Param<Tensor>("bias", Initializers.Zeros, [features]));
        }
        var y = Tensor.DotGeneral(inputs, Tensor.Concat(inputKernels, 1), ([inputs.Rank - 1], [0]))
            + Tensor.DotGeneral(h, Tensor.Concat(hiddenKernels, 1), ([h.Rank - 1], [0])) + Tensor.Concat(biases, 0);
        var parts = y.Split(4, -1);
        return LstmUpdate(c, parts[0].Sigmoid(), parts[1].Sigmoid(), parts[2].Tanh(), parts[3].Sigmoid());
    }

    /// <summary>
    /// Flax linen's <c>GRUCell</c> as a scope function: with carry <c>(h)</c>, <c>r = σ(x W_ir + b_ir + h W_hr)</c>,
    /// <c>z = σ(x W_iz + b_iz + h W_hz)</c>, <c>n = tanh(x W_in + b_in + r (h W_hn + b_hn))</c>,
    /// <c>h' = (1 - z) n + z h</c>. Children <c>ir, hr, iz, hz, in, hn</c>: the input ones with <c>kernel</c> (LeCun
    /// normal) and <c>bias</c> (zeros), the hidden ones with an orthogonal <c>kernel</c> and, for <c>hn</c> only, a bias.
    /// </summary>
    /// <param name="scope">The cell's scope.</param>
    /// <param name="carry">The carry <c>(h)</c>, <c>(..., features)</c>.</param>
    /// <param name="inputs">The input <c>(..., in)</c>.</param>
    /// <returns>The new carry <c>(h')</c> and the output <c>h'</c>.</returns>
    /// <exception cref="ArgumentException">The carry is not one tensor.</exception>
    public static (Tensor[] Carry, Tensor Y) GruCell(Scope scope, Tensor[] carry, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(carry);
        ArgumentNullException.ThrowIfNull(inputs);
        if (carry.Length != 1) throw new ArgumentException($"GRUCell's carry is (h,), got {carry.Length} tensor(s).", nameof(carry));
        var h = carry[0];
        int features = h.Shape[^1];
        Tensor Input(string name) => Dense(scope.Push("i" + name), inputs, features);
        Tensor Hidden(string name, bool bias = false) => Dense(scope.Push("h" + name), h, features, bias: bias, kernelInit: RecurrentKernelInit);
        var r = (Input("r") + Hidden("r")).Sigmoid();
        var z = (Input("z") + Hidden("z")).Sigmoid();
        var n = (Input("n") + r * Hidden("n", bias: true)).Tanh();
        var next = (1f - z) * n + z * h;
        return ([next], next);
    }

    /// <summary>Linen's <c>LSTMCell.initialize_carry</c>: zeros <c>(c, h)</c> of shape <c>inputs.shape[:-1] + (features,)</c>.</summary>
    /// <param name="inputs">An input of the cell (its leading axes give the batch shape; -1 is the batch size).</param>
    /// <param name="features">The cell's hidden size.</param>
    public static Tensor[] LstmCarry(Tensor inputs, int features) => [ZerosCarry(inputs, features), ZerosCarry(inputs, features)];

    /// <summary>Linen's <c>GRUCell.initialize_carry</c>: zeros <c>(h)</c> of shape <c>inputs.shape[:-1] + (features,)</c>.</summary>
    /// <inheritdoc cref="LstmCarry"/>
    public static Tensor[] GruCarry(Tensor inputs, int features) => [ZerosCarry(inputs, features)];

    /// <summary>
    /// Flax linen's <c>nn.RNN</c> as a scope function: runs <paramref name="cell"/> over the time axis of
    /// <paramref name="inputs"/> <c>(batch..., time, features)</c> with <see cref="Lift.Scan"/>, the cell's parameters
    /// shared by every step (<c>variable_broadcast='params'</c>) in child <c>cell</c>.
    /// </summary>
    /// <param name="scope">The RNN's scope.</param>
    /// <param name="cell">The cell, e.g. <see cref="LstmCell"/>.</param>
    /// <param name="inputs">The sequence, time on axis -2.</param>
    /// <param name="initialCarry">The first carry, e.g. <see cref="LstmCarry"/>.</param>
    /// <param name="reverse">Run from the last step to the first.</param>
    /// <param name="keepOrder">With <paramref name="reverse"/>, return the outputs in input order (else in the order
    /// they were computed, as linen does).</param>
    /// <returns>The last carry and the outputs <c>(batch..., time, out)</c>.</returns>
    public static (Tensor[] Carry, Tensor Outputs) Rnn(Scope scope, Func<Scope, Tensor[], Tensor, (Tensor[] Carry, Tensor Y)> cell,
        Tensor inputs, Tensor[] initialCarry, bool reverse = false, bool keepOrder = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(inputs);
        RequireRank(inputs, 2, nameof(Rnn));
        int timeAxis = inputs.Rank - 2;
        var scan = Lift.Scan((s, c, x) => cell(s.Push("cell"), c, x), variableBroadcast: "params",
            splitRngs: new Dictionary<Filter, bool> { ["params"] = false }, inAxes: timeAxis, outAxes: timeAxis, reverse: reverse);
        var (carry, ys) = scan(scope, initialCarry, inputs);
        if (reverse && !keepOrder)
        {
            int steps = ys.Shape[timeAxis];
            ys = Tensor.Concat(Enumerable.Range(0, steps).Reverse().Select(t => ys.SliceInDim(t, t + 1, 1, timeAxis)), timeAxis);
        }
        return (carry, ys);
    }

    /// <summary>
    /// Flax linen's <c>nn.Bidirectional</c>: a forward <see cref="Rnn"/> in child <c>forward_rnn</c> and a reversed one
    /// (outputs in input order) in <c>backward_rnn</c>, their outputs concatenated on the last axis.
    /// </summary>
    /// <param name="scope">The layer's scope.</param>
    /// <param name="forwardCell">The forward cell.</param>
    /// <param name="backwardCell">The backward cell.</param>
    /// <param name="inputs">The sequence, time on axis -2.</param>
    /// <param name="forwardCarry">The forward RNN's first carry.</param>
    /// <param name="backwardCarry">The backward RNN's first carry.</param>
    /// <returns>Both last carries and the concatenated outputs.</returns>
    public static (Tensor[] ForwardCarry, Tensor[] BackwardCarry, Tensor Outputs) Bidirectional(Scope scope,
        Func<Scope, Tensor[], Tensor, (Tensor[] Carry, Tensor Y)> forwardCell, Func<Scope, Tensor[], Tensor, (Tensor[] Carry, Tensor Y)> backwardCell,
        Tensor inputs, Tensor[] forwardCarry, Tensor[] backwardCarry)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (fc, fy) = Rnn(scope.Push("forward_rnn"), forwardCell, inputs, forwardCarry);
        var (bc, by) = Rnn(scope.Push("backward_rnn"), backwardCell, inputs, backwardCarry, reverse: true, keepOrder: true);
        return (fc, bc, Tensor.Concat([fy, by], -1));
    }

    /// <summary>Linen's default recurrent kernel initializer, <c>orthogonal()</c>.</summary>
    private static readonly Initializer RecurrentKernelInit = Initializers.Orthogonal();

    private static (Tensor C, Tensor H) LstmState(Scope scope, Tensor[] carry, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(carry);
        ArgumentNullException.ThrowIfNull(inputs);
        if (carry.Length != 2) throw new ArgumentException($"LSTMCell's carry is (c, h), got {carry.Length} tensor(s).", nameof(carry));
        return (carry[0], carry[1]);
    }

    private static (Tensor[] Carry, Tensor Y) LstmUpdate(Tensor c, Tensor i, Tensor f, Tensor g, Tensor o)
    {
        var newC = f * c + i * g;
        var newH = o * newC.Tanh();
        return ([newC, newH], newH);
    }

    private static Tensor ZerosCarry(Tensor inputs, int features)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int[] shape = [.. inputs.Shape[..^1], features];
        var zeros = (Tensor)NDArray.Zeros(inputs.DType, [.. shape.Select(d => d < 0 ? 1 : d)]);
        return shape.Contains(-1) ? zeros.BroadcastTo(shape) : zeros;
    }
}
