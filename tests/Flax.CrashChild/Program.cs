namespace Flax.CrashChild;

/// <summary>
/// <c>Flax.CrashChild FORMAT PATH</c>: writes the old model (seed 0) to PATH in FORMAT, prints <c>ready</c>, then
/// writes the new (seed 1) and the old model in turn, forever, until the crash test kills it.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 2 || !CrashModel.Formats.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: Flax.CrashChild {string.Join("|", CrashModel.Formats)} PATH");
            return 2;
        }
        var writers = new[] { Writer(args[0], CrashModel.Variables(0)), Writer(args[0], CrashModel.Variables(1)) };
        for (long i = 0; ; i++)
        {
            writers[i % 2](args[1]);
            if (i == 0)
            {
                Console.Out.WriteLine("ready");
                Console.Out.Flush();
            }
        }
    }

    private static Action<string> Writer(string format, VariableDict variables)
    {
        switch (format)
        {
            case "checkpoint": return path => FlaxCheckpoint.Write(variables, path);
            case "safetensors": return path => SafeTensors.Write(variables, path);
            case "export":
                var model = Core.ExportTraced(ScopeFunction.Of(CrashModel.Mlp), variables, [new TensorSpec(DType.Float32, -1, CrashModel.Features)], null);
                return path => model.Save(path, inlineLimit: 0); // forced external data: the weights go to the data file
        }
        var ml = new MLContext(seed: 0);
        var data = CrashModel.Data(ml, 1);
        var transformer = ml.Transforms.ApplyFlaxModel("Score", "X", CrashModel.Mlp, new FlaxModelOptions { Variables = variables }).Fit(data);
        return format == "package" ? transformer.Save : path => ml.Model.SaveAtomically(transformer, data.Schema, path);
    }
}
