namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>core_scan_test.py</c> model <c>mlp_scan</c>: a dense layer <c>lift.scan</c>ned over the rows of the
/// input, counting its steps in a carried <c>counter</c> collection, with one parameter set per step
/// (<c>variable_axes={'params': 0}</c>, kernel <c>(2, 4, 1)</c>) or one shared set (<c>variable_broadcast='params'</c>,
/// kernel <c>(4, 1)</c>).
/// </summary>
public static class ScanMlp
{
    /// <summary>The scanned dense layer on inputs <c>(steps, in)</c>; returns the stacked outputs <c>(steps, 1)</c>.</summary>
    /// <param name="scope">The model's scope.</param>
    /// <param name="xs">The input, one row per step.</param>
    /// <param name="shareParams">One parameter set for every step (else one per step).</param>
    public static Tensor Model(Scope scope, Tensor xs, bool shareParams)
    {
        scope.Variable<Tensor>("counter", "i", () => NDArray.Zeros(DType.Float32));
        static (Tensor[] Carry, Tensor Y) Body(Scope s, Tensor[] c, Tensor x)
        {
            var counter = s.Variable<Tensor>("counter", "i", () => NDArray.Zeros(DType.Float32));
            counter.Value += 1f;
            static Tensor dense(Scope d, Tensor h) => Nn.Dense(d, h, 1);
            return (c, s.Child<Tensor, Tensor>(dense)(x));
        }
        var scan = shareParams
            ? Lift.Scan(Body, variableCarry: "counter", variableBroadcast: "params", splitRngs: new Dictionary<Filter, bool> { ["params"] = false })
            : Lift.Scan(Body, variableCarry: "counter", variableAxes: new Dictionary<Filter, int> { ["params"] = 0 },
                splitRngs: new Dictionary<Filter, bool> { ["params"] = true });
        return scan(scope, [], xs).Ys;
    }
}
