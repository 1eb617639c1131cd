"""Metrics as of one date, as one Ibis table: a row per active account, a column per metric.

Aggregate metrics over the same table, filters and window share one scan and one GROUP BY
(the fastest form on DuckDB: one window per aggregate query, joined per account). A window
of N days ending at the as-of date D covers the calendar days D-N+1 .. D; the as-of date is
included whole and nothing after it is read.

Besides its value ``m__<metric>``, every aggregate metric has ``age__<metric>``: days from
the newest row behind it to D (its freshness).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, cast

import ibis
import ibis.expr.types as ir

from stethoscope.contract.schema import TABLES
from stethoscope.engine import properties as props
from stethoscope.model.types import (
    Aggregate,
    Attribute,
    Filter,
    InputRef,
    Metric,
    Model,
    PercentChange,
    Ratio,
    contact_column,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend


_COUNTS = ("count", "count_distinct", "active_days", "active_days_per_week", "share")


def value_col(metric: str) -> str:
    return f"m__{metric}"


def age_col(metric: str) -> str:
    return f"age__{metric}"


@dataclass(frozen=True)
class Scan:
    """What aggregate metrics share: one table, one filter, one window (shifted back by
    ``offset_days`` for the earlier window of a percent change)."""

    table: str
    time: str  # the column that places rows in time
    where: tuple[Filter, ...]
    window_days: int | None
    offset_days: int = 0


# An as-of date is an Ibis date expression: a literal for one date, or a value the runner
# sets before each date of a backfill, so that the query is compiled once.
Day: TypeAlias = ir.DateValue


def as_day(d: dt.date | Day) -> Day:
    return cast(Day, ibis.literal(d)) if isinstance(d, dt.date) else d


def shift(d: Day, days: int) -> Day:
    return d + ibis.interval(days=days) if days else d


def day_start(d: Day) -> ir.TimestampValue:
    return d.cast("timestamp")


def time_of(agg: Aggregate) -> str:
    """The column that places an aggregate's rows in time."""
    col = agg.time_column or TABLES[agg.table].time_column
    assert col is not None, agg.table
    return col


def _bounds(
    t: ir.Table, table: str, time_col: str, as_of: Day, window: int | None, offset: int
) -> ir.BooleanValue:
    """Rows of the window ending ``offset`` days before ``as_of``, nothing after ``as_of``.
    A row without a time (say, a goal not yet achieved) is in no window."""
    end = shift(as_of, -offset)
    time = t[time_col]
    is_date = not _is_timestamp(table, time_col)
    hi = shift(end, 1)
    cond = time < (hi if is_date else day_start(hi))
    if window is not None:
        lo = shift(end, -(window - 1))
        cond = cond & (time >= (lo if is_date else day_start(lo)))
    return cond


def _filters(agg: Aggregate) -> tuple[Filter, ...]:
    """The rows an aggregate reads: its filters, and for a share, the listed values only
    (a filter before the scan, not inside the count: far faster, and the metric's
    freshness is then that of the rows it counts)."""
    if agg.fn == "share":
        assert agg.column is not None
        return (*agg.where, Filter(agg.column, agg.share_of))
    return agg.where


def _where(
    t: ir.Table, filters: tuple[Filter, ...], dialect: str, contacts: ir.Table | None
) -> ir.BooleanValue | None:
    """The rows ``filters`` keep. A ``contact.<column>`` filter keeps the rows whose
    ``user_id`` is one of the ``contacts`` it selects (a semi-join); ``contacts`` None:
    ``t`` holds staged rows, which kept only those already (see ``staging.stage``)."""
    cond: ir.BooleanValue | None = None
    for f in filters:
        name = contact_column(f.column)
        if name is not None:
            if contacts is None:
                continue
            picked = contacts.filter(contacts[name].isin(list(f.values))).id
            # a row without a user has no value: NULL IN (...) is NULL, read as no
            c = t.user_id.isin(picked).fill_null(False)
            c = ~c if f.negated else c
        elif props.is_key(f.column):
            c = props.key_condition(t, f, dialect)
        else:
            c = t[f.column].isin(list(f.values))
            c = ~c if f.negated else c
        cond = c if cond is None else cond & c
    return cond


