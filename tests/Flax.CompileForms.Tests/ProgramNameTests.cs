namespace Flax.CompileForms.Tests;

/// <summary>
/// <c>using Flax;</c> brings only what a model author uses: a top-level console app's own <c>Program</c> class (in the
/// global namespace, like <see cref="global::Program"/> here) is not hidden by the IR's <c>Program</c>, which lives in
/// <c>Flax.Ir</c>. Code in a <c>Flax.*</c> namespace sees the app's class too.
/// </summary>
[TestClass]
public sealed class ProgramNameTests
{
    [TestMethod]
    public void TheAppsProgramIsNotHidden()
    {
        Assert.AreEqual("the app's Program", Program.Name);
        Flax.Ir.Program traced = Core.MakeProgram((Scope s, Tensor x) => x * 2, VariableDict.Empty, new TensorSpec(DType.Float32, 3));
        Assert.AreEqual(1, traced.Eqns.Length);
    }

    [TestMethod]
    public void NamespaceFlaxHoldsNoIrType()
    {
        var exported = typeof(Core).Assembly.GetExportedTypes();
        string[] ir = ["Program", "Eqn", "Var", "Primitive", "EqnParams", "TensorType", "ProgramCheckException"];
        foreach (var name in ir)
        {
            Assert.IsFalse(exported.Any(t => t.Namespace == "Flax" && t.Name == name), $"Flax.{name} is exported");
            Assert.IsTrue(exported.Any(t => t.Namespace == "Flax.Ir" && t.Name == name), $"Flax.Ir.{name} is not exported");
        }
    }
}
