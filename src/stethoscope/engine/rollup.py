"""From measure grades to group scores, scorecard scores, coverage and exact contributions.

For a node (a group or a scorecard) whose members i have weights w_i and grades or scores
v_i, with p_i = 1 when v_i is known:

    score = sum(w_i * v_i * p_i) / sum(w_i * p_i)      (missing when no member is known)

so a missing member is left out and the rest re-weighted. A member's effective weight in a
scorecard is the product of the shares w_i * p_i / sum(w_j * p_j) along its path from the
scorecard, and a measure's contribution is its effective weight times its grade: the
contributions add up to the score exactly. Coverage is the share of the scorecard's nominal
weight (w_i / sum(w_j) along the path) whose measures had data.

Every intermediate is its own column, added level by level (groups bottom-up, weights
top-down), so the SQL stays linear in the size of the model.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypeAlias

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from stethoscope.engine.grading import nine_decimals
from stethoscope.model.types import Item, Model, Scale

Num: TypeAlias = ir.NumericValue


def grade_col(measure: str) -> str:
    return f"g__{measure}"


def group_col(group: str) -> str:
    return f"gs__{group}"


# prefixes of the per-scorecard working columns: the frame keeps only each score's result
SCRATCH = ("den__", "ew__", "cs__", "cov__")


def _den_col(node: str) -> str:
    return f"den__{node}"


def card_weight_col(card: str, name: str) -> str:
    """Effective weight of a measure or group under a scorecard."""
    return f"ew__{card}__{name}"


def card_score_col(card: str) -> str:
    return f"cs__{card}"


def card_coverage_col(card: str) -> str:
    return f"cov__{card}"


def _value(t: ir.Table, item: Item) -> Num:
    return t[grade_col(item.name)] if item.kind == "measure" else t[group_col(item.name)]


def _known(t: ir.Table, item: Item) -> Num:
    """w_i * p_i."""
    return ibis.cases(
        (_value(t, item).notnull(), ibis.literal(float(item.weight))), else_=ibis.literal(0.0)
    )


def _sum(xs: list[Num]) -> Num:
    total: Num = ibis.literal(0.0)
    for x in xs:
        total = total + x
    return total


def _levels(model: Model) -> list[list[str]]:
    """Groups by depth: groups of measures only first, then groups holding those, ..."""
    depth: dict[str, int] = {}

    def visit(g: str) -> int:
        if g not in depth:
            depth[g] = 1 + max(
                (visit(i.name) for i in model.groups[g].items if i.kind == "group"), default=-1
            )
        return depth[g]

    for g in model.groups:
        visit(g)
    levels: dict[int, list[str]] = defaultdict(list)
    for g, d in depth.items():
        levels[d].append(g)
    return [sorted(levels[d]) for d in sorted(levels)]


def add_groups(t: ir.Table, model: Model) -> ir.Table:
    """Every group's score and known weight, members before the groups holding them."""
    for level in _levels(model):
        cols: dict[str, Num] = {}
        for g in level:
            items = model.groups[g].items
            den = _sum([_known(t, i) for i in items])
            num = _sum([i.weight * _value(t, i).fill_null(0.0) for i in items])
            cols[_den_col(g)] = den
            cols[group_col(g)] = ibis.cases((den == 0, ibis.null("float64")), else_=num / den)
        t = t.mutate(**cols)
    return t


def _paths(model: Model, card: str) -> list[tuple[str, str, Item]]:
    """(node, its parent node, item) for every member under a scorecard, top-down;
    the scorecard's own members have the scorecard as node."""
    out: list[tuple[str, str, Item]] = []
    frontier: list[tuple[str, str, tuple[Item, ...]]] = [(card, "", model.scorecards[card].items)]
    while frontier:
        nxt: list[tuple[str, str, tuple[Item, ...]]] = []
        for node, parent, items in frontier:
            for i in items:
                out.append((node, parent, i))
                if i.kind == "group":
                    nxt.append((i.name, node, model.groups[i.name].items))
        frontier = nxt
    return out


