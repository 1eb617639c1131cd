"""Explaining a score: every measure's value, grade, weight and contribution, adding up.

Built from one row of a scoring frame (stored by a run, or computed for the occasion).
Contributions are shown rounded to the model's decimals with the largest-remainder
method, so the shown contributions plus the scale's floor add up to the shown score
exactly; a change between two dates is attributed to the measures whose contributions
moved, and those add up to the change exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from stethoscope.engine.metrics import age_col, value_col
from stethoscope.engine.rollup import grade_col, group_col
from stethoscope.engine.scoring import contribution_col, score_col, weight_col
from stethoscope.model.types import Model


@dataclass(frozen=True)
class MeasureLine:
    measure: str
    group: str | None  # the group that holds it (None: directly on the scorecard)
    metric: str
    value: Any  # the metric value (None: missing)
    grade: float | None  # 0-100
    weight: float  # effective share of the score, 0-1 (0 when missing)
    contribution: float  # on the scale, rounded
    age_days: int | None  # age of the newest data behind the value


@dataclass(frozen=True)
class GroupLine:
    group: str
    score: float | None  # 0-100
    weight: float
    contribution: float


@dataclass(frozen=True)
class Explanation:
    account_id: str
    account_name: str | None
    as_of: str
    score_name: str
    model_version: str
    score: float | None
    band: str | None
    coverage: float | None
    segment: str | None
    scorecard: str | None
    floor: float  # the scale's minimum: contributions + floor = score
    measures: list[MeasureLine]
    groups: list[GroupLine]
    # change of the score and of each group score over 7, 30 and 90 days, from stored
    # history under the same model version (None where there is no score to compare)
    trends: dict[str, dict[int, float | None]] = field(default_factory=dict)


TREND_DAYS = (7, 30, 90)


def with_trends(
    e: Explanation, model: Model, past: dict[int, dict[str, Any] | None]
) -> Explanation:
    """``e`` with the change of its score and group scores against ``past`` frame rows."""
    out: dict[str, dict[int, float | None]] = {"score": {}}
    for g in e.groups:
        out[g.group] = {}
    for days in TREND_DAYS:
        then = past.get(days)
        before = then.get(score_col(e.score_name)) if then else None
        out["score"][days] = (
            round(e.score - before, model.scale.decimals)
            if e.score is not None and before is not None
            else None
        )
        for g in e.groups:
            old = then.get(group_col(g.group)) if then else None
            out[g.group][days] = (
                round(g.score - old, 2) if g.score is not None and old is not None else None
            )
    return replace(e, trends=out)


@dataclass(frozen=True)
class ChangeLine:
    measure: str
    value_from: Any
    value_to: Any
    grade_from: float | None
    grade_to: float | None
    contribution_from: float
    contribution_to: float
    change: float


@dataclass(frozen=True)
class Change:
    account_id: str
    score_name: str
    date_from: str
    date_to: str
    score_from: float | None
    score_to: float | None
    change: float | None
    lines: list[ChangeLine]  # measures that moved, largest change first
    # what the model did rather than the customer: "scorecard onboarding → standard",
    # "segment smb → mid-market" (None: read on the same scorecard and segment both days)
    moved: list[str] = field(default_factory=list)


def round_parts(parts: list[float], total: float, decimals: int) -> list[float]:
    """Round ``parts`` to ``decimals`` so that they add up to ``total`` (already rounded)."""
    unit = 10**decimals
    scaled = [p * unit for p in parts]
    floors = [math.floor(s + 1e-9) for s in scaled]
    missing = round(total * unit) - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: scaled[i] - floors[i], reverse=True)
    for i in order[: max(0, missing)]:
        floors[i] += 1
    if missing < 0:  # only by float noise; take from the smallest remainders
        for i in list(reversed(order))[:-missing]:
            floors[i] -= 1
    return [f / unit for f in floors]


def _parents(model: Model, scorecard: str | None) -> dict[str, str | None]:
    """measure -> the group holding it under ``scorecard`` (None on the scorecard itself)."""
    out: dict[str, str | None] = {}
    if scorecard is None:
        return out

    def walk(items: Any, parent: str | None) -> None:
        for i in items:
            if i.kind == "measure":
                out.setdefault(i.name, parent)
            else:
                walk(model.groups[i.name].items, i.name)

    walk(model.scorecards[scorecard].items, None)
    return out


def explain_row(model: Model, row: dict[str, Any], score_name: str) -> Explanation:
    s = score_name
    scorecard = row.get(f"scorecard__{s}")
    parents = _parents(model, scorecard)
    score = row.get(score_col(s))
    names = sorted(parents, key=lambda m: (parents[m] or "", m))
    raw = [float(row.get(contribution_col(s, m)) or 0.0) for m in names]
    floor = model.scale.min
    shown = round_parts(
        raw, (score - floor) if score is not None else sum(raw), model.scale.decimals
    )
    measures = []
    for m, c in zip(names, shown, strict=True):
        metric = model.measures[m].metric
        age = row.get(age_col(metric))
        measures.append(
            MeasureLine(
                m,
                parents[m],
                metric,
                row.get(value_col(metric)),
                row.get(grade_col(m)),
                float(row.get(weight_col(s, m)) or 0.0),
                c,
                int(age) if age is not None else None,
            )
        )
    groups = [
        GroupLine(
            g,
            row.get(group_col(g)),
            float(row.get(weight_col(s, g)) or 0.0),
            round(sum(x.contribution for x in measures if x.group == g), model.scale.decimals),
        )
        for g in sorted({p for p in parents.values() if p})
    ]
    return Explanation(
        row["account_id"],
        row.get("name"),
        str(row["as_of"]),
        s,
        model.version,
        score,
        row.get(f"band__{s}"),
        row.get(f"coverage__{s}"),
        row.get(f"segment__{s}"),
        scorecard,
        floor,
        measures,
        groups,
    )


def compare(before: Explanation, after: Explanation, decimals: int) -> Change:
    """Attribute the change of the score between two explanations to its measures."""
    a = {m.measure: m for m in before.measures}
    b = {m.measure: m for m in after.measures}
    lines = []
    for name in sorted(a.keys() | b.keys()):
        x, y = a.get(name), b.get(name)
        cx = x.contribution if x else 0.0
        cy = y.contribution if y else 0.0
        delta = round(cy - cx, decimals)
        if delta == 0 and (x and y and x.grade == y.grade):
            continue
        lines.append(
            ChangeLine(
                name,
                x.value if x else None,
                y.value if y else None,
                x.grade if x else None,
                y.grade if y else None,
                cx,
                cy,
                delta,
            )
        )
    lines.sort(key=lambda ln: (-abs(ln.change), ln.measure))
    change = (
        round(after.score - before.score, decimals)
        if after.score is not None and before.score is not None
        else None
    )
    moved = [
        f"{what} {x or '-'} → {y or '-'}"
        for what, x, y in (
            ("scorecard", before.scorecard, after.scorecard),
            ("segment", before.segment, after.segment),
        )
        if x != y
    ]
    return Change(
        after.account_id,
        after.score_name,
        before.as_of,
        after.as_of,
        before.score,
        after.score,
        change,
        lines,
        moved,
    )
