"""Models shipped with the package, ready to score the demo book: ``stethoscope init
--preset NAME`` writes one as the project's model.yaml.

    dear           Deployment, Engagement, Adoption, ROI with red / yellow / green rules
    four-signals   NPS, usage against peers, ticket thirds paired with usage, gut check
    successscore   six weighted groups, from usage to ROI

Where each comes from is in docs/reference/model.md.
"""

from __future__ import annotations

from importlib import resources

from stethoscope.errors import ModelError
from stethoscope.model.types import Model


def list_presets() -> list[str]:
    """The names of the presets, sorted."""
    folder = resources.files("stethoscope.model").joinpath("presets")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def preset_text(name: str) -> str:
    """The YAML of the preset ``name``, or a ModelError naming the presets there are."""
    names = list_presets()
    if name not in names:
        from stethoscope.model.resolve_columns import suggest

        raise ModelError(
            f"unknown preset '{name}'{suggest(name, names)}",
            hint=f"presets are: {', '.join(names)}",
        )
    path = resources.files("stethoscope.model").joinpath("presets", f"{name}.yaml")
    return path.read_text(encoding="utf-8")


def load_preset(name: str) -> Model:
    """The preset ``name``, resolved."""
    from stethoscope.model.loader import parse_model

    return parse_model(preset_text(name), f"{name}.yaml")
