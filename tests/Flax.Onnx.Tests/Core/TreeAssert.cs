namespace Flax.Tests.Scopes;

/// <summary>Content equality of variable dictionaries, printing both trees on failure.</summary>
internal static class TreeAssert
{
    public static void AreEqual(VariableDict expected, object? actual)
    {
        if (!expected.Equals(actual)) Assert.Fail($"Expected:\n{expected}\nActual:\n{actual}");
    }

    public static void AreNotEqual(VariableDict notExpected, object? actual)
    {
        if (notExpected.Equals(actual)) Assert.Fail($"Expected a tree other than:\n{notExpected}");
    }
}
