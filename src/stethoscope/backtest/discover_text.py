"""The starter model of ``stethoscope discover`` as a model file: the chosen candidates'
metrics as they were computed, one measure each with its thresholds, one scorecard with
the fitted weights, and the bands; headed by comments saying where it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from stethoscope.backtest.candidates import Candidate
    from stethoscope.backtest.discover import Settings
    from stethoscope.backtest.discover_model import Fitted, Measure

NAME = "discovered"


# the starter model's bands, worst first, and their labels
BANDS = (("red", "Act"), ("yellow", "Investigate"), ("green", "Healthy"))


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _describe(m: Measure, c: Candidate) -> str:
    way = "higher" if m.direction == "higher" else "lower"
    return f"{c.description} {way.capitalize()} is healthier (AUC {m.auc:.2f} on its own)."


def model_text(
    fitted: Fitted,
    candidates: dict[str, Candidate],
    *,
    settings: Settings,
    held_out: dict[str, Any] | None,
) -> str:
    """The model file's text (see the module doc); deterministic for the same inputs."""
    from stethoscope.backtest.candidates import metrics_of

    chosen = [candidates[m.name] for m in fitted.measures]
    measures: dict[str, Any] = {}
    for m in fitted.measures:
        measures[m.name] = {
            "metric": m.name,
            "description": _describe(m, candidates[m.name]),
            "thresholds": {
                "points": [[_num(at), g] for at, g in m.points],
                "below": m.below,
            },
        }
        if m.missing is not None:
            measures[m.name]["missing"] = m.missing
    bands: list[dict[str, Any]] = []
    for (name, label), below in zip(BANDS, [*fitted.bands, None], strict=True):
        band: dict[str, Any] = {"name": name}
        if below is not None:
            band["below"] = _num(below)
        band["label"] = label
        bands.append(band)
    data = {
        "name": NAME,
        "description": "Starter model written by `stethoscope discover`: the candidates that "
        "told churners apart best, uncorrelated, graded and weighted on the book's history.",
        "scale": {"min": 0, "max": 100, "decimals": 1},
        "bands": bands,
        "metrics": metrics_of(chosen),
        "measures": measures,
        "scorecards": {NAME: {m.name: m.weight for m in fitted.measures}},
    }
    s = settings
    lines = [
        "# Written by `stethoscope discover` from observations on "
        f"{len(s.dates)} dates, {s.dates[0]} to {s.dates[-1]} (every {s.every}),",
        f"# labelled by churn within {s.horizon} days (lead {s.lead} days); data read up to "
        f"{s.until}.",
    ]
    if held_out:
        auc = held_out["auc"]
        lines.append(
            f"# The same recipe fitted on the dates up to {held_out['fit_dates'][-1]} scored "
            f"the dates from {held_out['test_dates'][0]} at AUC "
            f"{'-' if auc is None else f'{auc:.3f}'}."
        )
    lines.append(
        "# Review every measure (direction, thresholds) before adopting it; "
        "`stethoscope backtest` it on later dates."
    )
    return (
        "\n".join(lines)
        + "\n"
        + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    )


class _Dumper(yaml.SafeDumper):
    """Lists of numbers and short lists of text (thresholds, where values) on one line."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(isinstance(v, int | float | str) for v in data)
    pairs = all(isinstance(v, list) and all(isinstance(x, int | float) for x in v) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat or pairs)


_Dumper.add_representer(list, _list)
