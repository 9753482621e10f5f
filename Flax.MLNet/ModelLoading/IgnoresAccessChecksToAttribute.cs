namespace System.Runtime.CompilerServices;

/// <summary>
/// Lets the assembly it is applied to use the internals of the named assembly; the runtime honours it (it is how
/// <c>DispatchProxy</c> works) but the framework does not declare it, so it is declared here. Applied only to the
/// loader that <see cref="Flax.FlaxModelLoader"/> emits at run time.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The assembly whose internals may be used.</summary>
    public string AssemblyName { get; } = assemblyName;
}
