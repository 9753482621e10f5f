using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Flax.Lowering.Proto;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Onnx;

namespace Flax;

/// <summary>
/// Makes <c>mlContext.Model.Load</c> give back a batched <see cref="FlaxTransformer"/> with its variables.
/// </summary>
/// <remarks>
/// <para>ML.NET finds the loader of a saved transformer by the loader signature in its header, among the classes that
/// assemblies registered in the context's <see cref="ComponentCatalog"/> declare with <c>[assembly: LoadableClass]</c>.
/// That attribute, the loader's parameter type (<c>ModelLoadContext</c>) and the header type are internal to
/// Microsoft.ML.Core (<see cref="MlNetInternals"/>), so C# cannot declare them: the loader is emitted at run time as a
/// one-method dynamic assembly carrying the attribute, and registered with
/// <see cref="FlaxCatalog.RegisterFlaxModels"/>, which <c>ApplyFlaxModel</c> does for its own context.</para>
/// <para>Saving writes ML.NET's <c>OnnxTransformer</c> data unchanged, with the header's loader signature
/// <see cref="LoaderSignature"/> and <c>OnnxTransform</c> as the alternative: a context that registered this loader
/// reloads a <see cref="FlaxTransformer"/>, any other reloads the <c>OnnxTransformer</c> (one row per run), as before.</para>
/// </remarks>
internal static class FlaxModelLoader
{
    /// <summary>The loader signature a saved Flax model carries (at most 24 characters).</summary>
    internal const string LoaderSignature = "FlaxTransformer";

    /// <summary>The ONNX metadata keys of what the graph does not say: the variables' paths and the batch size.</summary>
    internal const string VariablesKey = "flax.variables", BatchSizeKey = "flax.batch_size";

    // OnnxTransformer's own header (OnnxTransform.cs, GetVersionInfo): the data that follows is its format, version 3.
    private static readonly MlNetInternals.Version Version = new("ONNXSCOR", 0x00010003, 0x00010003, 0x00010001,
        typeof(OnnxTransformer).Assembly.FullName!, LoaderSignature, "OnnxTransform");

    private static readonly Lazy<Assembly?> s_loader = new(Emit);

    /// <summary>Registers the loader in <paramref name="catalog"/>; false when this ML.NET lacks a member it needs.</summary>
    internal static bool Register(ComponentCatalog catalog)
    {
        if (s_loader.Value is not { } loader) return false;
        catalog.RegisterAssembly(loader);
        return true;
    }

    /// <summary>After <c>OnnxTransformer</c> saved into <paramref name="context"/>, names this loader first in the header.</summary>
    internal static void MarkSaved(ModelSaveContext context)
    {
        if (MlNetInternals.Available) MlNetInternals.SetVersionInfo(context, Version);
    }

