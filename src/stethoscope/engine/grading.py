"""Grading: a metric value onto 0-100, as an Ibis expression per measure.

A missing value grades as missing (NULL) unless the measure grades missing values as a
number. Rules come first: the first rule whose condition holds sets the grade.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

from stethoscope.engine.conditions import Column, compile_condition
from stethoscope.model.types import (
    Boolean,
    Categorical,
    Decay,
    Linear,
    Measure,
    Nps,
    Percentile,
    Tertiles,
    Thresholds,
    ZScore,
)

SEGMENT = "segment"


def nine_decimals(x: ir.NumericValue) -> ir.NumericValue:
    """``x`` rounded to nine decimals as a decimal, for a value whose last bits depend on
    the engine's arithmetic: every engine rounds the same decimal digits."""
    return x.cast(idt.Decimal(38, 9)).cast("float64")


def _clamp(x: ir.NumericValue) -> ir.NumericValue:
    return ibis.greatest(ibis.literal(0.0), ibis.least(ibis.literal(100.0), x))


def _rank(
    value: ir.NumericValue,
    within: str,
    direction: str,
    segment: ir.Value,
    *,
    cumulative: bool = False,
) -> ir.NumericValue:
    """Rank in [0, 1] among accounts with a value (in the same segment), better is higher
    after direction: the percent rank (worst 0, best 1), or with ``cumulative`` the share
    of accounts at or below the value. Accounts tied at a value share the best rank of the
    tie (all tied at the best value rank 1); an account alone in its group ranks 0.5."""
    keys = [value.isnull()] + ([segment] if within == "segment" else [])
    order = value if direction == "higher" else -value
    w = ibis.window(group_by=keys, order_by=order)
    n = value.count().over(ibis.window(group_by=keys))
    share = order.cume_dist().over(w)  # accounts at or below, ties included, over n
    # without cumulative: (accounts at or below - 1) / (n - 1), the percent rank with ties
    # taking their best
    rank = share if cumulative else ((share * n).round() - 1) / (n - 1)
    return ibis.cases(
        (value.isnull(), ibis.null("float64")), (n == 1, ibis.literal(0.5)), else_=rank
    )


def grade_expr(m: Measure, value: ir.Value, column: Column, segment: ir.Value) -> ir.NumericValue:
    g = m.grading
    lower = m.direction == "lower"  # only rank-based gradings use it
    num = value
    grade: ir.Value
    match g:
        case Thresholds(points, below):
            # a step function already says which way is better: direction does not apply
            cases = [(num >= at, ibis.literal(float(gr))) for at, gr in reversed(points)]
            grade = ibis.cases(*cases, else_=ibis.literal(float(below)))
        case Linear(zero, full):
            grade = _clamp((num.cast("float64") - zero) / (full - zero) * 100)
        case Percentile(within):
            grade = _rank(num, within, m.direction, segment) * 100
        case Tertiles(within, grades):
            # by cumulative share, so that accounts tied at the best value share the top
            r = _rank(num, within, m.direction, segment, cumulative=True)
            grade = ibis.cases(
                (r.isnull(), ibis.null("float64")),
                (r <= 1 / 3, ibis.literal(float(grades[0]))),
                (r <= 2 / 3, ibis.literal(float(grades[1]))),
                else_=ibis.literal(float(grades[2])),
            )
        case ZScore(within):
            keys = [num.isnull()] + ([segment] if within == "segment" else [])
            # the whole group, summed in the order of the values: the mean and deviation
            # then do not depend on the order rows arrive in (a backfill's plan differs)
            w = ibis.window(group_by=keys, order_by=num, preceding=None, following=None)
            sd = num.std().over(w)
            z = ibis.cases((sd == 0, ibis.literal(0.0)), else_=(num - num.mean().over(w)) / sd)
            # to nine decimals: each engine sums the moments its own way (Spark's deviation
            # differed from DuckDB's in the last bit on the golden book)
            grade = nine_decimals(_clamp(50 + 25 * (-z if lower else z)))
        case Nps(detractor, passive, promoter):
            grade = ibis.cases(
                (num >= 9, ibis.literal(float(promoter))),
                (num >= 7, ibis.literal(float(passive))),
                (num >= 0, ibis.literal(float(detractor))),
            )
        case Boolean(true, false):
            truthy = (
                value.cast("string").lower().isin(["true", "yes", "1", "1.0"])
                if value.type().is_string()
                else value != 0
            )
            grade = ibis.cases(
                (truthy, ibis.literal(float(true))), else_=ibis.literal(float(false))
            )
        case Categorical(grades, other):
            text = value.cast("string")
            grade = ibis.cases(
                *[(text == k, ibis.literal(float(v))) for k, v in grades],
                else_=ibis.literal(other, "float64"),
            )
        case Decay(half_life):
            # to nine decimals, as a decimal: pow differs in its last bit between the C
            # library (DuckDB, Postgres) and Java's (Spark), 17.67766952966369 against
            # 17.677669529663685 for 0.5 ** 2.5 * 100; rounded, every engine agrees
            grade = nine_decimals(100 * ibis.literal(0.5).pow(num.cast("float64") / half_life))
        case _:
            raise AssertionError(g)
    grade = ibis.cases((value.isnull(), ibis.null("float64")), else_=grade.cast("float64"))
    if m.missing != "skip":
        grade = grade.fill_null(float(m.missing))
    if m.rules:
        grade = ibis.cases(
            *[(compile_condition(r.when, column), ibis.literal(float(r.grade))) for r in m.rules],
            else_=grade,
        )
    return grade.cast("float64")