def _column(t: ir.Table, agg: Aggregate, dialect: str) -> ir.Value | None:
    """What the aggregate reads: its column, or a JSON key's number (text for the
    aggregates of distinct values)."""
    if agg.column is None or not props.is_key(agg.column):
        return t[agg.column] if agg.column else None
    text = props.text_of(t, agg.column, dialect)
    return text if agg.fn in ("count_distinct", "share") else props.number_of(text)


def _aggregate(
    t: ir.Table,
    agg: Aggregate,
    table: str,
    as_of: Day,
    window: int | None,
    dialect: str,
    daily: bool = False,
) -> ir.Value:
    time = t[time_of(agg)]
    col = _column(t, agg, dialect)
    match agg.fn:
        case "count":
            return t.count()
        case "count_distinct":
            assert col is not None
            return col.nunique()
        case "active_days" | "active_days_per_week":
            if daily:  # the rows are days already: counting them is far cheaper
                days = t.count()
            else:
                days = (time.date() if _is_timestamp(table, time_of(agg)) else time).nunique()
            if agg.fn == "active_days":
                return days
            return days.cast("float64") / ((window or 7) / 7)
        case "sum":
            assert col is not None
            return col.sum()
        case "avg":
            assert col is not None
            return col.mean()
        case "min":
            assert col is not None
            return col.min()
        case "max":
            assert col is not None
            return col.max()
        case "latest":
            assert col is not None
            if agg.column is not None and props.is_key(agg.column):
                # the newest row with a number: a bad value is missing, not the latest
                return col.argmax(time, where=col.notnull())
            return col.argmax(time)
        case "days_since":
            newest = time.max()
            newest_day = newest.date() if _is_timestamp(table, time_of(agg)) else newest
            return as_of.delta(newest_day, unit="day")
        case "share":
            # the rows are those of the listed values already (see _filters)
            assert col is not None
            return col.nunique().cast("float64") / len(agg.share_of) * 100
    raise AssertionError(agg.fn)


Members: TypeAlias = list[tuple[str, Aggregate]]


@dataclass(frozen=True)
class Source:
    """Rows a scan reads in place of its table (a backfill's staged rows), which give the
    same aggregates for every date they serve; ``daily``: one row per account and day, so
    that an account's active days are its rows."""

    table: ir.Table
    daily: bool = False


Sources: TypeAlias = Callable[[Scan], Source | None]


def scans_of(model: Model) -> dict[Scan, Members]:
    """The model's aggregate metrics by the scan they share, in the model's order (the
    earlier window of a percent change is a scan of its own, named ``<metric>__<vs>``;
    the active users a ``per: user`` metric divides by are a member ``users_member``)."""
    scans: dict[Scan, Members] = defaultdict(list)
    aggregates = {
        m.name: m.source for m in model.metrics.values() if isinstance(m.source, Aggregate)
    }

    def add(name: str, agg: Aggregate, offset: int = 0) -> None:
        scan = Scan(agg.table, time_of(agg), _filters(agg), agg.window_days, offset)
        scans[scan].append((name, agg))
        users = users_member(agg.window_days, offset)
        if agg.per == "user" and all(n != users for n, _ in scans[_users_scan(agg, offset)]):
            scans[_users_scan(agg, offset)].append((users, _users(agg.window_days)))

    for name, agg in aggregates.items():
        add(name, agg)
    for m in model.metrics.values():
        if isinstance(m.source, PercentChange):
            base = aggregates[m.source.metric]
            offset = base.window_days or 0 if m.source.vs == "previous" else 365
            add(f"{m.source.metric}__{m.source.vs}", base, offset)
    return dict(scans)


def users_member(window: int | None, offset: int) -> str:
    """The member counting the distinct active users of a window (a name no metric can
    have: metric names start with a letter)."""
    return f"_users_{window or 'all'}_{offset}"