    /// <summary>The ONNX model with the metadata <see cref="Load"/> reads: the variables' paths and the batch size.</summary>
    internal static byte[] WithMetadata(byte[] onnx, IEnumerable<string> variablePaths, int batchSize)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        model.MetadataProps.Add(new StringStringEntryProto { Key = VariablesKey, Value = JsonSerializer.Serialize(variablePaths.ToArray()) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = BatchSizeKey, Value = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    /// <summary>
    /// The loader's body: reads what <c>OnnxTransformer</c> saved (the ONNX bytes, the column names, no custom shapes, the
    /// recursion limit) and opens a <see cref="FlaxTransformer"/> on <see cref="Device.Auto"/> from the graph: its inputs
    /// and outputs give the columns and row shapes, its initializers the variables.
    /// </summary>
    /// <exception cref="InvalidDataException">The saved model is not a Flax model.</exception>
    internal static FlaxTransformer Load(IHostEnvironment environment, object context)
    {
        MlNetInternals.CheckVersion(context, Version);
        var onnx = MlNetInternals.LoadByteArray(context, "OnnxModel");
        var reader = MlNetInternals.ReaderOf(context);
        for (int lists = 0; lists < 2; lists++)
            for (int i = reader.ReadInt32(); i > 0; i--) MlNetInternals.LoadNonEmptyString(context);
        for (int shapes = reader.ReadInt32(); shapes > 0; shapes--)
        {
            MlNetInternals.LoadNonEmptyString(context);
            for (int dims = reader.ReadInt32(); dims > 0; dims--) reader.ReadInt32();
        }
        reader.ReadInt32(); // the protobuf recursion limit

        var model = ModelProto.Parser.ParseFrom(onnx);
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        if (!metadata.TryGetValue(VariablesKey, out var paths) || !metadata.TryGetValue(BatchSizeKey, out var batch))
            throw new InvalidDataException($"The saved model says loader '{LoaderSignature}' but its ONNX graph lacks the metadata " +
                $"'{VariablesKey}' and '{BatchSizeKey}' that FlaxTransformer writes.");
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var inputs = graph.Input.Where(v => !initializers.ContainsKey(v.Name))
            .Select(v => new ModelInput(v.Name, RowShape(v), InputKindOf(v))).ToArray();
        var signature = new ModelSignature(inputs, [.. graph.Output.Select(v => new ModelOutput(v.Name, RowShape(v)))]);
        var variables = VariableDict.Unflatten((JsonSerializer.Deserialize<string[]>(paths) ?? []).Select(path =>
            KeyValuePair.Create(path, (object)ToArray(initializers.TryGetValue(path, out var tensor) ? tensor
                : throw new InvalidDataException($"The saved Flax model's graph has no initializer for variable '{path}'.")))));
        return new FlaxTransformer(signature, onnx, variables, SessionScorer.Open(onnx, signature, Device.Auto),
            int.Parse(batch, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The kind of column an input of the saved graph reads: the one ML.NET's <c>OnnxTransformer</c> would feed it.</summary>
    private static InputKind InputKindOf(ValueInfoProto value) =>
        Enum.GetValues<DType>().Where(d => Matches(d, value.Type.TensorType.ElemType)).Select(InputKinds.OfOnnx).FirstOrDefault(k => k is not null)
            ?? throw new InvalidDataException($"The saved Flax model's input '{value.Name}' has ONNX data type {value.Type.TensorType.ElemType}, " +
                "which no input column type feeds.");

    private static int[] RowShape(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Skip(1).Select(d => checked((int)d.DimValue)).ToArray();

    private static NDArray ToArray(TensorProto tensor)
    {
        var dtype = Enum.GetValues<DType>().Where(d => Matches(d, tensor.DataType)).Cast<DType?>().FirstOrDefault()
            ?? throw new InvalidDataException($"Variable '{tensor.Name}' has ONNX data type {tensor.DataType}, which no DType matches.");
        return NDArray.FromBytes(dtype, tensor.Dims.Select(d => checked((int)d)).ToArray(), tensor.RawData.ToByteArray());
    }

    private static bool Matches(DType dtype, int dataType)
    {
        try
        {
            return (int)OnnxTypes.DataType(dtype) == dataType;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Emits <c>Flax.MLNet.ModelLoader</c>: <c>[assembly: LoadableClass(typeof(ITransformer), typeof(Loader), null,
    /// typeof(SignatureLoadModel), "Flax model", "FlaxTransformer")]</c> and <c>static ITransformer
    /// Loader.Create(IHostEnvironment, ModelLoadContext)</c>, which calls <see cref="Load"/>.
    /// </summary>
    private static Assembly? Emit()
    {
        if (!MlNetInternals.Available) return null;
        var name = new AssemblyName("Flax.MLNet.ModelLoader");
        var assembly = AssemblyBuilder.DefineDynamicAssembly(name, AssemblyBuilderAccess.Run);
        // The attribute names the loader type by assembly-qualified name, which only this handler resolves.
        AppDomain.CurrentDomain.AssemblyResolve += (_, e) => e.Name == assembly.FullName ? assembly : null;
        var ignores = typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;
        foreach (var friend in new[] { typeof(ICanSaveModel).Assembly, typeof(FlaxModelLoader).Assembly })
            assembly.SetCustomAttribute(new CustomAttributeBuilder(ignores, [friend.GetName().Name!]));
        var type = assembly.DefineDynamicModule(name.Name!).DefineType("Flax.ModelLoader",
            TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
        var create = type.DefineMethod("Create", MethodAttributes.Public | MethodAttributes.Static, typeof(ITransformer),
            [typeof(IHostEnvironment), MlNetInternals.LoadContext!]);
        var il = create.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Call, typeof(FlaxModelLoader).GetMethod(nameof(Load), BindingFlags.NonPublic | BindingFlags.Static)!);
        il.Emit(OpCodes.Ret);
        var loader = type.CreateType();
        assembly.SetCustomAttribute(new CustomAttributeBuilder(MlNetInternals.LoadableClass!,
            [typeof(ITransformer), loader, null, MlNetInternals.SignatureLoadModel, "Flax model", new[] { LoaderSignature }]));
        return assembly;
    }
}
