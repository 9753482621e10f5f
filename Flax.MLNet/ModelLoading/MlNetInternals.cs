using System.Reflection;

namespace Flax;

/// <summary>
/// The members of Microsoft.ML.Core that a transformer outside ML.NET needs to be reloaded by <c>mlContext.Model.Load</c>,
/// all <c>internal</c> in Microsoft.ML 5.0.1 and so reached by reflection, once: the attribute that registers a loadable
/// class (<c>LoadableClassAttribute</c>) with its signature (<c>SignatureLoadModel</c>), the version header
/// (<c>VersionInfo</c>, <c>ModelSaveContext.SetVersionInfo</c>) and the reader of a saved model
/// (<c>ModelLoadContext</c>: <c>CheckAtModel</c>, <c>TryLoadBinaryStream</c>, <c>LoadNonEmptyString</c>, <c>Reader</c>).
/// Only <c>ICanSaveModel</c>, <c>ModelSaveContext</c> (no members) and <c>ComponentCatalog.RegisterAssembly</c> are
/// public. Should a later ML.NET rename any of them, <see cref="Available"/> is false and models save and reload as
/// ML.NET's own <c>OnnxTransformer</c>, as before.
/// </summary>
internal static class MlNetInternals
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly Assembly Core = typeof(ICanSaveModel).Assembly;

    /// <summary><c>Microsoft.ML.ModelLoadContext</c>.</summary>
    internal static readonly Type? LoadContext = Core.GetType("Microsoft.ML.ModelLoadContext");

    /// <summary><c>Microsoft.ML.SignatureLoadModel</c>, the signature of a model loader.</summary>
    internal static readonly Type? SignatureLoadModel = Core.GetType("Microsoft.ML.SignatureLoadModel");

    /// <summary><c>LoadableClassAttribute(Type instType, Type loaderType, Type argType, Type sigType, string userName,
    /// params string[] loadNames)</c>.</summary>
    internal static readonly ConstructorInfo? LoadableClass = Core.GetType("Microsoft.ML.LoadableClassAttribute")
        ?.GetConstructor(Any, [typeof(Type), typeof(Type), typeof(Type), typeof(Type), typeof(string), typeof(string[])]);

    private static readonly Type? VersionInfo = Core.GetType("Microsoft.ML.VersionInfo");
    private static readonly ConstructorInfo? NewVersionInfo = VersionInfo?.GetConstructor(Any,
        [typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(string), typeof(string), typeof(string)]);
    private static readonly MethodInfo? SetVersion = VersionInfo is null ? null : typeof(ModelSaveContext).GetMethod("SetVersionInfo", Any, [VersionInfo]);
    private static readonly MethodInfo? CheckAtModel = VersionInfo is null ? null : LoadContext?.GetMethod("CheckAtModel", Any, [VersionInfo]);
    private static readonly MethodInfo? TryLoadBinary = LoadContext?.GetMethod("TryLoadBinaryStream", Any, [typeof(string), typeof(Action<BinaryReader>)]);
    private static readonly MethodInfo? LoadString = LoadContext?.GetMethod("LoadNonEmptyString", Any, Type.EmptyTypes);
    private static readonly FieldInfo? Reader = LoadContext?.GetField("Reader", Any);

    /// <summary>Whether every member was found.</summary>
    internal static bool Available => LoadContext is not null && SignatureLoadModel is not null && LoadableClass is not null &&
        NewVersionInfo is not null && SetVersion is not null && CheckAtModel is not null && TryLoadBinary is not null &&
        LoadString is not null && Reader is not null;

    /// <summary>Writes the model header's version information.</summary>
    internal static void SetVersionInfo(ModelSaveContext context, Version version) =>
        SetVersion!.Invoke(context, [version.Create()]);

    /// <summary>Checks that the model being loaded has <paramref name="version"/>'s signature and a readable version.</summary>
    internal static void CheckVersion(object loadContext, Version version) => Invoke(CheckAtModel!, loadContext, version.Create());

    /// <summary>The bytes of the named binary stream, as ML.NET's <c>WriteByteArray</c> wrote them.</summary>
    internal static byte[] LoadByteArray(object loadContext, string name)
    {
        byte[]? bytes = null;
        Action<BinaryReader> read = reader => bytes = reader.ReadBytes(reader.ReadInt32());
        return Invoke(TryLoadBinary!, loadContext, name, read) is true && bytes is not null ? bytes
            : throw new InvalidDataException($"The saved model has no stream '{name}'.");
    }

    /// <summary>The model stream's reader, positioned after what was read so far.</summary>
    internal static BinaryReader ReaderOf(object loadContext) => (BinaryReader)Reader!.GetValue(loadContext)!;

    /// <summary>Reads a string id and returns the string from the model's string table.</summary>
    internal static string LoadNonEmptyString(object loadContext) => (string)Invoke(LoadString!, loadContext)!;

    private static object? Invoke(MethodInfo method, object target, params object?[] args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>ML.NET's <c>VersionInfo</c>: a model signature (8 characters), versions and loader names.</summary>
    internal sealed record Version(string ModelSignature, uint Written, uint Readable, uint WeCanReadBack, string LoaderAssemblyName,
        string LoaderSignature, string? LoaderSignatureAlt)
    {
        internal object Create() => NewVersionInfo!.Invoke([ModelSignature, Written, Readable, WeCanReadBack, LoaderAssemblyName,
            LoaderSignature, LoaderSignatureAlt]);
    }
}
