"""Contract tables read in place: a ``database`` or ``files`` source's table shown to the
engine under its contract name, for one run, without a copy in the store.

The engine reads a contract table by its name (``backend.table("events")``; the compiled
frame says ``FROM "events"``). For a run, each table read in place becomes a temporary view
of that name on the store's DuckDB connection, which DuckDB resolves before the stored
table of the same name; it reads an Arrow object registered on the connection (a dataset
scanned where the files lie, or a database's rows fetched for the run). The view has the
stored table's columns and types, typed by the contract's own rules (``contract.checks``),
so the frame compiled for the store reads it unchanged and scores the same. When the run
ends the views are dropped and the stored tables are what the connection sees again.

Only the embedded (DuckDB) store can read in place: DuckDB scans Arrow, Postgres cannot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import Table, Type, q
from stethoscope.contract.schema import table as get_table
from stethoscope.errors import DataError, Problem, SourceError, StoreError
from stethoscope.sources.config import IN_PLACE_KINDS, SourceSpec, TableSpec, resolve_secrets

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

_PREFIX = "_in_place_"


@dataclass(frozen=True)
class InPlace:
    """One contract table read in place: which source, and where in it."""

    source: str
    table: str
    spec: SourceSpec
    where: TableSpec

    @property
    def label(self) -> str:
        return f"sources.{self.source}.tables.{self.table}"


def tables_in_place(sources: Mapping[str, SourceSpec]) -> list[InPlace]:
    """Every contract table a source reads in place; a table named by two is refused."""
    found: dict[str, InPlace] = {}
    problems = []
    for name, spec in sources.items():
        if spec.kind not in IN_PLACE_KINDS:
            continue
        for table, where in spec.tables.items():
            if table in found:
                problems.append(
                    Problem(
                        "stethoscope.toml",
                        f"sources.{name}.tables.{table}: {table} are already read in place "
                        f"from source '{found[table].source}'",
                    )
                )
                continue
            found[table] = InPlace(name, table, spec, where)
    if problems:
        raise DataError("a table is read in place from two sources", problems)
    return list(found.values())


def plan(table: Table, header: list[str], mapping: Mapping[str, str], label: str) -> dict[str, str]:
    """source column -> contract column, as a file's header is planned for import: the
    mapped columns and those named as the contract names them; every required contract
    column must be found."""
    problems = [
        Problem(label, f"map: {target} = {source!r}: the source has no column {source!r}")
        for target, source in mapping.items()
        if source not in header
    ]
    renames = {source: target for target, source in mapping.items() if source in header}
    mapped = set(mapping.values())
    for column in header:
        if column in table.names and column not in mapping and column not in mapped:
            renames[column] = column
    for col in table.columns:
        if col.required and col.name not in renames.values():
            if col.name == table.key and table.key_is_derived:
                continue
            problems.append(
                Problem(
                    label,
                    f"required column '{col.name}' of {table.name} is missing (the source has "
                    f"{', '.join(header) or 'no columns'}); map it with map = {{ {col.name} = "
                    '"..." }',
                )
            )
    if problems:
        raise DataError(
            f"cannot read {table.name} in place ({len(problems)} problem"
            f"{'s' if len(problems) > 1 else ''})",
            problems,
            hint="see `stethoscope sources check` for the source's columns",
        )
    return renames


def open_table(
    item: InPlace,
    project_dir: Path,
    con: Any,
    *,
    before: dt.date | None = None,
    limit: int | None = None,
) -> Any:
    """The table's rows under their contract names, as a relation on the DuckDB connection
    ``con``: files scanned where they lie at each read, or a database's rows fetched now
    (only those before ``before``; at most ``limit`` rows either way)."""
    from duckdb import ColumnExpression

    table = get_table(item.table)
    if item.spec.kind == "files":
        from stethoscope.sources import files

        rel = files.relation(con, project_dir, item.where)
        renames = plan(table, list(rel.columns), item.where.map, item.label)
        rel = rel.select(*[ColumnExpression(s).alias(t) for s, t in renames.items()])
        return rel.limit(limit) if limit is not None else rel
    from stethoscope.sources import database

    secrets = resolve_secrets(item.source, item.spec, project_dir)
    assert item.where.table is not None
    dialect = database.Endpoint.parse(item.spec.url or "").dialect
    with database.connect(item.spec, secrets) as source:
        header = database.columns(source, dialect, item.where.table)
        renames = plan(table, header, item.where.map, item.label)
        time = table.time_column
        source_time = next((s for s, t in renames.items() if t == time), None)
        cut = (source_time, before) if before and source_time else None
        rows = database.read(
            source, dialect, item.where.table, renames, before=cut, limit=limit, types=_arrow(table)
        )
    return con.from_arrow(rows)


def _arrow(table: Table) -> dict[str, Any]:
    """The Arrow type of each contract column that text from a driver is parsed into."""
    import pyarrow as pa

    types = {Type.TIMESTAMP: pa.timestamp("us"), Type.DATE: pa.date32(), Type.FLOAT: pa.float64()}
    return {c.name: types[c.type] for c in table.columns if c.type in types}


_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")
_NUMBERS = (*_INTEGERS, "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")


def _column_sql(name: str, sql_type: str, given: str | None, table: Table) -> str:
    """The stored column ``name`` from the registered rows, whose DuckDB type is ``given``:
    a plain cast where that type already is the contract's, else the contract's typing of
    its text (a timestamp typed from text costs 7x a plain cast, measured on 2.7M events)."""
    from stethoscope.contract.checks import typed_expr

    col = next((c for c in table.columns if c.name == name), None)
    if given is None:
        return f"CAST(NULL AS {sql_type}) AS {q(name)}"
    if col is None:
        return f"TRY_CAST({q(name)} AS {sql_type}) AS {q(name)}"
    plain = {
        Type.TIMESTAMP: given.startswith("TIMESTAMP"),
        Type.DATE: given == "DATE",
        Type.FLOAT: given.startswith(_NUMBERS),
        Type.INTEGER: given.startswith(_INTEGERS),
    }.get(col.type, False)
    if plain:
        return f"CAST({q(name)} AS {sql_type}) AS {q(name)}"
    return f"{typed_expr(col, True)} AS {q(name)}"


def _stored_columns(con: Connection, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = 'main' AND table_catalog = current_database() "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [(str(n), str(t)) for n, t in rows]


def show(con: Connection, table_name: str, rows: Any, before: dt.date | None) -> None:
    """Register the relation ``rows`` on ``con`` and shadow the stored table with a view
    of it."""
    table = get_table(table_name)
    source = f"{_PREFIX}{table_name}"
    types = {n: str(t) for n, t in zip(rows.columns, rows.types, strict=True)}
    select = ", ".join(
        _column_sql(n, t, types.get(n), table) for n, t in _stored_columns(con, table_name)
    )
    where = ""
    # rows after the run's last day are not read (each table's time column, the contract's)
    time = table.time_column
    if before is not None and time is not None and time in types:
        # the cut-off is the run's own date, not text from anyone
        where = f" WHERE {q(time)} < TIMESTAMP '{before.isoformat()}'"
    raw: Any = con
    raw.register(source, rows)
    view = f"SELECT * FROM (SELECT {select} FROM {source}) AS t{where}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(table_name)} AS {view}")


def hide(con: Connection, table_name: str) -> None:
    raw: Any = con
    con.execute(f"DROP VIEW IF EXISTS temp.main.{q(table_name)}")
    raw.unregister(f"{_PREFIX}{table_name}")


@contextmanager
def serving(
    con: Connection, sources: Mapping[str, SourceSpec], project_dir: Path, last: dt.date
) -> Iterator[list[InPlace]]:
    """The tables read in place shown on ``con`` while the block runs (see the module
    doc); rows after ``last`` are left where they are."""
    from stethoscope.store.database import dialect

    items = tables_in_place(sources)
    if not items:
        yield []
        return
    if dialect(con) != "duckdb":
        raise StoreError(
            "tables are read in place only with the embedded store (DuckDB)",
            [Problem("stethoscope.toml", i.label) for i in items],
            hint="import or sync these tables into the Postgres store instead",
        )
    before = last + dt.timedelta(days=1)
    shown: list[str] = []
    try:
        for item in items:
            try:
                rows = open_table(item, project_dir, con, before=before)
            except (SourceError, DataError) as e:
                e.message = f"{item.label}: {e.message}"
                raise
            show(con, item.table, rows, before)
            shown.append(item.table)
        yield items
    finally:
        for name in shown:
            hide(con, name)
