namespace Flax.MLNet.Tests;

[TestClass]
public sealed class FlaxTransformerDisposeTests
{
    [TestMethod]
    public void DisposeReleasesTheScorerExactlyOnce()
    {
        var scorer = new AffineScorer(3);
        var transformer = new FlaxTransformer(new ModelSignature([new ModelInput("A", [3])], "Score", [2]), [], VariableDict.Empty, scorer, 4);

        transformer.Dispose();
        transformer.Dispose();

        Assert.AreEqual(1, scorer.Disposals);
    }
}
