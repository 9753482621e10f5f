namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>tests/core/design/core_auto_encoder_test.py</c>: an MLP auto-encoder (4 → 3 → 2 → 3 → 4) organised three
/// ways: methods taking the scope, methods bound to a scope (<c>module_method</c>), and children created with their
/// keyword arguments up front.
/// </summary>
public static class AutoEncoders
{
    /// <summary><c>mlp</c>: children <c>hidden</c> and <c>out</c>, with a ReLU between.</summary>
    public static Tensor Mlp(Scope scope, Tensor x, int hidden, int @out)
    {
        x = scope.Child<Tensor, Tensor>((s, h) => Nn.Dense(s, h, hidden), "hidden")(x);
        x = Nn.Relu(x);
        return scope.Child<Tensor, Tensor>((s, h) => Nn.Dense(s, h, @out), "out")(x);
    }

    /// <summary><c>AutoEncoder</c>: hyper-parameters in a record, the scope passed to each method (children
    /// <c>encoder</c>, <c>decoder</c>).</summary>
    public sealed record AutoEncoder(int Latents, int Features, int Hidden)
    {
        /// <summary>Encodes then decodes.</summary>
        public Tensor Call(Scope scope, Tensor x) => Decode(scope, Encode(scope, x));

        /// <summary>The encoder MLP in child <c>encoder</c>.</summary>
        public Tensor Encode(Scope scope, Tensor x) =>
            scope.Child<Tensor, Tensor>((s, h) => Mlp(s, h, Hidden, Latents), "encoder")(x);

        /// <summary>The decoder MLP in child <c>decoder</c>.</summary>
        public Tensor Decode(Scope scope, Tensor z) =>
            scope.Child<Tensor, Tensor>((s, h) => Mlp(s, h, Hidden, Features), "decoder")(z);
    }

    /// <summary>
    /// <c>AutoEncoder2</c>: the scope is part of the object and each method runs in a child of a rewound copy named
    /// after the method (Flax's <c>module_method</c>: <c>encode</c>, <c>decode</c>).
    /// </summary>
    public sealed record AutoEncoder2(Scope Scope, int Latents, int Features, int Hidden)
    {
        /// <summary>Encodes then decodes.</summary>
        public Tensor Call(Tensor x) => Decode(Encode(x));

        /// <summary>The encoder MLP in child <c>encode</c>.</summary>
        public Tensor Encode(Tensor x) => ModuleMethod("encode", s => Mlp(s, x, Hidden, Latents));

        /// <summary>The decoder MLP in child <c>decode</c>.</summary>
        public Tensor Decode(Tensor z) => ModuleMethod("decode", s => Mlp(s, z, Hidden, Features));

        private Tensor ModuleMethod(string name, Func<Scope, Tensor> fn) => Scope.Rewound().Child(fn, name)();
    }

    /// <summary><c>AutoEncoder3.create</c>: the children <c>encode</c> and <c>decode</c> are made with their sizes bound,
    /// then called.</summary>
    public static Func<Tensor, Tensor> AutoEncoder3(Scope scope, int hidden, int latents, int features)
    {
        var encode = scope.Child<Tensor, Tensor>((s, x) => Mlp(s, x, hidden, latents), "encode");
        var decode = scope.Child<Tensor, Tensor>((s, z) => Mlp(s, z, hidden, features), "decode");
        return x => decode(encode(x));
    }
}
