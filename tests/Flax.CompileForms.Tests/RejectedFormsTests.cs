using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Flax.CompileForms.Tests;

/// <summary>
/// Models that cannot run are compile errors, not run-time failures: each snippet is compiled by <c>dotnet build</c>
/// against this Flax.Onnx, and must fail to compile in its own file, never with an ambiguity (CS0121, CS0411).
/// </summary>
[TestClass]
public sealed partial class RejectedFormsTests
{
    private static readonly Dictionary<string, string> Snippets = new()
    {
        ["ModelOverNDArray"] = "Core.Init((Scope s, NDArray x) => x);",
        ["MethodGroupOverNDArray"] = "Core.Apply(Model); static NDArray Model(Scope s, NDArray x) => x;",
        ["ModelReturningATuple"] = "Core.Init((Scope s, Tensor x) => (x, x));",
        ["MethodGroupReturningATuple"] = "Core.Apply(Model); static (Tensor, Tensor) Model(Scope s, Tensor x) => (x, x);",
        ["PlainValueInput"] = "Core.Init((Scope s, int x) => x + 1);",
        ["LazyInitOverNDArray"] = "Core.LazyInit((Scope s, NDArray x) => x);",
        ["SeveralOutputsToInit"] = "Core.Init(Model); static Tensor[] Model(Scope s, Tensor x) => [x, x];",
        ["SeveralOutputsToApply"] = "Core.Apply((Scope s, Tensor x) => new[] { x, x });",
        ["OneOutputToApplyOutputs"] = "Core.ApplyOutputs(Model); static Tensor Model(Scope s, Tensor x) => x;",
    };

    /// <summary>A form that compiles, so that a build failing for another reason (a missing reference) fails the test.</summary>
    private const string Control = "Core.Init((Scope s, Tensor x) => x);";

    [GeneratedRegex(@"(?<file>\w+)\.cs\(\d+,\d+\): error (?<code>CS\d+)")]
    private static partial Regex CompileError();

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void EveryRejectedFormIsACompileError()
    {
        var dir = Directory.CreateTempSubdirectory("flax-rejected-forms-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Rejected.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="Flax.Onnx" HintPath="{typeof(Core).Assembly.Location}" />
                  </ItemGroup>
                </Project>
                """);
            foreach (var (name, body) in Snippets.Append(KeyValuePair.Create("Control", Control)))
                File.WriteAllText(Path.Combine(dir.FullName, name + ".cs"), $"using Flax;\n\ninternal static class {name}\n{{\n    internal static void Form()\n    {{\n        {body}\n    }}\n}}\n");

            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", ["build", "-nologo", "-v:q", dir.FullName])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var build = Process.Start(start)!;
            var output = build.StandardOutput.ReadToEndAsync();
            var error = build.StandardError.ReadToEnd();
            build.WaitForExit();
            var text = output.Result + error;

            Assert.AreNotEqual(0, build.ExitCode, text);
            var errors = CompileError().Matches(text).Select(m => (File: m.Groups["file"].Value, Code: m.Groups["code"].Value)).ToList();
            foreach (var name in Snippets.Keys)
                Assert.IsTrue(errors.Any(e => e.File == name), $"{name} compiled:\n{text}");
            Assert.IsFalse(errors.Any(e => e.File == "Control"), $"the control form failed:\n{text}");
            foreach (var ambiguous in new[] { "CS0121", "CS0411" })
                Assert.IsFalse(errors.Any(e => e.Code == ambiguous), $"{ambiguous}:\n{text}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
