namespace Flax;

/// <summary>
/// The number of physical cores this process may use, for ONNX Runtime's intra-op thread pool. ONNX Runtime's own
/// count is wrong on some virtual machines: on a 2-vCPU AMD EPYC VM whose Linux topology lists two cores of one thread
/// each, it takes one, and the CNN's train step then runs on one core (75 ms per step at batch 128 against 57 ms on
/// two). Read from Linux's <c>/sys/devices/system/cpu/cpuN/topology</c>: distinct (package, core) pairs among the
/// online CPUs, at most <see cref="Environment.ProcessorCount"/> (which respects the affinity mask and a container's CPU
/// quota). 0, leaving the count to ONNX Runtime, on other systems or when the topology cannot be read.
/// </summary>
internal static class PhysicalCores
{
    private const string SysCpu = "/sys/devices/system/cpu";
    private static readonly Lazy<int> Here = new(() => Count(SysCpu, Environment.ProcessorCount));

    /// <summary>This machine's count (computed once), or 0 when unknown.</summary>
    internal static int Value => Here.Value;

    /// <summary>The physical cores listed under <paramref name="root"/> (a <c>/sys/devices/system/cpu</c> tree), at most
    /// <paramref name="limit"/>; 0 when the tree is missing or unreadable.</summary>
    internal static int Count(string root, int limit)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists(root)) return 0;
        try
        {
            var cores = new HashSet<(string Package, string Core)>();
            foreach (var cpu in Directory.EnumerateDirectories(root, "cpu*"))
            {
                if (!int.TryParse(Path.GetFileName(cpu).AsSpan(3), out _)) continue;
                var topology = Path.Combine(cpu, "topology");
                if (!File.Exists(Path.Combine(topology, "core_id"))) continue; // offline CPUs have no topology
                cores.Add((File.ReadAllText(Path.Combine(topology, "physical_package_id")).Trim(), File.ReadAllText(Path.Combine(topology, "core_id")).Trim()));
            }
            return Math.Min(cores.Count, limit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
