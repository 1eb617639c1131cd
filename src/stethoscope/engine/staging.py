"""The rows a backfill reads: for each scan, once, only what its dates can need.

A backfill scores every day from ``first`` to ``last`` with the query of one date, run once
per date. Each date of that query reads every source row up to the date (an all-history
metric, such as days since the last login, reads all of them), so a backfill of N dates
read the source tables N times over. Instead, before the first date, each scan's rows are
staged once into a temporary table that holds fewer rows and gives every date the same
aggregates as the whole table:

- rows outside every date's window (older than the first date's window, later than the
  last date) are dropped;
- when every metric of the scan is decided by which values, days or newest times occur
  (distinct counts, shares, active days, days since), the rows of one account are reduced
  to the newest row per (value, day) inside the backfill's dates, and per value before
  them (where every date sees them all): the same values, days and newest times remain;
- counts, sums, averages, minimums, maximums and latest values keep every row in their
  windows (a reduced row would change them); such an all-history scan is not staged;
- a key of the events' JSON properties that a scan reads (``properties.value``, a filter on
  ``properties.plan``) is staged as its text, extracted once: every date then reads a plain
  column. On a 1,000-account book of 1.4M events (a fifth with properties), a backfill of 30
  dates took 41.7 s staged so, 54.3 s with those scans reading the events table and its JSON
  for every date (bench/property_metrics.py).

The date query then reads the staged rows and applies its own window and filters as
before, so a backfill gives exactly what single runs of each date give (tested for every
preset and kind of metric).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis.expr.types as ir

from stethoscope.engine import properties as props
from stethoscope.engine.metrics import (
    Day,
    Members,
    Scan,
    _contacts,
    _is_timestamp,
    _where,
    day_start,
    scans_of,
    shift,
)
from stethoscope.model.types import contact_column

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from stethoscope.model.types import Model

# per aggregate that can be reduced: does it need the day of each row before the
# backfill's dates (active days do; distinct values and the newest time do not)
_REDUCIBLE = {
    "count_distinct": False,
    "share": False,
    "days_since": False,
    "active_days": True,
    "active_days_per_week": True,
}


def stage_name(i: int) -> str:
    return f"stethoscope_stage_{i}"


def staged_scans(model: Model) -> list[tuple[Scan, Members]]:
    """The scans a backfill stages, in a fixed order (their index names their table)."""
    return [(s, m) for s, m in scans_of(model).items() if _stageable(s, m)]


def daily(scan: Scan, members: Members) -> bool:
    """Whether the staged rows of ``scan`` are one per account and day: every member is
    reduced and none keeps distinct values apart."""
    return all(a.fn in _REDUCIBLE and a.fn not in ("count_distinct", "share") for _, a in members)


def _stageable(scan: Scan, members: Members) -> bool:
    return scan.window_days is not None or all(a.fn in _REDUCIBLE for _, a in members)


def stage(backend: BaseBackend, scan: Scan, members: Members, first: Day, last: Day) -> ir.Table:
    """The rows of ``scan`` that its dates ``first`` .. ``last`` need (see module doc)."""
    dialect = backend.name
    t = backend.table(scan.table)
    # a JSON key the scan reads (properties.value) is staged as its text, once
    # (a contact's column is read by the filter below, and every staged row passed it)
    read = [a.column for _, a in members if a.column] + [
        f.column for f in scan.where if contact_column(f.column) is None
    ]
    json_keys = [c for c in dict.fromkeys(read) if props.is_key(c)]
    if json_keys:
        t = t.mutate(**{props.staged_name(c): props.text_of(t, c, dialect) for c in json_keys})

    def name(column: str) -> str:
        return props.staged_name(column) if props.is_key(column) else column

    timestamp = _is_timestamp(scan.table, scan.time)

    def at(d: Day) -> ir.Value:
        return day_start(d) if timestamp else d

    # the first day any date's window covers, and the day after the last date's window
    lo = shift(first, -scan.offset_days - (scan.window_days or 1) + 1)
    hi = at(shift(last, 1 - scan.offset_days))
    time = t[scan.time]
    extra = _where(t, scan.where, dialect, _contacts(backend, scan))

    def kept(cond: ir.BooleanValue) -> ir.Table:
        return t.filter(cond & extra if extra is not None else cond)

    columns = list(dict.fromkeys(["account_id", scan.time, *[name(c) for c in read]]))
    span = kept((time >= at(lo)) & (time < hi))
    if not all(a.fn in _REDUCIBLE for _, a in members):
        return span.select(*columns)
    keys = list(
        dict.fromkeys(
            name(a.column) for _, a in members if a.column and a.fn in ("count_distinct", "share")
        )
    )
    parts = [_newest(span, scan, columns, keys, by_day=True)]
    if scan.window_days is None:
        by_day = any(_REDUCIBLE[a.fn] for _, a in members)
        parts.append(_newest(kept(time < at(lo)), scan, columns, keys, by_day=by_day))
    return parts[0].union(parts[1]) if len(parts) > 1 else parts[0]


def _newest(
    rows: ir.Table, scan: Scan, columns: list[str], keys: list[str], *, by_day: bool
) -> ir.Table:
    """One row per account, key values (and day): the newest time; a filter column keeps
    one of the group's values, all of which passed the filter."""
    time = rows[scan.time]
    group = [rows.account_id, *[rows[k] for k in keys]]
    if by_day:
        day = time.date() if _is_timestamp(scan.table, scan.time) else time
        group.append(day.name("stethoscope_day"))
    others = [c for c in columns if c not in ("account_id", scan.time) and c not in keys]
    out = rows.group_by(group).aggregate(
        **{scan.time: time.max()}, **{c: rows[c].min() for c in others}
    )
    return out.select(*columns)