def _users(window: int | None) -> Aggregate:
    return Aggregate("events", "count_distinct", "user_id", window, time_column="timestamp")


def _users_scan(agg: Aggregate, offset: int) -> Scan:
    return Scan("events", "timestamp", (), agg.window_days, offset)


def _contacts(backend: BaseBackend, scan: Scan) -> ir.Table | None:
    """The contacts table, when a filter of ``scan`` reads it."""
    if any(contact_column(f.column) for f in scan.where):
        return backend.table("contacts")
    return None


def _helper(member: str) -> bool:
    """A member that only serves others (active users): no value or age of its own."""
    return member.startswith("_")


def metrics_table(
    backend: BaseBackend,
    model: Model,
    as_of: Day,
    accounts: ir.Table,
    sources: Sources | None = None,
) -> ir.Table:
    """``accounts`` (active accounts with attribute columns) joined with every aggregate
    and percent change metric (ratios come later, see ``add_ratios``); a scan reads
    ``sources(scan)`` when that gives a table, else its own table."""
    out = accounts
    dialect = backend.name
    scans = scans_of(model)
    for scan, members in scans.items():
        end = shift(as_of, -scan.offset_days)
        staged = sources(scan) if sources else None
        t = staged.table if staged is not None else backend.table(scan.table)
        daily = staged is not None and staged.daily
        cond = _bounds(t, scan.table, scan.time, as_of, scan.window_days, scan.offset_days)
        contacts = None if staged is not None else _contacts(backend, scan)
        extra = _where(t, scan.where, dialect, contacts)
        rows = t.filter(cond & extra if extra is not None else cond)
        values = {
            value_col(n): _aggregate(rows, a, scan.table, end, scan.window_days, dialect, daily)
            for n, a in members
        }
        if scan.offset_days == 0:
            values["_newest"] = rows[scan.time].max()
        grouped = rows.group_by(rows.account_id.name("_account")).aggregate(**values)
        joined = out.left_join(grouped, out.account_id == grouped._account)
        new: dict[str, ir.Value] = {}
        if scan.offset_days == 0:
            day = joined._newest.date() if _is_timestamp(scan.table, scan.time) else joined._newest
            new = {
                age_col(name): as_of.delta(day, unit="day")
                for name, _ in members
                if not _helper(name)
            }
        out = _keep(joined, ("_account", "_newest"), new)
        # an account without rows counts zero, but only if the table has any data up to
        # the date: a source that is not connected is unknown, not zero (and not red)
        counted = [name for name, agg in members if agg.fn in _COUNTS]
        if counted:
            whole = backend.table(scan.table)
            upto = whole.filter(_bounds(whole, scan.table, scan.time, end, None, 0))
            has_data = upto.limit(1).count() > 0
            out = out.mutate(
                **{
                    value_col(n): ibis.cases(
                        (has_data.as_scalar(), out[value_col(n)].fill_null(0)),
                        else_=out[value_col(n)],
                    )
                    for n in counted
                }
            )
    out = _rates(backend, out, scans, as_of)

    for m in model.metrics.values():
        src = m.source
        if isinstance(src, PercentChange):
            now, then = out[value_col(src.metric)], out[value_col(f"{src.metric}__{src.vs}")]
            change = ibis.cases(
                ((then == 0) & (now == 0), ibis.literal(0.0)),
                (then == 0, ibis.null("float64")),
                else_=(now - then).cast("float64") / then * 100,
            )
            out = _keep(out, (value_col(f"{src.metric}__{src.vs}"),), {value_col(m.name): change})
    return out


