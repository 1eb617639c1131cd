"""The health model: YAML -> *Spec (as written) -> Model (resolved); presets; validation."""

from stethoscope.model.loader import load_model, parse_model

__all__ = ["load_model", "parse_model"]
