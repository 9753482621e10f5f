using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// The native ONNX Runtime library, checked before any ONNX Runtime type is touched: without it, ONNX Runtime's own
/// static initializer fails with a <see cref="TypeInitializationException"/> around a <see cref="DllNotFoundException"/>
/// that says nothing about which package is missing, and then fails the same way on every later call.
/// </summary>
internal static class NativeRuntime
{
    /// <summary>The library name ONNX Runtime's managed package imports.</summary>
    internal const string Library = "onnxruntime";

    private static readonly Lazy<Exception?> s_failure = new(() => Load(Library));

    /// <summary>Loads the native library once per process.</summary>
    /// <param name="device">The device the caller asked for, named by the error.</param>
    /// <exception cref="DeviceUnavailableException">The native library cannot be loaded or initialized.</exception>
    internal static void EnsureLoaded(Device device)
    {
        if (s_failure.Value is { } cause) throw Missing(device, Library, cause);
    }

    /// <summary>Whether the native library loaded (once per process); never throws.</summary>
    internal static bool IsLoaded => s_failure.Value is null;

    /// <summary>The execution providers compiled into the native library (CUDA only in the GPU package).</summary>
    internal static IReadOnlyCollection<string> Providers() => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>Loads <paramref name="library"/> as ONNX Runtime's import would, then initializes ONNX Runtime;
    /// returns the failure, or null.</summary>
    internal static Exception? Load(string library)
    {
        try
        {
            NativeLibrary.Load(library, typeof(OrtEnv).Assembly, null);
            if (library == Library) _ = OrtEnv.Instance();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or
            TypeInitializationException or OnnxRuntimeException)
        {
            return e is TypeInitializationException { InnerException: { } inner } ? inner : e;
        }
    }

    /// <summary>The error for a native library that <see cref="Load"/> could not load.</summary>
    internal static DeviceUnavailableException Missing(Device device, string library, Exception cause) => new(device,
        $"ONNX Runtime's native library '{library}' could not be loaded ({cause.GetType().Name}: {cause.Message}). " +
        "Add a PackageReference to Microsoft.ML.OnnxRuntime (CPU; the Flax.Onnx package brings it unless its assets are " +
        "excluded) or to Microsoft.ML.OnnxRuntime.Gpu (CUDA) in the project that runs, and build it for a runtime this " +
        "package ships (RuntimeIdentifier linux-x64, linux-arm64, win-x64, win-arm64 or osx-arm64).", cause);
}
