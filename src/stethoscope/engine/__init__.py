"""The scoring engine: a resolved model -> Ibis expressions, run on any Ibis backend."""
