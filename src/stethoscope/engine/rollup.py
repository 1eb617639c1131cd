"""From measure grades to group scores, scores, coverage, bands and exact contributions.

For a node (a group or a scorecard) whose members i have weights w_i and grades or scores
v_i, with p_i = 1 when v_i is known:

    score = sum(w_i * v_i * p_i) / sum(w_i * p_i)      (missing when no member is known)

so a missing member is left out and the rest re-weighted. A measure's effective weight is
the product of its shares w_i * p_i / sum(w_j * p_j) along its path from the scorecard,
and its contribution is effective weight x grade: contributions add up to the score
exactly. Coverage is the share of the scorecard's nominal weight (w_i / sum(w_j), along
the path) whose measures had data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from stethoscope.model.types import Item, Model, Scale, Scorecard

Num = ir.NumericValue


def grade_col(measure: str) -> str:
    return f"g__{measure}"


def group_col(group: str) -> str:
    return f"gs__{group}"


@dataclass
class Leaves:
    """Effective and nominal weights of the measures and groups under a scorecard."""

    measures: dict[str, list[tuple[Num, Num]]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[str, list[Num]] = field(default_factory=lambda: defaultdict(list))


def group_scores(model: Model, value: Callable[[Item], Num]) -> dict[str, Num]:
    """Every group's score, members before the groups that hold them."""
    out: dict[str, Num] = {}

    def visit(name: str) -> Num:
        if name not in out:
            items = model.groups[name].items
            for i in items:
                if i.kind == "group":
                    visit(i.name)
            out[name] = _weighted(items, lambda i: out[i.name] if i.kind == "group"
                                  else value(i))
        return out[name]

    for g in model.groups:
        visit(g)
    return out


def _weighted(items: tuple[Item, ...], value: Callable[[Item], Num]) -> Num:
    num: Num = ibis.literal(0.0)
    den: Num = ibis.literal(0.0)
    for i in items:
        v = value(i)
        num = num + i.weight * v.fill_null(0.0)
        den = den + ibis.cases((v.notnull(), ibis.literal(float(i.weight))),
                               else_=ibis.literal(0.0))
    return ibis.cases((den == 0, ibis.null("float64")), else_=num / den)


def leaves(model: Model, card: Scorecard, value: Callable[[Item], Num]) -> Leaves:
    """Effective (actual) and nominal weights of every measure and group under ``card``."""
    out = Leaves()

    def walk(items: tuple[Item, ...], share: Num, nominal: Num) -> None:
        total = sum(i.weight for i in items)
        den: Num = ibis.literal(0.0)
        for i in items:
            den = den + ibis.cases((value(i).notnull(), ibis.literal(float(i.weight))),
                                   else_=ibis.literal(0.0))
        for i in items:
            here = ibis.cases((value(i).notnull() & (den > 0), i.weight / den),
                              else_=ibis.literal(0.0)) * share
            nom = nominal * (i.weight / total)
            if i.kind == "measure":
                out.measures[i.name].append((here, nom))
            else:
                out.groups[i.name].append(here)
                walk(model.groups[i.name].items, here, nom)

    walk(card.items, ibis.literal(1.0), ibis.literal(1.0))
    return out


def scaled(score: Num, scale: Scale) -> Num:
    """A 0-100 score on the model's scale, rounded to its decimals."""
    return (scale.min + (scale.max - scale.min) * score / 100).round(scale.decimals)


def band(score: Num, model: Model) -> ir.StringValue:
    cases = [(score < b.below, ibis.literal(b.name)) for b in model.bands if b.below is not None]
    last = model.bands[-1].name
    return ibis.cases((score.isnull(), ibis.null("string")), *cases, else_=ibis.literal(last))
