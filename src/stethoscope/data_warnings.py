"""What a model reads that the data does not have: warnings before a score misleads.

A model can be valid and still read nothing: a source table with no rows (so every measure
on it is missing, or graded its ``missing:`` grade for every account), event names that
never occur, an attribute no account has. Each is a warning, not an error: the data may
come later. ``stethoscope validate`` and ``run`` print them, per measure. One cheap
statement per table and filter, whatever the book's size (an EXISTS stops at its first row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from stethoscope.contract.schema import TABLES, q
from stethoscope.model.types import Aggregate, Attribute, Contract, PercentChange, Ratio
from stethoscope.store.database import dialect

if TYPE_CHECKING:
    from stethoscope.model.types import Metric, Model
    from stethoscope.store.database import Connection

# the names shown when a filter's values never occur: the most common ones
SEEN = 5


@dataclass(frozen=True)
class DataWarning:
    """A measure (or a metric no measure reads) whose data is not there."""

    measure: str | None
    metric: str
    message: str

    def __str__(self) -> str:
        what = f"measure {self.measure}" if self.measure else f"metric {self.metric}"
        return f"{what}: {self.message}"


def data_warnings(con: Connection, model: Model) -> list[DataWarning]:
    """Every measure of ``model`` whose metric reads data the store does not hold."""
    found: dict[str, str] = {}  # metric -> what is wrong with its data
    cache: dict[tuple[str, ...], str | None] = {}
    for m in model.metrics.values():
        problem = _metric_problem(con, model, m, cache)
        if problem:
            found[m.name] = problem
    out = []
    for measure in model.measures.values():
        problem = _reaches(model, measure.metric, found)
        if problem is None:
            continue
        if measure.missing != "skip":
            problem += (
                f"; `missing: {measure.missing:g}` then grades every account "
                f"{measure.missing:g} on it, as if known (unknown is not red): import the "
                "data, or remove `missing:`"
            )
        out.append(DataWarning(measure.name, measure.metric, problem))
    return out


def _reaches(model: Model, metric: str, found: dict[str, str]) -> str | None:
    """The problem of ``metric``'s data, or of a metric it is derived from."""
    if metric in found:
        return found[metric]
    m = model.metrics.get(metric)
    src = m.source if m else None
    if isinstance(src, PercentChange):
        return _reaches(model, src.metric, found)
    if isinstance(src, Ratio):
        return _reaches(model, src.numerator, found) or _reaches(model, src.denominator, found)
    return None


def _metric_problem(
    con: Connection, model: Model, m: Metric, cache: dict[tuple[str, ...], str | None]
) -> str | None:
    src = m.source
    if isinstance(src, Aggregate):
        table = src.table
        empty = _cached(cache, ("empty", table), partial(_empty, con, table))
        if empty:
            return empty
        for f in src.where:
            if f.negated or f.column not in TABLES[table].names:
                continue  # a filter on a JSON property is read inside the engine
            key = ("values", table, f.column, *map(str, f.values))
            problem = _cached(cache, key, partial(_absent, con, table, f.column, f.values))
            if problem:
                return problem
    elif isinstance(src, Attribute):
        return _cached(cache, ("attribute", src.name), partial(_no_attribute, con, src.name))
    elif isinstance(src, Contract):
        table = "subscriptions"
        return _cached(cache, ("empty", table), partial(_empty, con, table))
    return None


def _cached(
    cache: dict[tuple[str, ...], str | None],
    key: tuple[str, ...],
    compute: Callable[[], str | None],
) -> str | None:
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _empty(con: Connection, table: str) -> str | None:
    row = con.execute(f"SELECT EXISTS (SELECT 1 FROM {q(table)})").fetchone()
    if row and row[0]:
        return None
    return f"it reads {table}, which has no rows: missing for every account"


def _absent(con: Connection, table: str, column: str, values: tuple[object, ...]) -> str | None:
    marks = ", ".join("?" for _ in values)
    row = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {q(table)} WHERE {q(column)} IN ({marks}))", list(values)
    ).fetchone()
    if row and row[0]:
        return None
    seen = [
        str(r[0])
        for r in con.execute(
            f"SELECT {q(column)}, count(*) AS n FROM {q(table)} WHERE {q(column)} IS NOT NULL "
            f"GROUP BY {q(column)} ORDER BY n DESC, {q(column)} LIMIT {SEEN}"
        ).fetchall()
    ]
    wanted = ", ".join(str(v) for v in values)
    return f"no row of {table} has {column} {wanted}: missing or zero for every account" + (
        f" (most common: {', '.join(seen)})" if seen else ""
    )


def _no_attribute(con: Connection, name: str) -> str | None:
    if name in ("tenure_days", "days_to_renewal"):
        column = "customer_since" if name == "tenure_days" else "renewal_date"
        sql = f"SELECT EXISTS (SELECT 1 FROM accounts WHERE {q(column)} IS NOT NULL)"
        if name == "days_to_renewal":
            # the term end of a subscription line comes first (engine.contract)
            sql += (
                " OR EXISTS (SELECT 1 FROM subscriptions WHERE end_date IS NOT NULL "
                "OR term_months IS NOT NULL)"
            )
        params: list[object] = []
    elif name.startswith("attributes."):
        key = name.removeprefix("attributes.")
        if dialect(con) == "duckdb":
            cond = "json_extract(CAST(attributes AS JSON), ?) IS NOT NULL"
            params = ["$." + '"' + key.replace('"', '\\"') + '"']
        else:
            cond = "jsonb_exists(attributes, ?)"
            params = [key]
        sql = f"SELECT EXISTS (SELECT 1 FROM accounts WHERE {cond})"
    elif name in TABLES["accounts"].names:
        sql = f"SELECT EXISTS (SELECT 1 FROM accounts WHERE {q(name)} IS NOT NULL)"
        params = []
    else:
        return None
    row = con.execute(sql, params).fetchone()
    if row and row[0]:
        return None
    return f"no account has {name}: missing for every account"
