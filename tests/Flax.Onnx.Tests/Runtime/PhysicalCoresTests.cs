namespace Flax.Tests.Runtime;

/// <summary>The physical-core count from a Linux CPU topology tree, on fake trees in a temporary folder.</summary>
[TestClass]
public sealed class PhysicalCoresTests
{
    private string _root = null!;

    [TestInitialize]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("flax-cpu-").FullName;

    [TestCleanup]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    /// <summary>Adds <c>cpuN/topology</c> with the package and core ids; none for an offline CPU.</summary>
    private void Cpu(int n, int? package, int? core)
    {
        var cpu = Directory.CreateDirectory(Path.Combine(_root, $"cpu{n}"));
        if (package is null || core is null) return;
        var topology = cpu.CreateSubdirectory("topology");
        File.WriteAllText(Path.Combine(topology.FullName, "physical_package_id"), $"{package}\n");
        File.WriteAllText(Path.Combine(topology.FullName, "core_id"), $"{core}\n");
    }

    [TestMethod]
    public void TwoCoresOfOneThreadEachAreTwo()
    {
        Cpu(0, 0, 0);
        Cpu(1, 0, 1);
        Assert.AreEqual(OperatingSystem.IsLinux() ? 2 : 0, PhysicalCores.Count(_root, limit: 64));
    }

    [TestMethod]
    public void HyperthreadSiblingsAndPackagesAreCountedByCore()
    {
        Cpu(0, 0, 0);
        Cpu(1, 0, 1);
        Cpu(2, 0, 0);
        Cpu(3, 0, 1);
        Cpu(4, 1, 0);
        Cpu(5, 1, 0);
        Cpu(6, null, null);
        Directory.CreateDirectory(Path.Combine(_root, "cpufreq"));
        Assert.AreEqual(OperatingSystem.IsLinux() ? 3 : 0, PhysicalCores.Count(_root, limit: 64));
    }

    [TestMethod]
    public void TheProcessorLimitCaps()
    {
        for (int i = 0; i < 8; i++) Cpu(i, 0, i);
        Assert.AreEqual(OperatingSystem.IsLinux() ? 3 : 0, PhysicalCores.Count(_root, limit: 3));
    }

    [TestMethod]
    public void AMissingTreeLeavesTheCountToOnnxRuntime() =>
        Assert.AreEqual(0, PhysicalCores.Count(Path.Combine(_root, "absent"), limit: 64));

    [TestMethod]
    public void AnUnreadableTopologyLeavesTheCountToOnnxRuntime()
    {
        Cpu(0, 0, 0);
        File.Delete(Path.Combine(_root, "cpu0", "topology", "physical_package_id"));
        Assert.AreEqual(0, PhysicalCores.Count(_root, limit: 64));
    }

    [TestMethod]
    public void ThisMachineHasAtLeastOneCoreOnLinux() =>
        Assert.IsTrue(OperatingSystem.IsLinux() ? PhysicalCores.Value is >= 1 && PhysicalCores.Value <= Environment.ProcessorCount : PhysicalCores.Value == 0,
            $"{PhysicalCores.Value} cores, {Environment.ProcessorCount} processors");
}
