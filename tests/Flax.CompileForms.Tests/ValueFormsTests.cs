namespace Flax.CompileForms.Tests;

/// <summary>
/// The forms of a model on plain values (Flax's scope semantics without tracing): the model is a function of the scope
/// alone and closes over its inputs. A model over tensors given in that form gets a message saying what to write.
/// </summary>
[TestClass]
public sealed class ValueFormsTests
{
    private static readonly Rngs Key = PrngKey.Create(0);

    private static int Counter(Scope scope)
    {
        var count = scope.Variable("state", "count", () => 0);
        return ++count.Value;
    }

    [TestMethod]
    public void ModelsOfTheScopeTakeEveryForm()
    {
        Func<Scope, int> variable = Counter;
        var (one, variables) = Core.Init(Counter)(Key);
        Assert.AreEqual(1, one);
        Assert.AreEqual(1, Core.Init(scope => Counter(scope), mutable: "state")(Key).Output);
        Assert.AreEqual(1, Core.Init((Scope scope) => Counter(scope))(Key).Output);
        Assert.AreEqual(1, Core.Init(int (Scope scope) => Counter(scope), flags: new Dictionary<string, object>())(Key).Output);
        Assert.AreEqual(1, Core.Init(variable)(Key).Output);
        var (two, mutated) = Core.Apply(Counter, mutable: "state")(variables);
        Assert.AreEqual(2, two);
        Assert.AreEqual(2, (int)mutated.Flatten()["state/count"]);
        Assert.AreEqual(2, Core.Apply(variable, "state")(variables).Output);
        Assert.AreEqual(1, Core.Apply(scope => (int)scope.GetVariable("state", "count")!)(variables));
        Assert.AreEqual(1, Core.LazyInit(Counter)(Key).Flatten().Count);
        var x = 5;
        Assert.AreEqual(5, Core.Init(scope => scope.Param("p", _ => x))(Key).Output);
        Assert.AreEqual(1, Core.Bind(variables).GetVariable("state", "count"));
    }

    [TestMethod]
    public void ModelOfTheScopeReturningTensorsSaysWhatToWrite()
    {
        var init = Assert.ThrowsExactly<ArgumentException>(() => Core.Init(scope => (Tensor)null!));
        Assert.AreEqual("Core.Init got a model of the scope alone returning Tensor: a model over tensors is traced from its input tensors. " +
            "Write it as Tensor Model(Scope scope, Tensor x) (or with two inputs) and call Core.Init(Model); a model on plain values returns no tensors. (Parameter 'fn')",
            init.Message);
        var apply = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply(scope => ((Tensor)null!, (Tensor)null!), mutable: "state"));
        StringAssert.StartsWith(apply.Message, "Core.Apply got a model of the scope alone returning ValueTuple`2: a model over tensors is traced");
        var lazy = Assert.ThrowsExactly<ArgumentException>(() => Core.LazyInit(scope => new Tensor[0]));
        StringAssert.StartsWith(lazy.Message, "Core.LazyInit got a model of the scope alone returning Tensor[]");
    }
}
