using System.Text;

namespace Flax.Ir;

/// <summary>Facts about <see cref="Primitive"/> members shared by every pass.</summary>
public static class Primitives
{
    /// <summary>
    /// Whether equations of <paramref name="primitive"/> bind several variables (JAX's <c>multiple_results</c>): their
    /// types come from <c>ShapeInference.InferAll</c>, they are recorded with <c>TraceContext.BindAll</c> and lowered
    /// by <c>LoweringRules.ForMany</c>. Every other primitive binds exactly one.
    /// </summary>
    public static bool HasManyOutputs(this Primitive primitive) => primitive switch
    {
        Primitive.Scan or Primitive.While or Primitive.Cond => true,
        _ => false,
    };

    /// <summary>The printed (lax-style, snake_case) name: <c>dot_general</c>, <c>reduce_window_max</c>, <c>log1p</c>.</summary>
    public static string Name(this Primitive primitive)
    {
        var text = primitive.ToString();
        var name = new StringBuilder(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsUpper(text[i]) && i > 0) name.Append('_');
            name.Append(char.ToLowerInvariant(text[i]));
        }
        return name.ToString();
    }
}