def nominal_weights(model: Model, card: str) -> dict[str, float]:
    """Each measure's nominal share of a scorecard (all data present)."""
    out: dict[str, float] = defaultdict(float)

    def walk(items: tuple[Item, ...], share: float) -> None:
        total = sum(i.weight for i in items)
        for i in items:
            if i.kind == "measure":
                out[i.name] += share * i.weight / total
            else:
                walk(model.groups[i.name].items, share * i.weight / total)

    walk(model.scorecards[card].items, 1.0)
    return dict(out)


def add_scorecards(t: ir.Table, model: Model, cards: list[str]) -> ir.Table:
    """For each scorecard: its score (0-100), coverage, and the effective weight of every
    member, top-down one level at a time."""
    dens = {c: _sum([_known(t, i) for i in model.scorecards[c].items]) for c in cards}
    t = t.mutate(**{_den_col(c): d for c, d in dens.items()})
    # effective weights, breadth-first: a member's weight needs its parent's
    pending = {c: _paths(model, c) for c in cards}
    done: set[str] = set()
    while any(pending.values()):
        cols: dict[str, Num] = {}
        for c, paths in pending.items():
            ready = [p for p in paths if p[0] == c or card_weight_col(c, p[0]) in done]
            for node, _, item in ready:
                parent = ibis.literal(1.0) if node == c else t[card_weight_col(c, node)]
                den = t[_den_col(node)]
                share = ibis.cases((den > 0, _known(t, item) / den), else_=ibis.literal(0.0))
                name = card_weight_col(c, item.name)
                # a member reachable twice under one scorecard weighs the sum of its paths
                cols[name] = cols[name] + parent * share if name in cols else parent * share
            pending[c] = [p for p in paths if p not in ready]
        done |= set(cols)
        t = t.mutate(**cols)
    out: dict[str, Num] = {}
    for c in cards:
        nominal = nominal_weights(model, c)
        measures = sorted(nominal)
        score = _sum([t[card_weight_col(c, m)] * t[grade_col(m)].fill_null(0.0) for m in measures])
        out[card_score_col(c)] = ibis.cases((t[_den_col(c)] > 0, score), else_=ibis.null("float64"))
        # to nine decimals: DuckDB adds these shares in an order of its own (0.85 where
        # Spark, adding them as written, has 0.8500000000000001)
        out[card_coverage_col(c)] = nine_decimals(
            _sum(
                [
                    ibis.cases(
                        (t[grade_col(m)].notnull(), ibis.literal(nominal[m])),
                        else_=ibis.literal(0.0),
                    )
                    for m in measures
                ]
            )
        )
    return t.mutate(**out)


def members(model: Model, card: str) -> tuple[list[str], list[str]]:
    """(measures, groups) under a scorecard."""
    ms: set[str] = set()
    gs: set[str] = set()
    for _, _, i in _paths(model, card):
        (ms if i.kind == "measure" else gs).add(i.name)
    return sorted(ms), sorted(gs)


def scaled(score: Num, scale: Scale) -> Num:
    """A 0-100 score on the model's scale, rounded to its decimals, half away from zero.

    Rounded as a decimal, not as a double: ROUND of the double 8.35 (stored as
    8.3499999999999996) is 8.3 on DuckDB but 8.4 on Postgres, which rounds its decimal
    text, so a score at a band's edge could fall in another band on another store. As
    DECIMAL(38, 9) (nine decimals, far below any scale's, far above a double's noise on
    a score) both read 8.350000000 and round it to 8.4."""
    raw = scale.min + (scale.max - scale.min) * score / 100
    return raw.cast(dt.Decimal(38, 9)).round(scale.decimals).cast("float64")


def band(score: Num, model: Model) -> ir.StringValue:
    cases = [(score < b.below, ibis.literal(b.name)) for b in model.bands if b.below is not None]
    last = model.bands[-1].name
    return ibis.cases((score.isnull(), ibis.null("string")), *cases, else_=ibis.literal(last))
