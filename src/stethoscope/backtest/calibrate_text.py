"""The new model file ``calibrate`` writes: the original model with fitted weights at every
level (or flat scorecards), flipped measures, fitted grading curves and band thresholds,
headed by what each change bought on held-out dates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from stethoscope.model.spec import GRADINGS
from stethoscope.model.types import (
    Boolean,
    Categorical,
    Linear,
    Nps,
    Percentile,
    Tertiles,
    Thresholds,
    ZScore,
)

if TYPE_CHECKING:
    from stethoscope.backtest.calibrate import Calibration
    from stethoscope.model.types import Measure, Model


def model_text(model: Model, cal: Calibration, *, source: str, when: dt.date) -> str:
    """The model's YAML with the calibration's changes, as a new file (the comments of the
    original are not carried over; its keys and their order are)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        """Lists of numbers (thresholds' points, linear's pair) on one line."""

    def seq(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
        flat = all(not isinstance(x, dict | list) for x in data)
        pairs = all(
            isinstance(x, list) and all(not isinstance(v, dict | list) for v in x) for x in data
        )
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat or pairs)

    Dumper.add_representer(list, seq)
    data = yaml.safe_load(model.source)
    for f in cal.cards:
        if f.new is not None:
            _set_weights(data["scorecards"], f.scorecard, f.new)
    for g in cal.groups:
        _set_weights(data["groups"], g["group"], g["new"])
    for m in cal.measures:
        entry = data["measures"][m.measure]
        if m.curve is not None:
            _curve(entry, m.curve.to_yaml())
        elif m.flipped:
            _flip(entry, model.measures[m.measure])
    data["bands"] = [
        {
            k: v
            for k, v in (("name", b.name), ("below", nb["below"]), ("label", b.label))
            if v not in (None, "")
        }
        for b, nb in zip(model.bands, cal.bands, strict=True)
    ]
    return header(model, cal, source=source, when=when) + yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def header(model: Model, cal: Calibration, *, source: str, when: dt.date) -> str:
    """Comment lines: where the file came from and each step's held-out figures."""
    lines = [
        f"{model.name}, calibrated by `stethoscope calibrate` on {when.isoformat()} from "
        f"{source} (version {model.version[:12]}).",
        f"Held out ({len(cal.splits)} later dates, {cal.held_out_observations:,} observations; "
        "each fitted only on dates before it):",
    ]
    for s in cal.steps:
        what = ", ".join(s.changes) + ("" if s.kept else "; not written: no higher AUC")
        changes = f" ({what})" if what else ""
        lines.append(
            f"  {s.name:<8} AUC {_fmt(s.auc)}  top-decile lift {_fmt(s.lift, 2)}  "
            f"churn by band {band_rates(s.bands)}{changes}"
        )
    lines.append("The weights, curves and thresholds below are fitted on every date.")
    lines.append("Review them before using this file as the project's model.")
    return "".join(f"# {line}\n" for line in lines)


def band_rates(bands: list[dict[str, Any]]) -> str:
    """``red 21.0% / yellow 9.5% / green 3.1%``"""

    def pct(r: float | None) -> str:
        return "-" if r is None else f"{r * 100:.1f}%"

    return " / ".join(f"{b['band']} {pct(b['churn_rate'])}" for b in bands)


def _fmt(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def _set_weights(section: dict[str, Any], name: str, weights: dict[str, int]) -> None:
    entry = section[name]
    if isinstance(entry, dict) and "weights" in entry:
        entry["weights"] = dict(weights)
    else:
        section[name] = dict(weights)


def _curve(entry: dict[str, Any], thresholds: dict[str, Any]) -> None:
    """The measure graded by a fitted step curve (a step says which way is better, so
    ``direction`` goes)."""
    for key in (*GRADINGS, "other", "direction"):
        entry.pop(key, None)
    entry["thresholds"] = thresholds
    note = "grading fitted from churn by `stethoscope calibrate`"
    entry["description"] = f"{entry['description']} ({note})" if entry.get("description") else note


def _flip(entry: dict[str, Any], m: Measure) -> None:
    """The measure turned round: every grade g becomes 100 - g (rules and a graded missing
    value too); a percentile or zscore by its direction (a percentile is then ranked again,
    ties taking the best rank of the tie: ``calibrate`` judges it so)."""
    g = m.grading
    for key in (*GRADINGS, "other"):
        entry.pop(key, None)
    match g:
        case Percentile(within):
            entry["percentile"] = {"within": within}
        case Tertiles(within, grades):
            # the same thirds, graded the other way round: exactly 100 - g
            entry["tertiles"] = {"within": within, "grades": [100 - x for x in grades]}
        case ZScore(within):
            entry["zscore"] = {"within": within}
        case Linear(zero, full):
            entry["linear"] = [full, zero]
        case Thresholds(points, below):
            entry["thresholds"] = {
                "points": [[a, 100 - gr] for a, gr in points],
                "below": 100 - below,
            }
        case Nps(detractor, passive, promoter):
            entry["nps"] = {
                "detractor": 100 - detractor,
                "passive": 100 - passive,
                "promoter": 100 - promoter,
            }
        case Boolean(true, false):
            entry["boolean"] = {"true": 100 - true, "false": 100 - false}
        case Categorical(grades, other):
            entry["categories"] = {k: 100 - v for k, v in grades}
            if other is not None:
                entry["other"] = 100 - other
        case _:
            raise AssertionError(f"{m.name}: {type(g).__name__} cannot be flipped")
    if isinstance(g, Percentile | ZScore):
        entry["direction"] = "lower" if m.direction == "higher" else "higher"
    for rule in entry.get("rules") or []:
        rule["grade"] = 100 - rule["grade"]
    if m.missing != "skip":
        entry["missing"] = 100 - float(m.missing)
