namespace Flax.Tests.Arrays;

/// <summary>NDArray.ToString against texts printed by numpy 1.24 (<c>str(np.array(...))</c>).</summary>
[TestClass]
public sealed class NDArrayFormatTests
{
    private static float[] Sevenths(int n) => Enumerable.Range(0, n).Select(i => (float)i / 7f).ToArray();

    [TestMethod]
    public void Float32RowAlignsFractions() =>
        Assert.AreEqual("[0.947667   0.9785799  0.33229148]", NDArray.From([0.947667f, 0.9785799f, 0.33229148f]).ToString());

    [TestMethod]
    public void Float32MatrixPrintsIntegralValuesWithPoint() =>
        Assert.AreEqual("[[1. 2.]\n [3. 4.]]", NDArray.From([1f, 2f, 3f, 4f], 2, 2).ToString());

    [TestMethod]
    public void LongRowsWrapAt75Characters() => Assert.AreEqual(
        "[0.         0.14285715 0.2857143  0.42857143 0.5714286  0.71428573\n 0.85714287 1.         1.1428572  1.2857143  1.4285715  1.5714285\n 1.7142857  1.8571428  2.         2.142857   2.2857144  2.4285715\n 2.5714285  2.7142856  2.857143   3.         3.142857   3.2857144\n 3.4285715  3.5714285  3.7142856  3.857143   4.         4.142857  ]",
        NDArray.From(Sevenths(30)).ToString());

    [TestMethod]
    public void WideRangesUseScientificNotation() =>
        Assert.AreEqual("[ 1.0e-05  1.0e+00 -3.5e+07]", NDArray.From([1e-5f, 1f, -3.5e7f]).ToString());

    [TestMethod]
    public void NonFiniteValues() =>
        Assert.AreEqual("[ 1.5  nan -inf]", NDArray.From([1.5f, float.NaN, float.NegativeInfinity]).ToString());

    [TestMethod]
    public void IntegersAlignRight() =>
        Assert.AreEqual("[[ -1 200]\n [  3   4]]", NDArray.From([-1, 200, 3, 4], 2, 2).ToString());

    [TestMethod]
    public void BoolsPadTrue() => Assert.AreEqual("[ True False]", NDArray.From([true, false]).ToString());

    [TestMethod]
    public void UInt64KeepsAllDigits() =>
        Assert.AreEqual("[18446744073709551615                    0]", NDArray.From([ulong.MaxValue, 0UL]).ToString());

    [TestMethod]
    public void Float64UsesEightFractionDigits() =>
        Assert.AreEqual("[0.12345679 1.        ]", NDArray.From([0.123456789123, 1.0]).ToString());

    [TestMethod]
    public void Float16UsesHalfPrecisionDigits() =>
        Assert.AreEqual("[ 0.1  2.5 -1. ]", NDArray.From([(Half)0.1, (Half)2.5, (Half)(-1)]).ToString());

    [TestMethod]
    public void ShortestDigitsMayRoundUpAnExactTie() =>
        Assert.AreEqual("[-1.563e-02  9.219e+00 -5.545e+02]", NDArray.From([(Half)(-0.015625), (Half)9.219, (Half)(-554.5)]).ToString());

    [TestMethod]
    public void ScientificDigitsContinueWithExactDigits() => Assert.AreEqual(
        "[-1.6558234e-03  7.3089943e+01  8.4671074e-01]", NDArray.From([-1.6558234e-03f, 73.089943f, 8.4671074e-01f]).ToString());

    [TestMethod]
    public void NegativeValuesUseShortestDigits() => Assert.AreEqual("[-0.1425649]", NDArray.From([-0.1425649f], 1).ToString());

    [TestMethod]
    public void LargeIntegralHalvesPrintAllDigits()
    {
        Assert.AreEqual("[-23936.     100.5]", NDArray.From([(Half)(-23936), (Half)100.5]).ToString());
        Assert.AreEqual("[-2.394e+04  1.500e+00        inf]", NDArray.From([(Half)(-23936), (Half)1.5, Half.PositiveInfinity]).ToString());
    }

    /// <summary>bfloat16 prints its own shortest digits (0.1 is stored as 0.10009765625), as ml_dtypes arrays do.</summary>
    [TestMethod]
    public void BFloat16UsesItsOwnShortestDigits() =>
        Assert.AreEqual("[ 0.1  2.5 -1. ]", NDArray.From([(BFloat16)0.1f, (BFloat16)2.5f, (BFloat16)(-1f)]).ToString());

    [TestMethod]
    public void BigArraysAreSummarized() => Assert.AreEqual(
        "[[   0    1    2 ...  997  998  999]\n [1000 1001 1002 ... 1997 1998 1999]]",
        NDArray.From(Enumerable.Range(0, 2000).ToArray(), 2, 1000).ToString());

    [TestMethod]
    public void SummaryFormatsOnlyTheShownItems()
    {
        var data = Enumerable.Range(0, 24 * 50).Select(i => i / 4.0).ToArray();
        string text = NDArray.From(data, 4, 6, 50).ToString();
        string[] lines = text.Split('\n');
        Assert.HasCount(27, lines);
        Assert.AreEqual("[[[0.0000e+00 2.5000e-01 5.0000e-01 ... 1.1750e+01 1.2000e+01 1.2250e+01]", lines[0]);
        Assert.AreEqual("", lines[6]);
        Assert.AreEqual(" [[7.5000e+01 7.5250e+01 7.5500e+01 ... 8.6750e+01 8.7000e+01 8.7250e+01]", lines[7]);
        Assert.AreEqual("  [2.8750e+02 2.8775e+02 2.8800e+02 ... 2.9925e+02 2.9950e+02 2.9975e+02]]]", lines[26]);
    }

    [TestMethod]
    public void ScalarsPrintLikeNumpyScalars()
    {
        Assert.AreEqual("1.0", NDArray.Scalar(1f).ToString());
        Assert.AreEqual("0.947667", NDArray.Scalar(0.947667f).ToString());
        Assert.AreEqual("1e-05", NDArray.Scalar(1e-5f).ToString());
        Assert.AreEqual("1e+16", NDArray.Scalar(1e16f).ToString());
        Assert.AreEqual("123456790.0", NDArray.Scalar(123456789f).ToString());
        Assert.AreEqual("-0.0", NDArray.Scalar(-0f).ToString());
        Assert.AreEqual("-inf", NDArray.Scalar(float.NegativeInfinity).ToString());
        Assert.AreEqual("True", NDArray.Scalar(true).ToString());
        Assert.AreEqual("5", NDArray.Scalar((sbyte)5).ToString());
    }

    [TestMethod]
    public void OneElementArraysWithAnAxis() => Assert.AreEqual("[5]", NDArray.From([5], 1).ToString());

    [TestMethod]
    public void EmptyArraysPrintAsEmptyBrackets()
    {
        Assert.AreEqual("[]", NDArray.Zeros(DType.Float32, 2, 0, 3).ToString());
        Assert.AreEqual("[]", NDArray.Zeros(DType.Int32, 0).ToString());
    }
}
