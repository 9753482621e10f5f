using System.Diagnostics;

namespace Flax.Tests.Lowering;

/// <summary>Runs <c>onnx.checker.check_model(model, full_check=True)</c> from Debian's python3-onnx on a saved model.</summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Checks the model at <paramref name="path"/>; inconclusive when python3-onnx is not installed.</summary>
    internal static void AssertValid(string path)
    {
        var (code, output) = RunPython("import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", path);
        if (code != 0 && output.Contains("No module named 'onnx'", StringComparison.Ordinal))
            Assert.Inconclusive("python3-onnx is not installed (apt-get install -y python3-onnx).");
        Assert.AreEqual(0, code, output);
        Assert.AreEqual("ok", output.Trim());
    }

    private static (int Code, string Output) RunPython(string script, string argument)
    {
        if (!File.Exists(Python)) Assert.Inconclusive($"{Python} is not installed.");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
