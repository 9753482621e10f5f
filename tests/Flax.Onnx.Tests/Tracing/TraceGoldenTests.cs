namespace Flax.Tests.Tracing;

[TestClass]
public sealed class TraceGoldenTests
{
    [TestMethod]
    public void MlpProgramText()
    {
        Program program;
        using (var trace = new TraceContext())
        {
            var x = trace.AddInput(new TensorSpec(DType.Float32, -1, 3));
            Tensor h;
            using (trace.InScope("/hidden"))
            {
                var kernel = trace.AddParameter("params/hidden/kernel", [3, 4], DType.Float32);
                var bias = trace.AddParameter("params/hidden/bias", [4], DType.Float32);
                h = Tensor.Maximum(Tensor.MatMul(x, kernel) + bias, 0.0);
            }
            using (trace.InScope("/out"))
            {
                var kernel = trace.AddParameter("params/out/kernel", [4, 2], DType.Float32);
                trace.AddOutput("output_0", Tensor.MatMul(h, kernel).Softmax());
            }
            program = trace.Finish();
        }
        const string expected = """
            { lambda params/hidden/kernel:f32[3,4] params/hidden/bias:f32[4] params/out/kernel:f32[4,2] ; a:f32[?,3]. let
                b:f32[?,4] = dot_general[lhs_batch=() lhs_contracting=(1,) rhs_batch=() rhs_contracting=(0,)] a params/hidden/kernel  # /hidden
                c:f32[1,4] = reshape[new_sizes=(1, 4)] params/hidden/bias  # /hidden
                d:f32[?,4] = add b c  # /hidden
                e:f32[?,4] = max d 0.0:f32[1,1]  # /hidden
                f:f32[?,2] = dot_general[lhs_batch=() lhs_contracting=(1,) rhs_batch=() rhs_contracting=(0,)] e params/out/kernel  # /out
                g:f32[?] = reduce_max[axes=(1,)] f  # /out
                h:f32[?,1] = reshape[new_sizes=(None, 1)] g  # /out
                i:f32[?,2] = sub f h  # /out
                j:f32[?,2] = exp i  # /out
                k:f32[?] = reduce_sum[axes=(1,)] j  # /out
                l:f32[?,1] = reshape[new_sizes=(None, 1)] k  # /out
                m:f32[?,2] = div j l  # /out
              in (output_0=m) }
            """;
        Assert.AreEqual(expected, program.ToString());
    }

    [TestMethod]
    public void ConvProgramText()
    {
        Program program;
        using (var trace = new TraceContext())
        {
            var x = trace.AddInput(new TensorSpec(DType.Float32, -1, 8, 8, 3));
            var kernel = trace.AddParameter("params/Conv_0/kernel", [3, 3, 3, 16], DType.Float32);
            var y = Tensor.ConvGeneralDilated(x, kernel, [2, 2], Padding.Same, rhsDilation: [1, 2]);
            trace.AddOutput("output_0", y.ReduceWindowMax([1, 2, 2, 1], [1, 2, 2, 1], Padding.Valid));
            program = trace.Finish();
        }
        const string expected = """
            { lambda params/Conv_0/kernel:f32[3,3,3,16] ; a:f32[?,8,8,3]. let
                b:f32[?,4,4,16] = conv_general_dilated[feature_group_count=1 lhs_dilation=(1, 1) padding=((0, 1), (1, 2)) rhs_dilation=(1, 2) window_strides=(2, 2)] a params/Conv_0/kernel
                c:f32[?,2,2,16] = reduce_window_max[padding=((0, 0), (0, 0), (0, 0), (0, 0)) window_dimensions=(1, 2, 2, 1) window_strides=(1, 2, 2, 1)] b
              in (output_0=c) }
            """;
        Assert.AreEqual(expected, program.ToString());
    }
}
