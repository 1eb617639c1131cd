"""The health model in plain words, for the Model page: what each metric counts, how each
measure is graded, how scorecards weigh their groups and measures, and which accounts each
segment takes; and, for the Today page, an account's measures as they stand and why its
score changed, in one line ("NPS 5 answered 161 days ago, detractor; 17 tickets in 90
days"), which is also what a write-back gives the CRM as the top reason. Reads the resolved
model and explanations only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stethoscope.model import types as t

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.rows import Change, Explanation, MeasureLine

_FN = {
    "count": "the number of rows",
    "count_distinct": "the number of distinct values of {col}",
    "active_days": "the number of days with any row",
    "active_days_per_week": "the days with any row per week",
    "sum": "the sum of {col}",
    "avg": "the average of {col}",
    "min": "the lowest {col}",
    "max": "the highest {col}",
    "latest": "the most recent {col}",
    "days_since": "the days since the most recent row",
    "share": "the share (0-100) of {share} seen in {col}",
}
_OPS = {"==": "is", "!=": "is not", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _value(v: t.Scalar) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return f"'{v}'"


def _operand(o: t.Name | t.Const) -> str:
    return o.name if isinstance(o, t.Name) else _value(o.value)


def condition(e: t.Expr) -> str:
    """A condition as a person would say it."""
    if isinstance(e, t.Compare):
        return f"{_operand(e.left)} {_OPS[e.op]} {_operand(e.right)}"
    if isinstance(e, t.In):
        values = ", ".join(_value(v) for v in e.values)
        return f"{e.name.name} is {'none' if e.negated else 'one'} of {values}"
    if isinstance(e, t.IsMissing):
        return f"{e.name.name} is {'known' if e.negated else 'missing'}"
    if isinstance(e, t.And):
        return " and ".join(_group(i) for i in e.items)
    if isinstance(e, t.Or):
        return " or ".join(_group(i) for i in e.items)
    return f"not ({condition(e.item)})"


def _group(e: t.Expr) -> str:
    text = condition(e)
    return f"({text})" if isinstance(e, t.And | t.Or) else text


_CONTRACT = {
    "mrr": "the MRR",
    "seats": "the seats",
    "plan": "the plan (the product of the line with the highest MRR)",
    "term_months": "the bill period in months",
    "days_to_term_end": "the days to the end of the current term",
    "days_since_change": "the days since MRR or seats last changed",
}


def metric(m: t.Metric) -> str:
    """What a metric computes."""
    s = m.source
    if isinstance(s, t.Aggregate):
        what = _FN[s.fn].format(col=s.column or "", share=", ".join(s.share_of))
        text = f"{what} in {s.table}"
        if s.where:
            text += " where " + " and ".join(
                f"{f.column} is {'not ' if f.negated else ''}"
                f"{' or '.join(_value(v) for v in f.values)}"
                for f in s.where
            )
        window = f"the last {s.window_days} days" if s.window_days else "all history"
        text = f"{text}, over {window}"
        if s.scale == "tenure":
            text += ", scaled to the whole window for an account younger than it"
        if s.per == "user":
            text += ", per active user"
        return text
    if isinstance(s, t.PercentChange):
        against = "the window before" if s.vs == "previous" else "the same window a year before"
        return f"the percent change of {s.metric} against {against}"
    if isinstance(s, t.Ratio):
        return f"{s.numerator} divided by {s.denominator}"
    if isinstance(s, t.Attribute):
        return f"the account's {s.name}"
    if isinstance(s, t.Contract):
        what = _CONTRACT[s.value]
        if s.change_days is None:
            return f"{what}, from the subscription lines in force"
        unit = "in percent" if s.percent else "as an amount"
        return f"the change of {what} over the last {s.change_days} days, {unit}"
    return f"the CSM input {s.name} (its live value)"


def grading(m: t.Measure) -> str:
    """How a measure turns its metric's value into a grade from 0 to 100."""
    g = m.grading
    among = {"all": "all scored accounts", "segment": "the accounts of the same segment"}
    if isinstance(g, t.Thresholds):
        steps = "; ".join(f"at least {at:g}: {grade:g}" for at, grade in g.points)
        text = f"in steps: {steps}; below {g.points[0][0]:g}: {g.below:g}"
    elif isinstance(g, t.Linear):
        text = f"on a line: {g.zero:g} gives 0, {g.full:g} gives 100, in between in proportion"
    elif isinstance(g, t.Percentile):
        text = f"by percent rank among {among[g.within]}"
    elif isinstance(g, t.Tertiles):
        low, mid, high = g.grades
        text = (
            f"in thirds among {among[g.within]}: the best third {high:g}, the middle "
            f"{mid:g}, the worst {low:g}"
        )
    elif isinstance(g, t.ZScore):
        text = f"50 + 25 x its z-score among {among[g.within]}, kept within 0-100"
    elif isinstance(g, t.Nps):
        text = (
            f"as NPS: detractor (0-6) {g.detractor:g}, passive (7-8) {g.passive:g}, "
            f"promoter (9-10) {g.promoter:g}"
        )
    elif isinstance(g, t.Boolean):
        text = f"yes {g.true:g}, no {g.false:g}"
    elif isinstance(g, t.Categorical):
        text = ", ".join(f"'{k}' {v:g}" for k, v in g.grades)
        text += "; any other value " + ("is missing" if g.other is None else f"{g.other:g}")
    else:
        text = f"decaying: 100, halved every {g.half_life_days:g} days"
    if isinstance(g, t.Percentile | t.Tertiles | t.ZScore | t.Linear | t.Thresholds):
        text += "; " + ("higher is better" if m.direction == "higher" else "lower is better")
    return text


def missing(m: t.Measure) -> str:
    if m.missing == "skip":
        return "left out, its weight shared by the others"
    return f"graded {m.missing:g}"


