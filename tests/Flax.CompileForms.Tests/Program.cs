/// <summary>Stands for a top-level console app's own <c>Program</c> class, which sits in the global namespace.</summary>
internal static class Program
{
    /// <summary>Something only this class has.</summary>
    internal static readonly string Name = "the app's Program";
}
