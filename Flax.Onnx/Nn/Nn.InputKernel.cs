namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Declares the <c>kernel</c> of a layer whose axis <paramref name="axis"/> is sized by the input's last axis
    /// (Dense, Conv, ConvTranspose). An existing kernel of another size there keeps Flax's
    /// <see cref="ScopeParamShapeException"/> text and adds which input axis caused it: the variables were made for
    /// inputs with another number of features.
    /// </summary>
    /// <param name="scope">The layer's scope.</param>
    /// <param name="inputs">The layer's input.</param>
    /// <param name="init">The kernel initializer.</param>
    /// <param name="shape">The kernel's shape for this input.</param>
    /// <param name="axis">The kernel axis sized by the input's last axis.</param>
    /// <param name="groups">The feature groups that divide the input's last axis for that kernel axis.</param>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    private static Tensor InputKernel(Scope scope, Tensor inputs, Initializer init, int[] shape, int axis, int groups = 1)
    {
        try
        {
            return scope.Param<Tensor>("kernel", init, shape);
        }
        catch (ScopeParamShapeException e) when (e.ValueShape.Length == shape.Length && e.ValueShape[axis] != shape[axis])
        {
            throw new ScopeParamShapeException(e.ParamName, e.ScopePath, e.ValueShape, e.InitShape,
                $" (.NET: kernel axis {axis} is sized by the input's last axis, axis {inputs.Rank - 1}, which has {inputs.Shape[^1]} features here; "
                + $"the variables were made for inputs with {e.ValueShape[axis] * groups})");
        }
    }
}
