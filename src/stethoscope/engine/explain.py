"""Explaining a score: every measure's value, grade, weight and contribution, adding up.

Built from one row of a scoring frame (stored by a run, or computed for the occasion).
Contributions are shown rounded to the model's decimals with the largest-remainder
method, so the shown contributions plus the scale's floor add up to the shown score
exactly; a change between two dates is attributed to the measures whose contributions
moved, and those add up to the change exactly. The lines are the rows the facade returns
and the API answers with (stethoscope.rows).
"""

from __future__ import annotations

import math
from typing import Any

from stethoscope.engine.metrics import age_col, value_col
from stethoscope.engine.rollup import grade_col, group_col
from stethoscope.engine.scoring import contribution_col, score_col, weight_col
from stethoscope.model.types import Model
from stethoscope.rows import Change, ChangeLine, Explanation, GroupLine, MeasureLine

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
    return e.model_copy(update={"trends": out})


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
                measure=m,
                group=parents[m],
                metric=metric,
                value=row.get(value_col(metric)),
                grade=row.get(grade_col(m)),
                weight=float(row.get(weight_col(s, m)) or 0.0),
                contribution=c,
                age_days=int(age) if age is not None else None,
            )
        )
    groups = [
        GroupLine(
            group=g,
            score=row.get(group_col(g)),
            weight=float(row.get(weight_col(s, g)) or 0.0),
            contribution=round(
                sum(x.contribution for x in measures if x.group == g), model.scale.decimals
            ),
        )
        for g in sorted({p for p in parents.values() if p})
    ]
    return Explanation(
        account_id=row["account_id"],
        account_name=row.get("name"),
        as_of=row["as_of"],
        score_name=s,
        model_version=model.version,
        score=score,
        band=row.get(f"band__{s}"),
        coverage=row.get(f"coverage__{s}"),
        segment=row.get(f"segment__{s}"),
        scorecard=scorecard,
        floor=floor,
        measures=measures,
        groups=groups,
        trends={},
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
                measure=name,
                value_from=x.value if x else None,
                value_to=y.value if y else None,
                grade_from=x.grade if x else None,
                grade_to=y.grade if y else None,
                contribution_from=cx,
                contribution_to=cy,
                change=delta,
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
        account_id=after.account_id,
        score_name=after.score_name,
        date_from=before.as_of,
        date_to=after.as_of,
        score_from=before.score,
        score_to=after.score,
        change=change,
        lines=lines,
        moved=moved,
    )