def describe(model: Model) -> dict[str, Any]:
    """The model as plain data with words: scores and their segments, scorecards with the
    weights of their items as shares, measures with their grading, metrics, inputs."""

    def items(parent: tuple[t.Item, ...]) -> list[dict[str, Any]]:
        total = sum(i.weight for i in parent) or 1
        out = []
        for i in parent:
            row: dict[str, Any] = {
                "name": i.name,
                "kind": i.kind,
                "weight": i.weight,
                "share": i.weight / total,
            }
            if i.kind == "group":
                row["items"] = items(model.groups[i.name].items)
                row["description"] = model.groups[i.name].description
            else:
                row["description"] = model.measures[i.name].description
            out.append(row)
        return out

    return {
        "name": model.name,
        "description": model.description,
        "version": model.version,
        "scale": {"min": model.scale.min, "max": model.scale.max, "decimals": model.scale.decimals},
        "scores": [
            {
                "name": s.name,
                "description": s.description,
                "segments": [
                    {
                        "name": seg.name,
                        "scorecard": seg.scorecard,
                        "when": "every other account" if seg.when is None else condition(seg.when),
                    }
                    for seg in s.segments
                ],
            }
            for s in model.scores.values()
        ],
        "scorecards": [
            {"name": c.name, "description": c.description, "items": items(c.items)}
            for c in model.scorecards.values()
        ],
        "measures": [
            {
                "name": m.name,
                "metric": m.metric,
                "metric_words": metric(model.metrics[m.metric]),
                "metric_description": model.metrics[m.metric].description,
                "grading": grading(m),
                "missing": missing(m),
                "rules": [{"when": condition(r.when), "grade": r.grade} for r in m.rules],
                "description": m.description,
            }
            for m in model.measures.values()
        ],
        "inputs": declared_inputs(model),
    }


# -- an account's measures in words (the Today page) ------------------------------------

# how a value's age reads for a row of these tables ("answered 161 days ago")
_AGE_VERB = {"surveys": "answered", "tickets": "opened", "touchpoints": "logged"}
REASON_MEASURES = 2  # a change's reason names this many measures, the largest moves first


def _number(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _filters(where: tuple[t.Filter, ...]) -> str:
    return ", ".join(
        f"{f.column} {'not ' if f.negated else ''}{' or '.join(str(v) for v in f.values)}"
        for f in where
    )


def _short(model: Model, metric: str, v: Any) -> str:
    """A metric's value alone: a percent change as "-13%", any other as a number."""
    if isinstance(model.metrics[metric].source, t.PercentChange) and isinstance(v, int | float):
        return f"{float(v):+.0f}%"
    return _number(v)


def measure_value(model: Model, line: MeasureLine) -> str:
    """A measure's metric value on a date as a person would say it, from the metric's
    definition: "17 tickets in 90 days", "NPS 5 answered 161 days ago, detractor", "38
    days since the last touchpoint (kind call or meeting)"."""
    m = model.metrics[line.metric]
    grading = model.measures[line.measure].grading
    s, v = m.source, line.value
    label = "NPS" if isinstance(grading, t.Nps) else line.metric.replace("_", " ")
    if v is None:
        return f"no {label}"
    text = f"{label} {_number(v)}"
    if isinstance(s, t.Aggregate):
        span = f"in {s.window_days} days" if s.window_days else "ever"
        where = f" ({_filters(s.where)})" if s.where else ""
        if s.fn == "count":
            text = f"{_number(v)} {s.table}{where} {span}"
        elif s.fn == "active_days":
            text = f"{_number(v)} active days {span}"
        elif s.fn == "days_since":
            text = f"{_number(v)} days since the last {s.table.removesuffix('s')}{where}"
        elif s.fn == "latest" and line.age_days is not None:
            text += f" {_AGE_VERB.get(s.table, 'dated')} {line.age_days} days ago"
    elif isinstance(s, t.PercentChange):
        change = _short(model, line.metric, v)
        text = f"{s.metric.replace('_', ' ')} {change} against the window before"
    elif isinstance(s, t.InputRef):
        text = f"the CSM's {label} {_number(v)}"
    if isinstance(grading, t.Nps) and isinstance(v, int | float):
        text += ", " + ("detractor" if v <= 6 else "passive" if v <= 8 else "promoter")
    return text


def change_reason(model: Model, change: Change | None, now: Explanation | None) -> str:
    """Why an account's score moved, in one line: the measures that moved it most in the
    direction it went (each as it stands now, and what it was when it differs), and a
    move of the model (another scorecard or segment) first."""
    if change is None or now is None:
        return "not explained: the account's scores of both dates are not stored"
    lines = {ln.measure: ln for ln in now.measures}
    falling = (change.change or 0) < 0
    moved = [c for c in change.lines if (c.change < 0) == falling and c.change != 0]
    parts = [f"the model moved it ({what})" for what in change.moved]
    for c in (moved or change.lines)[:REASON_MEASURES]:
        line = lines.get(c.measure)
        if line is None:  # no longer on the account's scorecard
            parts.append(f"{c.measure} left out")
            continue
        text = measure_value(model, line)
        if c.value_from is not None and c.value_from != c.value_to:
            text += f" (was {_short(model, line.metric, c.value_from)})"
        parts.append(text)
    return "; ".join(parts) or "no measure moved"


def declared_inputs(model: Model) -> list[dict[str, Any]]:
    """The CSM inputs the model declares, as the pages show them."""
    return [
        {
            "name": i.name,
            "kind": i.kind,
            "choices": list(i.choices),
            "minimum": i.minimum,
            "maximum": i.maximum,
            "expires_days": i.expires_days,
            "description": i.description,
        }
        for i in model.inputs.values()
    ]
