namespace Flax.Tests.Scopes;

/// <summary>Keeps the README's example compiled: it must appear verbatim in the Quickstart program, which CI builds.</summary>
[TestClass]
public sealed class ReadmeTests
{
    [TestMethod]
    public void ExampleIsPartOfTheQuickstart()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Flax.MLNet.sln"))) root = root.Parent;
        Assert.IsNotNull(root, "the repository root (with Flax.MLNet.sln) is above the test binaries");
        var readme = File.ReadAllText(Path.Combine(root.FullName, "README.md")).ReplaceLineEndings("\n");
        var program = File.ReadAllText(Path.Combine(root.FullName, "examples", "Quickstart", "Program.cs")).ReplaceLineEndings("\n");
        const string open = "```csharp\n";
        int start = readme.IndexOf(open, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, "the README has a C# example");
        start += open.Length;
        var example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Contains(example, program);
    }
}
