using Microsoft.ML.Transforms.Onnx;

namespace Flax;

/// <summary>
/// Saves a Flax model into an ML.NET model zip (<c>mlContext.Model.Save</c>) the only way an outside assembly can:
/// by handing the save to ML.NET's own <see cref="OnnxTransformer"/> built from the exported ONNX bytes.
/// <c>mlContext.Model.Load</c> therefore gives back an <see cref="OnnxTransformer"/>, which scores one row per
/// ONNX Runtime run, with the same outputs and output schema. FlaxTransformer.Save keeps the
/// batched <see cref="FlaxTransformer"/>.
/// </summary>
internal static class MlNetModelSaver
{
    /// <summary>Writes the model to <paramref name="context"/> as an <see cref="OnnxTransformer"/>.</summary>
    /// <param name="context">ML.NET's save context.</param>
    /// <param name="signature">The model's columns; they are also its ONNX input and output names.</param>
    /// <param name="onnx">The exported model.</param>
    /// <exception cref="NotSupportedException">An output column has an input column's name, or an input column is a key
    /// or UInt32 column (fed to the model converted to int64), which <see cref="OnnxTransformer"/> cannot express.</exception>
    public static void Save(ModelSaveContext context, ModelSignature signature, byte[] onnx)
    {
        if (signature.Outputs.FirstOrDefault(o => signature.OnnxName(o) != o.ColumnName) is { } overwriting)
            throw new NotSupportedException($"mlContext.Model.Save stores a Flax model as ML.NET's OnnxTransformer, which " +
                $"cannot write its output to an input column ('{overwriting.ColumnName}'). Give the output column " +
                "another name, or save the model with FlaxTransformer.Save.");
        if (signature.Inputs.FirstOrDefault(i => i.Kind is InputKind.Key or InputKind.UInt32) is { } converted)
            throw new NotSupportedException($"mlContext.Model.Save stores a Flax model as ML.NET's OnnxTransformer, which " +
                $"cannot feed input column '{converted.ColumnName}' ({converted.Kind.Describe()}, converted to int64 for the model). " +
                "Save the model with FlaxTransformer.Save.");
        // OnnxTransformer reads its model back from the file when it saves, so the file must live until then.
        var path = Path.Combine(Path.GetTempPath(), $"flax-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, onnx);
            var estimator = new MLContext().Transforms.ApplyOnnxModel(
                [.. signature.Outputs.Select(o => o.ColumnName)], signature.Inputs.Select(i => i.ColumnName).ToArray(), path);
            using var inner = estimator.Fit(EmptyDataView.Of(signature));
            ((ICanSaveModel)inner).Save(context);
            FlaxModelLoader.MarkSaved(context);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
