// The IR (Flax.Ir) is the library's internal language: every pass below the public surface reads and writes it.
// Model authors write `using Flax;` and never see it.
global using Flax.Ir;
