"""Scoring as of one date: one Ibis expression, a row per active account.

The result (the *frame*) is wide: for every metric its value and age, for every measure its
grade, for every group its score, and for every score of the model: the segment and
scorecard chosen, the score on the model's scale, its band and coverage, and each
measure's and group's effective weight and contribution (on the scale), which add up to
the score exactly (before rounding). Column names are built from model names, which the
model's validation restricts to identifiers.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

import ibis
import ibis.expr.types as ir

from stethoscope.engine import attributes, contract
from stethoscope.engine import metrics as mx
from stethoscope.engine.conditions import compile_condition
from stethoscope.engine.grading import grade_expr
from stethoscope.engine.properties import number_of
from stethoscope.engine.rollup import (
    SCRATCH,
    add_groups,
    add_scorecards,
    band,
    card_coverage_col,
    card_score_col,
    card_weight_col,
    grade_col,
    group_col,
    members,
    scaled,
)
from stethoscope.model.types import Attribute, InputRef, Model

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

INPUTS_TABLE = "csm_inputs"


def score_col(score: str) -> str:
    return f"score__{score}"


def weight_col(score: str, name: str) -> str:
    return f"w__{score}__{name}"


def contribution_col(score: str, name: str) -> str:
    return f"c__{score}__{name}"


def active_accounts(backend: BaseBackend, as_of: mx.Day) -> ir.Table:
    """Accounts that are customers on ``as_of``: started by then and not churned since."""
    a = backend.table("accounts")
    o = backend.table("outcomes")
    churned = o.filter((o.kind == "churned") & (o.date <= as_of))
    a = a.filter(a.customer_since <= as_of)
    gone = churned.join(a, (churned.account_id == a.id) & (churned.date >= a.customer_since))
    a = a.anti_join(gone.select(gid=gone.account_id), a.id == gone.select(gid=gone.account_id).gid)
    return a.rename(account_id="id")


def _inputs(backend: BaseBackend, model: Model, as_of: mx.Day, t: ir.Table) -> ir.Table:
    refs = {m.name: m.source.name for m in model.metrics.values() if isinstance(m.source, InputRef)}
    if not refs:
        return t
    i = backend.table(INPUTS_TABLE)
    end = mx.day_start(mx.shift(as_of, 1))
    live = i.filter(
        (i.created_at < end)
        & (i.expires_at.isnull() | (i.expires_at >= end))
        & (i.revoked_at.isnull() | (i.revoked_at >= end))
        & i.name.isin(sorted(set(refs.values())))
    )
    latest = live.group_by([live.account_id.name("_acc"), live.name.name("_input")]).aggregate(
        _num=live.value_number.argmax(live.created_at),
        _text=live.value_text.argmax(live.created_at),
        _at=live.created_at.max(),
    )
    for metric, name in refs.items():
        one = latest.filter(latest._input == name)
        kind = model.metrics[metric].kind
        j = t.left_join(one, t.account_id == one._acc)
        t = j.select(
            *t.columns,
            **{
                mx.value_col(metric): j._text if kind == "text" else j._num,
                mx.age_col(metric): as_of.delta(j._at.date(), unit="day"),
            },
        )
    return t


def _of_kind(value: ir.Value, kind: str) -> ir.Value:
    """An attribute read as the metric's kind: ``attributes.<key>`` with ``kind: number``
    is JSON text, whose number it is when it holds one, else missing (a bad value in one
    account's attributes failed the whole run when grading cast it)."""
    if kind == "number" and value.type().is_string():
        return number_of(cast(ir.StringValue, value))
    return value


def score_frame(
    backend: BaseBackend,
    model: Model,
    as_of: dt.date | mx.Day,
    sources: mx.Sources | None = None,
) -> ir.Table:
    """Every active account scored as of ``as_of`` under ``model`` (see module doc); the
    metrics' scans read ``sources`` where it gives a table (a backfill's staged rows)."""
    as_of = mx.as_day(as_of)
    accounts = active_accounts(backend, as_of)
    # attributes as they were on the date (engine.attributes)
    accounts = attributes.in_force(backend, accounts, as_of, attributes.columns_read(model))
    attrs = {
        mx.value_col(m.name): _of_kind(
            mx.attribute_expr(accounts, m.source.name, as_of, backend.name), m.kind
        )
        for m in model.metrics.values()
        if isinstance(m.source, Attribute)
    }
    # what scoring reads of the account: its metrics and the segment that percentile
    # grading ranks within; the rest is read from `accounts` when shown (carrying it
    # through every join and rank window of the query made each of them slower)
    base = accounts.select("account_id", "segment", **attrs)
    base = contract.add_metrics(backend, model, as_of, base)
    t = mx.metrics_table(backend, model, as_of, base, sources)
    # ratios last: they may divide any number metric, inputs included
    t = mx.add_ratios(_inputs(backend, model, as_of, t), model)

    def column(name: str) -> ir.Value:
        return t[mx.value_col(name)]

    grades = {
        grade_col(m.name): grade_expr(m, column(m.metric), column, t.segment)
        for m in model.measures.values()
    }
    t = add_groups(t.mutate(**grades), model)
    cards = sorted({s.scorecard for score in model.scores.values() for s in score.segments})
    t = add_scorecards(t, model, cards)
    span = (model.scale.max - model.scale.min) / 100

    # in layers, each reading the one before by column: the segment, the scorecard, each
    # score's picks of its scorecard, then the bands of the scores and the contributions
    # of the weights picked. Written as one layer, every pick repeated the whole segment
    # rule (127 copies of one condition in the four-signals preset's 112 kB frame), which
    # DuckDB parsed, bound and optimised again on every date
    segments: dict[str, ir.Value] = {}
    for score in model.scores.values():
        segment = ibis.cases(
            *[
                (
                    compile_condition(s.when, column) if s.when is not None else ibis.literal(True),
                    ibis.literal(s.name),
                )
                for s in score.segments
            ],
            else_=ibis.null("string"),
        )
        segments[f"segment__{score.name}"] = segment
    t = t.mutate(**segments)
    cards_of: dict[str, ir.Value] = {}
    for score in model.scores.values():
        segment = t[f"segment__{score.name}"]
        by_segment = {s.name: s.scorecard for s in score.segments}
        cards_of[f"scorecard__{score.name}"] = ibis.cases(
            *[(segment == s, ibis.literal(c)) for s, c in by_segment.items()],
            else_=ibis.null("string"),
        )
    t = t.mutate(**cards_of)

    picked: dict[str, ir.Value] = {}
    weighed: list[tuple[str, str, str, int]] = []  # (contribution, weight, member, kind)
    # the columns in the order one layer gave them: each score's score, band, coverage,
    # segment and scorecard, then its weights and contributions by member
    order: list[str] = []
    for score in model.scores.values():
        card_of = t[f"scorecard__{score.name}"]
        used = sorted({s.scorecard for s in score.segments})

        def pick(column_of: dict[str, str], card: ir.StringValue = card_of) -> ir.NumericValue:
            return ibis.cases(
                *[(card == c, t[col]) for c, col in column_of.items()],
                else_=ibis.null("float64"),
            )

        s100 = pick({c: card_score_col(c) for c in used})
        picked[score_col(score.name)] = scaled(s100, model.scale)
        picked[f"coverage__{score.name}"] = pick({c: card_coverage_col(c) for c in used})
        order += [
            score_col(score.name),
            f"band__{score.name}",
            f"coverage__{score.name}",
            f"segment__{score.name}",
            f"scorecard__{score.name}",
        ]
        under = {c: members(model, c) for c in used}
        for kind in (0, 1):
            for name in sorted({n for ms in under.values() for n in ms[kind]}):
                w, c = weight_col(score.name, name), contribution_col(score.name, name)
                picked[w] = pick(
                    {
                        card: card_weight_col(card, name)
                        for card in used
                        if name in under[card][kind]
                    }
                )
                weighed.append((c, w, name, kind))
                order += [w, c]
    t = t.mutate(**picked)
    t = t.mutate(
        **{f"band__{s}": band(t[score_col(s)], model) for s in model.scores},
        **{
            c: t[w]
            * (t[grade_col(name)] if kind == 0 else t[group_col(name)]).fill_null(0.0)
            * span
            for c, w, name, kind in weighed
        },
    )
    # the scorecards' working columns are dropped once each score has picked its own
    scored = set(order)
    firsts = [c for c in t.columns if c not in scored and not c.startswith(SCRATCH)]
    return t.select(*firsts, *order)
