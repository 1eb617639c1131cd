"""The contract as of a date: the subscription lines in force on it, and what metrics read.

A line is in force on day D when ``start_date <= D`` and its ``end_date`` is empty or on or
after D: ``end_date`` is the line's last day, inclusive (the importer turns a feed's
exclusive ends into inclusive ones, see docs/reference/data-contract.md). Of the lines in
force on D an account's contract reads:

- ``mrr`` and ``seats``: the sums of the lines' ``mrr`` and ``quantity``; 0 for an account
  with no line in force, as long as the table has a line started by D (a source that is
  not connected is missing, not zero, as for counting aggregates);
- the *main line*: the one with the highest ``mrr`` (ties: the latest start, then the
  product and id in text order, so every engine picks the same line). Its ``product`` is
  the ``plan``, its ``term_months`` the bill period, and the last day of its current term
  the *term end* (``term_end``);
- ``days_since_change``: days since the last day on which the account's MRR or seats in
  force differed from the day before (a first line starting counts as a change).

Only lines started by D are read, and the values of D-N (a change over a window) only
lines started by D-N, so a line that starts after a date never changes what the date
reads. A line's ``end_date`` is read as known from its start (a contract's end is written
when it is signed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from stethoscope.engine.metrics import Day, shift, value_col
from stethoscope.model.types import Attribute, Contract, Model

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

SUBSCRIPTIONS = "subscriptions"


def in_force(lines: ir.Table, day: Day) -> ir.Table:
    """The subscription lines in force on ``day`` (end_date inclusive)."""
    return lines.filter(
        (lines.start_date <= day) & (lines.end_date.isnull() | (lines.end_date >= day))
    )


def _months_after(start: ir.DateValue, months: ir.IntegerValue) -> ir.DateValue:
    # DuckDB and Postgres both clamp to the month's last day (Jan 31 + 1 month = Feb 28/29)
    return (start + months.as_interval("M")).cast("date")


def term_end(lines: ir.Table, day: Day) -> ir.DateValue:
    """For each line in force on ``day``, the last day of its term that ``day`` falls in:
    its ``end_date`` when it has one; for an open line renewing every ``term_months``, the
    day before ``start_date + k * term_months`` months for the first k that passes ``day``
    (terms counted from the start each time, so month ends do not drift); otherwise empty.

    A reusable piece: ``term_end(in_force(subscriptions, D), D)`` gives the current term
    end of every line of every account as of D."""
    start, months = lines.start_date, lines.term_months
    elapsed = (day.year() - start.year()) * 12 + (day.month() - start.month())
    whole = elapsed // months
    # a term that begins later in its month than the day: the day is still in the one before
    began = _months_after(start, whole * months)
    term = whole - ibis.cases((day < began, 1), else_=0)
    computed = _months_after(start, (term + 1) * months) - ibis.interval(days=1)
    return ibis.coalesce(
        lines.end_date, ibis.cases((months.notnull(), computed.cast("date")), else_=None)
    )


def account_terms(backend: BaseBackend, day: Day) -> ir.Table:
    """Per account with a line in force on ``day``: ``_account``, ``mrr``, ``seats``,
    ``plan``, ``term_months`` and ``term_end`` (of the main line, see the module doc)."""
    lines = in_force(backend.table(SUBSCRIPTIONS), day)
    rank = ibis.row_number().over(
        group_by=lines.account_id,
        order_by=[
            ibis.desc(lines.mrr.fill_null(-1.0)),
            ibis.desc(lines.start_date),
            lines.product,
            lines.id,
        ],
    )
    ranked = lines.mutate(_rank=rank, _term_end=term_end(lines, day))
    main = ranked.filter(ranked._rank == 0)
    sums = lines.group_by(lines.account_id.name("_account")).aggregate(
        mrr=lines.mrr.sum(), seats=lines.quantity.sum().cast("int64")
    )
    j = sums.join(main, sums._account == main.account_id)
    return j.select(
        "_account",
        "mrr",
        "seats",
        plan=j.product,
        term_months=j.term_months,
        term_end=j._term_end,
    )


def last_change(backend: BaseBackend, day: Day) -> ir.Table:
    """Per account: ``_account`` and ``_changed``, the last day on or before ``day`` on which
    its MRR or seats in force differed from the day before."""
    s = backend.table(SUBSCRIPTIONS)
    # a contract can only change on the day a line starts or the day after one ends
    starts = s.select(_account=s.account_id, _day=s.start_date.cast("date"))
    ends = s.filter(s.end_date.notnull()).select(
        _account=s.account_id, _day=shift(s.end_date, 1).cast("date")
    )
    days = starts.union(ends).filter(lambda t: t._day <= day).distinct()
    j = days.join(s, (days._account == s.account_id) & (s.start_date <= days._day))

    def live(on: ir.DateValue) -> ir.BooleanValue:
        return (j.start_date <= on) & (j.end_date.isnull() | (j.end_date >= on))

    before = shift(j._day, -1).cast("date")
    per_day = j.group_by(["_account", "_day"]).aggregate(
        _mrr=ibis.cases((live(j._day), j.mrr.fill_null(0.0)), else_=0.0).sum(),
        _mrr_before=ibis.cases((live(before), j.mrr.fill_null(0.0)), else_=0.0).sum(),
        _seats=ibis.cases((live(j._day), j.quantity.fill_null(0)), else_=0).sum(),
        _seats_before=ibis.cases((live(before), j.quantity.fill_null(0)), else_=0).sum(),
    )
    changed = per_day.filter(
        (per_day._mrr != per_day._mrr_before) | (per_day._seats != per_day._seats_before)
    )
    return changed.group_by("_account").aggregate(_changed=changed._day.max())


def _contract_metrics(model: Model) -> dict[str, Contract]:
    return {m.name: m.source for m in model.metrics.values() if isinstance(m.source, Contract)}


def _renewal_metrics(model: Model) -> list[str]:
    return [
        m.name
        for m in model.metrics.values()
        if isinstance(m.source, Attribute) and m.source.name == "days_to_renewal"
    ]


def add_metrics(backend: BaseBackend, model: Model, as_of: Day, t: ir.Table) -> ir.Table:
    """``t`` (a row per account, ``account_id``) with the model's contract metrics, and
    ``days_to_renewal`` read from the contract's term end where the account has one (the
    column already in ``t``, from ``accounts.renewal_date``, otherwise)."""
    wanted = _contract_metrics(model)
    renewal = _renewal_metrics(model)
    if not wanted and not renewal:
        return t
    s = backend.table(SUBSCRIPTIONS)
    connected = (s.filter(s.start_date <= as_of).limit(1).count() > 0).as_scalar()

    def joined(day: Day, suffix: str, t: ir.Table) -> ir.Table:
        terms = account_terms(backend, day)
        terms = terms.select(*[terms[c].name(f"{c}{suffix}") for c in terms.columns])
        j = t.left_join(terms, t.account_id == terms[f"_account{suffix}"])
        return j.select(*t.columns, *[c for c in terms.columns])

    out = joined(as_of, "__now", t)
    for days in sorted({c.change_days for c in wanted.values() if c.change_days}):
        out = joined(shift(as_of, -days), f"__{days}", out)
    if any(c.value == "days_since_change" for c in wanted.values()):
        changed = last_change(backend, as_of)
        j = out.left_join(changed, out.account_id == changed._account)
        out = j.select(*out.columns, "_changed")

    def total(value: str, suffix: str) -> ir.NumericValue:
        # no line in force: 0, if the table has lines by the date at all
        v = out[f"{value}{suffix}"]
        return ibis.cases(
            (out[f"_account{suffix}"].isnull() & connected, ibis.literal(0).cast(v.type())),
            else_=v,
        )

    new: dict[str, ir.Value] = {}
    for name, c in wanted.items():
        if c.change_days:
            now, then = total(c.value, "__now"), total(c.value, f"__{c.change_days}")
            if c.percent:
                new[value_col(name)] = ibis.cases(
                    ((then == 0) & (now == 0), ibis.literal(0.0)),
                    (then == 0, ibis.null("float64")),
                    else_=(now - then).cast("float64") / then * 100,
                )
            else:
                new[value_col(name)] = now - then
        elif c.value in ("mrr", "seats"):
            new[value_col(name)] = total(c.value, "__now")
        elif c.value == "days_to_term_end":
            new[value_col(name)] = out.term_end__now.delta(as_of, unit="day")
        elif c.value == "days_since_change":
            new[value_col(name)] = as_of.delta(out._changed, unit="day")
        else:
            new[value_col(name)] = out[f"{c.value}__now"]
    for name in renewal:
        from_contract = out.term_end__now.delta(as_of, unit="day")
        new[value_col(name)] = ibis.coalesce(from_contract, out[value_col(name)])
    keep = [c for c in t.columns if c not in new]
    return out.select(*keep, **new)
