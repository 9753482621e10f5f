using System.Reflection;

namespace Flax;

/// <summary>
/// Builds <see cref="SchemaShape.Column"/>s. ML.NET keeps their constructor internal (outside estimators are "not
/// something we decided to support", dotnet/machinelearning#3243), so it is called by reflection: the one reflection
/// use in this assembly, checked once when the type is first used.
/// </summary>
internal static class SchemaShapes
{
    private static readonly ConstructorInfo ColumnConstructor = typeof(SchemaShape.Column)
        .GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance)
        .Single(c => c.GetParameters().Select(p => p.ParameterType).SequenceEqual(
            [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)]));

    /// <summary>A known-size vector-of-Single column without annotations: the shape of a Flax model's output.</summary>
    public static SchemaShape.Column SingleVector(string name) => (SchemaShape.Column)ColumnConstructor.Invoke(
        [name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, null]);

    /// <summary><paramref name="input"/> with <paramref name="added"/> appended, replacing a column of the same name.</summary>
    public static SchemaShape Append(SchemaShape input, SchemaShape.Column added) =>
        new(input.Where(c => c.Name != added.Name).Append(added));
}
