"""The health model: YAML -> *Spec (as written) -> Model (resolved); presets; validation."""
