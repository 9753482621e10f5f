namespace Flax.Tests.Lift;

/// <summary>
/// Runs the whole test assembly with <see cref="Flax.Lift.ScanUnrollThreshold"/> taken from the environment variable
/// <c>FLAX_TEST_SCAN_UNROLL_THRESHOLD</c> when it is set: <c>FLAX_TEST_SCAN_UNROLL_THRESHOLD=0 dotnet test --filter Scan</c>
/// runs every scan test with one <c>scan</c> equation (an ONNX <c>Scan</c>) where the default unrolls.
/// </summary>
[TestClass]
public static class ScanThresholdSetup
{
    [AssemblyInitialize]
    public static void Initialize(TestContext _)
    {
        if (Environment.GetEnvironmentVariable("FLAX_TEST_SCAN_UNROLL_THRESHOLD") is { Length: > 0 } text)
            Flax.Lift.ScanUnrollThreshold = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