def _rates(backend: BaseBackend, out: ir.Table, scans: dict[Scan, Members], as_of: Day) -> ir.Table:
    """The members with ``per`` or ``scale`` divided by their window's active users and
    scaled to the days of their window the account has existed; the helpers dropped."""
    rated = {
        (name, scan.offset_days): agg
        for scan, members in scans.items()
        for name, agg in members
        if agg.per or agg.scale
    }
    helpers = [value_col(n) for members in scans.values() for n, _ in members if _helper(n)]
    if not rated:
        return _keep(out, tuple(helpers), {}) if helpers else out
    since: ir.Value | None = None
    if any(agg.scale for agg in rated.values()):
        a = backend.table("accounts")
        acc = a.select(_since_id=a.id, _since=a.customer_since)
        out = out.left_join(acc, out.account_id == acc._since_id)
        helpers += ["_since_id", "_since"]
        since = out._since
    new: dict[str, ir.Value] = {}
    for (name, offset), agg in rated.items():
        value = out[value_col(name)].cast("float64")
        if agg.scale == "tenure":
            assert since is not None
            assert agg.window_days is not None
            # days of the window (end - window, end] on or after customer_since
            end = shift(as_of, -offset)
            existed = end.delta(since, unit="day") + 1
            days = ibis.greatest(ibis.least(existed, agg.window_days), 1)
            value = value * agg.window_days / days.cast("float64")
        if agg.per == "user":
            users = out[value_col(users_member(agg.window_days, offset))]
            value = ibis.cases((users == 0, ibis.null("float64")), else_=value / users)
        new[value_col(name)] = value
    return out.select(
        *[new[c].name(c) if c in new else out[c] for c in out.columns if c not in helpers]
    )


def add_ratios(out: ir.Table, model: Model) -> ir.Table:
    """``out`` with every ratio metric, after the metrics they divide (any number metric:
    aggregates, percent changes, attributes, inputs, other ratios)."""
    for m in _ratios_in_order(model):
        src = m.source
        assert isinstance(src, Ratio)
        num = out[value_col(src.numerator)].cast("float64")
        den = out[value_col(src.denominator)].cast("float64")
        out = out.mutate(
            **{value_col(m.name): ibis.cases((den == 0, ibis.null("float64")), else_=num / den)}
        )
    return out


def _keep(t: ir.Table, drop: tuple[str, ...], new: dict[str, ir.Value]) -> ir.Table:
    """``t`` without the ``drop`` columns, with ``new`` ones: an explicit select, so the SQL
    is the same on every run (dropping several columns at once is not)."""
    return t.select(*[c for c in t.columns if c not in drop], **new)


def _is_timestamp(table: str, column: str) -> bool:
    return TABLES[table].column(column).type.value == "timestamp"


def _ratios_in_order(model: Model) -> list[Metric]:
    """Ratios after the ratios they divide (a ratio of ratios works)."""
    ratios = {m.name: m for m in model.metrics.values() if isinstance(m.source, Ratio)}
    done: list[Metric] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in ratios:
            return
        seen.add(name)
        src = ratios[name].source
        assert isinstance(src, Ratio)
        visit(src.numerator)
        visit(src.denominator)
        done.append(ratios[name])

    for name in ratios:
        visit(name)
    return done


def attribute_expr(accounts: ir.Table, name: str, as_of: Day, dialect: str) -> ir.Value:
    """An account attribute as a metric value as of ``as_of``, compiled for ``dialect``."""
    if name == "tenure_days":
        return as_of.delta(accounts.customer_since, unit="day")
    if name == "days_to_renewal":
        return accounts.renewal_date.delta(as_of, unit="day")
    if name.startswith("attributes."):
        # a JSON string as its text; true, false and numbers as their JSON text
        key = name.removeprefix("attributes.")
        if dialect in ("postgres", "pyspark"):
            # Ibis 12 compiles .str on Postgres to invalid SQL, and on Spark to a UDF that
            # exists only while Ibis runs the query: the builtin functions do the same
            return props.json_text(accounts.attributes, key, dialect)
        value = accounts.attributes.cast("json")[key]
        return ibis.coalesce(value.str, value.cast("string"))
    return accounts[name]


def input_columns(model: Model) -> dict[str, str]:
    """metric name -> input name, for metrics that read CSM inputs."""
    return {m.name: m.source.name for m in model.metrics.values() if isinstance(m.source, InputRef)}


def attribute_columns(model: Model) -> dict[str, str]:
    return {
        m.name: m.source.name for m in model.metrics.values() if isinstance(m.source, Attribute)
    }
