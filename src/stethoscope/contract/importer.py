"""Importing a file into a source table: stage, check against the contract, write at once.

The whole import is one transaction on the store's DuckDB connection:

1. stream the file's batches into a temporary stage table (strings as read, row-numbered);
2. cast every column to its contract type and collect every problem, set-based: missing
   required values, values of the wrong type, values outside a vocabulary or range, row
   rules, duplicate keys in the file, keys already stored, unknown accounts;
3. if there are problems and ``skip_bad`` is off, roll back: nothing is written;
   otherwise write the good rows (append, upsert or replace) and the rejected rows to a
   side file, then commit.

On a Postgres store, DuckDB stays the file engine: steps 1 and 2's checks within the file
run in an in-memory DuckDB; the typed rows and their problems are then copied into
temporary tables of the Postgres session (COPY), where the checks against stored data run
and the rows are written, all in the store's transaction.

Only identifiers of our own contract appear in the SQL built here; user column names
travel inside a struct column and values are never pasted into SQL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import pyarrow as pa

from stethoscope import clock
from stethoscope.contract import versions
from stethoscope.contract.checks import (
    problems_expr,
    staged_texts,
    text_column,
    typed_column,
    typed_expr,
)
from stethoscope.contract.readers import EXTRAS, ROW, Source, open_source
from stethoscope.contract.schema import (
    END_DATES,
    MODES,
    SQL_TYPES,
    TABLES,
    Table,
    Type,
    derived_key,
    q,
)
from stethoscope.contract.schema import table as get_table
from stethoscope.errors import DataError, Problem
from stethoscope.progress import Progress, silent
from stethoscope.store import batches

if TYPE_CHECKING:
    import duckdb

    from stethoscope.store.database import Connection

Mode = Literal["append", "upsert", "replace"]
# how a file's end dates are read: the last day of the line (inclusive, as stored), or
# the first day after it (exclusive, as Stripe's current_period_end), stored minus one day
EndDates = Literal["inclusive", "exclusive"]
SHOWN_PROBLEMS = 20

_BATCH, _TYPED, _BAD = "_import_batch", "_import_typed", "_import_bad"


@dataclass(frozen=True)
class ImportResult:
    table: str
    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    # events skipped because a row with the same message_id is stored or came earlier
    duplicates_skipped: int
    # stored rows removed: all of them with replace, the updated ones with upsert
    rows_replaced: int
    rejects_path: str | None
    # columns of the file that the table has no place for (tables without extras_into)
    ignored_columns: list[str]
    seconds: float


def _sql_type(t: Type) -> str:
    return SQL_TYPES[t]


def _typed_select(
    table: Table, present: set[str], extras: str | None, end_dates: EndDates = "inclusive"
) -> str:
    """The staged batch typed, with the list of its problems, in three nested SELECTs: each
    value's text, then its typed value, then the checks over both (``contract.checks``)."""
    texts = staged_texts(table, present)
    staged = f"SELECT *{', ' + texts if texts else ''} FROM {_BATCH}"
    typed = ", ".join(
        f"{typed_expr(c, True, text_column(c))} AS {typed_column(c)}"
        for c in table.columns
        if c.name in present
    )
    staged = f"SELECT *{', ' + typed if typed else ''} FROM ({staged}) AS _texts"
    cols = []
    merged: dict[str, str] = {}
    for col in table.columns:
        expr = typed_column(col) if col.name in present else typed_expr(col, False)
        if col.name == "end_date" and end_dates == "exclusive":
            expr = f"CAST(({expr}) - INTERVAL 1 DAY AS DATE)"
        if col.name == table.extras_into and extras is not None:
            ex = (
                f"CAST(to_json({EXTRAS}) AS JSON)"
                if extras == "struct"
                else f"TRY_CAST({EXTRAS} AS JSON)"
            )
            # merged once a row in a SELECT of its own (the checks read it five times)
            column = q(f"_merged__{col.name}")
            staged = (
                f"SELECT *, CASE WHEN ({expr}) IS NULL AND {ex} IS NULL THEN NULL ELSE "
                f"json_merge_patch(coalesce({expr}, '{{}}'::JSON), "
                f"coalesce({ex}, '{{}}'::JSON)) END AS {column} FROM ({staged}) AS _merging"
            )
            expr = merged[col.name] = column
        cols.append(f"{expr} AS {q(col.name)}")
    cols.append(f"{problems_expr(table, present, merged)} AS _problems")
    select = f"SELECT {ROW}, {', '.join(cols)} FROM ({staged}) AS _typed"
    if table.natural_key:
        derived = derived_key(table)
        key = q(table.key or "id")
        select = f"SELECT * REPLACE (coalesce({key}, {derived}) AS {key}) FROM ({select})"
    return select


def _key_problems(table: Table, mode: Mode) -> list[tuple[str, bool]]:
    """Checks that need every row at once, or the stored tables: (SQL, whether it reads
    stored tables)."""
    out: list[tuple[str, bool]] = []
    key = table.key
    if key:
        k = q(key)
        what = (
            f"same {', '.join(table.natural_key)} as"
            if table.natural_key
            else f"duplicate {key}, also at"
        )
        # a derived key is a hash: naming it would not help anyone find the row
        shown = "NULL" if table.natural_key else k
        # rows of one account with distinct updated_at are its versions (contract.versions)
        same = f"{k}, updated_at" if table.name == "accounts" else k
        out.append(
            (
                f"SELECT {ROW}, '{key}', '{what} row ' || first, {shown} FROM ("
                f"SELECT {ROW}, {k}, min({ROW}) OVER (PARTITION BY {same}) AS first "
                f"FROM {_TYPED} WHERE {k} IS NOT NULL) WHERE {ROW} <> first",
                False,
            )
        )
        if table.name == "accounts":
            out.append((versions.untimed(_TYPED, ROW), False))
        if mode == "append":
            out.append(
                (
                    f"SELECT t.{ROW}, '{key}', '{key} {{value}} is already stored (import "
                    f"with mode upsert to update it)', t.{k} FROM {_TYPED} t WHERE EXISTS "
                    f"(SELECT 1 FROM {q(table.name)} s WHERE s.{k} = t.{k})",
                    True,
                )
            )
    known = "accounts"
    for col in table.columns:
        if not col.references_account and col.name != "parent_id":
            continue
        c = q(col.name)
        in_file = (
            f" OR EXISTS (SELECT 1 FROM {_TYPED} f WHERE f.id = t.{c})"
            if table.name == "accounts"
            else ""
        )
        stored = (
            "FALSE"
            if table.name == "accounts" and mode == "replace"
            else f"EXISTS (SELECT 1 FROM {known} a WHERE a.id = t.{c})"
        )
        out.append(
            (
                f"SELECT t.{ROW}, '{col.name}', 'unknown account {{value}}', t.{c} FROM "
                f"{_TYPED} t WHERE t.{c} IS NOT NULL AND NOT ({stored}{in_file})",
                True,
            )
        )
    if table.name == "accounts":
        out.append(
            (
                f"SELECT {ROW}, 'parent_id', 'an account cannot be its own parent', "
                f"parent_id FROM {_TYPED} WHERE parent_id = id",
                False,
            )
        )
    for check in table.checks:
        out.append(
            (
                f"SELECT {ROW}, '{check.column}', '{check.reason}', "
                f"CAST({q(check.column)} AS VARCHAR) FROM {_TYPED} "
                f"WHERE NOT ({check.predicate})",
                False,
            )
        )
    return out


def import_file(
    con: Connection,
    table_name: str,
    path: Path,
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    mode: Mode = "append",
    skip_bad: bool = False,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    atomic: bool = True,
    encoding: str | None = None,
    end_dates: EndDates = "inclusive",
) -> ImportResult:
    """Import ``path`` into ``table_name`` on ``con``, all or (with ``skip_bad``) the good rows.

    With ``atomic`` (the default) the import is its own transaction; without, the caller
    has begun one (to load several files at once) and commits or rolls back. ``end_dates``:
    how the file's ``end_date`` values are read (see ``EndDates``); ``encoding``: of a CSV
    or JSON Lines file's text (default UTF-8).
    """
    started = time.perf_counter()
    table = get_table(table_name)
    if mode not in MODES:
        raise DataError(f"unknown mode '{mode}'", hint=f"modes are {', '.join(MODES)}")
    if mode == "upsert" and table.key is None:
        raise DataError(
            f"{table.name} have no key to upsert on",
            hint="use mode append (a message_id makes a re-sent event a no-op) or replace",
        )
    if end_dates not in END_DATES:
        raise DataError(
            f"unknown reading of end dates '{end_dates}'", hint="expected inclusive or exclusive"
        )
    if end_dates == "exclusive" and "end_date" not in table.names:
        raise DataError(
            f"{table.name} have no end_date; exclusive end dates are for subscriptions",
            hint="leave out the reading of end dates for this table",
        )
    src = open_source(table, path, format=format, mapping=mapping, encoding=encoding)
    how = (mode, skip_bad, end_dates)
    if not atomic:
        return _run(con, table, src, how, rejects_path, progress, started)
    con.begin()
    try:
        result = _run(con, table, src, how, rejects_path, progress, started)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return result


def import_rows(
    con: Connection, src: Source, *, mode: Mode, progress: Progress | None = None
) -> ImportResult:
    """Check and write the rows of an open ``src`` (a file, or a source's pages as
    ``sources.pages`` opens them) as ``import_file`` does, in the caller's transaction;
    every problem refuses them all."""
    how: _How = (mode, False, "inclusive")
    return _run(con, src.table, src, how, None, progress, time.perf_counter())


def discard_stage(con: Connection) -> None:
    """Drop what a refused ``import_rows`` left staged, for a caller that goes on in the
    same transaction (``sources check`` tries each stream's rows, then rolls back)."""
    for name in (_TYPED, _BAD):
        con.execute(f"DROP TABLE IF EXISTS {name}")


# what an import does with its rows: mode, skip_bad, end dates
_How = tuple[Mode, bool, EndDates]


def _run(
    con: Connection,
    table: Table,
    src: Source,
    how: _How,
    rejects_path: Path | None,
    progress: Progress | None,
    started: float,
) -> ImportResult:
    """Type and check on the file engine: the store's DuckDB connection, or an in-memory
    DuckDB beside a Postgres store."""
    from stethoscope.store.database import PostgresConnection

    if not isinstance(con, PostgresConnection):
        file_engine = cast("duckdb.DuckDBPyConnection", con)
        return _import(file_engine, con, table, src, how, rejects_path, progress, started)
    import duckdb

    stage = duckdb.connect()
    try:
        stage.execute("SET TimeZone = 'UTC'")
        stage.execute("SET enable_progress_bar = false")
        return _import(stage, con, table, src, how, rejects_path, progress, started)
    finally:
        stage.close()


def _import(
    stage: duckdb.DuckDBPyConnection,
    con: Connection,
    table: Table,
    src: Source,
    how: _How,
    rejects_path: Path | None,
    progress: Progress | None,
    started: float,
) -> ImportResult:
    """Type and check batch by batch on ``stage`` (only the typed rows are kept, in a
    temporary table that DuckDB may spill to disk), then check across rows, then write on
    ``con`` (the same connection, unless the store is Postgres)."""
    tick = progress or silent
    mode, skip_bad, end_dates = how
    shipped = stage is not con
    present = set(src.present)
    rows_read = 0
    stage.execute(
        f"CREATE TEMP TABLE {_BAD} ({ROW} BIGINT, col VARCHAR, reason VARCHAR, value VARCHAR)"
    )
    typed = False
    for batch, done in src.batches():
        extras = None
        if EXTRAS in batch.schema.names:
            extras = "struct" if pa.types.is_struct(batch.schema.field(EXTRAS).type) else "text"
        # one pass: type every value and list what is wrong with it (store.batches.viewed)
        select = _typed_select(table, present, extras, end_dates)
        with batches.viewed(stage, _BATCH, batch):
            if not typed:
                stage.execute(f"CREATE TEMP TABLE {_TYPED} AS {select}")
                typed = True
            else:
                stage.execute(f"INSERT INTO {_TYPED} {select}")
        rows_read += batch.num_rows
        tick("reading", done, src.total)
    if typed:
        stage.execute(
            f"INSERT INTO {_BAD} SELECT {ROW}, p.col, p.reason, p.value FROM (SELECT {ROW}, "
            f"unnest(_problems) AS p FROM {_TYPED} WHERE len(_problems) > 0)"
        )
    rows_read += len(src.bad_records)
    for b in src.bad_records:
        stage.execute(f"INSERT INTO {_BAD} VALUES (?, NULL, ?, NULL)", [b.row, b.reason])
    tick("checking", 0, 0)
    checks = _key_problems(table, mode) if typed else []
    for check, stored in checks:
        if not (shipped and stored):
            stage.execute(f"INSERT INTO {_BAD} {check}")
    if shipped:
        # the rest runs where the stored data is, in the store's transaction
        _ship(stage, con, table, typed)
        for check, stored in checks:
            if stored:
                con.execute(f"INSERT INTO {_BAD} {check}")
    problems = con.execute(
        f"SELECT {ROW}, col, reason, value FROM {_BAD} ORDER BY {ROW}, col LIMIT {SHOWN_PROBLEMS}"
    ).fetchall()
    n_problems, n_bad_rows = con.execute(
        f"SELECT count(*), count(DISTINCT {ROW}) FROM {_BAD}"
    ).fetchone() or (0, 0)
    if n_problems and not skip_bad:
        rows = f"{n_bad_rows:,} row{'s' if n_bad_rows != 1 else ''}"
        raise DataError(
            f"{src.path.name}: {n_problems:,} problem{'s' if n_problems != 1 else ''} in "
            f"{rows}; nothing was imported",
            [_problem(src, *p) for p in problems],
            more=max(0, n_problems - len(problems)),
            hint=src.refused_hint,
        )
    written = None
    if n_bad_rows:
        if shipped:
            _ship_back(con, stage)
        written = _write_rejects(stage, src, table, rejects_path)

    tick("writing", 0, 0)
    replaced = 0
    if mode == "replace":
        replaced = _count(con, q(table.name))
        con.execute(f"DELETE FROM {q(table.name)}")
    loaded = 0
    if typed:
        good = f"FROM {_TYPED} t WHERE NOT EXISTS (SELECT 1 FROM {_BAD} b WHERE b.{ROW} = t.{ROW})"
        if table.name == "events":
            good += _resent(con)
        if mode == "upsert":
            key = q(table.key or "id")
            replaced = _count(con, q(table.name), f"{key} IN (SELECT t.{key} {good})")
        if table.name == "accounts":
            # each row is a version of its account; the table keeps the current ones
            at = clock.now()
            loaded = versions.write(con, good, replace=mode == "replace", at=at)
        else:
            if mode == "upsert":
                con.execute(f"DELETE FROM {q(table.name)} WHERE {key} IN (SELECT t.{key} {good})")
            cols = ", ".join(q(c) for c in table.names)
            row = con.execute(
                f"INSERT INTO {q(table.name)} ({cols}) "
                f"SELECT {', '.join('t.' + q(c) for c in table.names)} {good}"
            ).fetchone()
            loaded = int(row[0]) if row else 0
        con.execute(f"DROP TABLE {_TYPED}")
    con.execute(f"DROP TABLE {_BAD}")
    if mode == "replace":
        _check_orphans(con, table)
    skipped = rows_read - n_bad_rows - loaded if table.name == "events" else 0
    return ImportResult(
        table.name,
        str(src.path),
        rows_read,
        loaded,
        n_bad_rows,
        skipped,
        replaced,
        str(written) if written else None,
        src.extras if not table.extras_into else [],
        time.perf_counter() - started,
    )


def _ship(stage: duckdb.DuckDBPyConnection, con: Connection, table: Table, typed: bool) -> None:
    """Copy the typed rows and the problems found so far from ``stage`` into temporary
    tables of the same names on the Postgres store ``con`` (COPY of CSV written by DuckDB:
    both read and write it losslessly, NULL apart from the empty string)."""
    import tempfile

    from stethoscope.store.database import PostgresConnection, ddl

    assert isinstance(con, PostgresConnection)
    parts = [(_BAD, f"{ROW} BIGINT, col VARCHAR, reason VARCHAR, value VARCHAR")]
    if typed:
        cols = ", ".join(f"{q(c.name)} {_sql_type(c.type)}" for c in table.columns)
        parts.append((_TYPED, f"{ROW} BIGINT, {cols}"))
    names = {_BAD: f"{ROW}, col, reason, value", _TYPED: ", ".join([ROW, *map(q, table.names)])}
    # a row refused already stays behind: its values may be what Postgres cannot hold
    where = {
        _BAD: "",
        _TYPED: f" WHERE NOT EXISTS (SELECT 1 FROM {_BAD} b WHERE b.{ROW} = {_TYPED}.{ROW})",
    }
    with tempfile.TemporaryDirectory(prefix="stethoscope-import-") as tmp:
        for name, columns in parts:
            con.execute(ddl(con, f"CREATE TEMP TABLE {name} ({columns})"))
            path = Path(tmp) / f"{name}.csv"
            target = str(path).replace("'", "''")
            stage.execute(
                f"COPY (SELECT {names[name]} FROM {name}{where[name]}) TO '{target}' "
                "(HEADER false, FORCE_QUOTE *)"
            )
            with (
                con.raw.cursor() as cur,
                cur.copy(f"COPY {name} ({names[name]}) FROM STDIN (FORMAT csv)") as copy,
                path.open("rb") as f,
            ):
                while chunk := f.read(1 << 20):
                    copy.write(chunk)


def _ship_back(con: Connection, stage: duckdb.DuckDBPyConnection) -> None:
    """The problems of every row, from the store back to the file engine (for the rejects
    file, written there from the file)."""
    rows = con.execute(f"SELECT {ROW}, col, reason, value FROM {_BAD}").fetchall()
    stage.execute(f"DELETE FROM {_BAD}")
    if rows:
        stage.executemany(f"INSERT INTO {_BAD} VALUES (?, ?, ?, ?)", rows)


def _resent(con: Connection) -> str:
    """The condition leaving out re-sent events: a message_id already stored, or earlier
    in the file. Each half is only added when it can match (both cost a hash of every id)."""
    out = ""
    n, distinct = con.execute(
        f"SELECT count(message_id), count(DISTINCT message_id) FROM {_TYPED}"
    ).fetchone() or (0, 0)
    if n > distinct:
        out += (
            f" AND (t.message_id IS NULL OR t.{ROW} = (SELECT min(d.{ROW}) FROM {_TYPED} d "
            f"WHERE d.message_id = t.message_id))"
        )
    stored = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM events WHERE message_id IS NOT NULL LIMIT 1) AS s"
    ).fetchone()
    if n and stored and stored[0]:
        out += " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.message_id = t.message_id)"
    return out


def _count(con: Connection, rel: str, where: str = "TRUE") -> int:
    row = con.execute(f"SELECT count(*) FROM {rel} WHERE {where}").fetchone()
    return int(row[0]) if row else 0


def _check_orphans(con: Connection, table: Table) -> None:
    """Replacing accounts must not leave rows elsewhere pointing at accounts that are gone."""
    if table.name != "accounts":
        return
    problems = []
    for other in TABLES.values():
        if other.name == "accounts":
            continue
        n = _count(
            con, q(other.name), "NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = account_id)"
        )
        if n:
            problems.append(Problem(other.name, f"{n:,} rows refer to accounts not in the file"))
    if problems:
        raise DataError(
            "replacing accounts would leave rows of other tables without their "
            "account; nothing was imported",
            problems,
            hint="include those accounts in the file, or import with mode upsert",
        )


def _where(src: Source, row: int) -> str:
    unit = "line" if src.format == "jsonl" else "row"
    return f"{src.path.name} {unit} {row}"


def _problem(src: Source, row: int, col: str | None, reason: str, value: str | None) -> Problem:
    if "{value}" in reason:
        return Problem(_where(src, row), reason.replace("{value}", repr(value)), column=col)
    got = f", got {value!r}" if value is not None else ""
    return Problem(_where(src, row), f"{reason}{got}", column=col)


def _write_rejects(
    con: duckdb.DuckDBPyConnection, src: Source, table: Table, path: Path | None
) -> Path:
    """Write the rejected rows as the file had them (its column names, its values), plus
    the row number and every reason, to a CSV beside the input.

    Raw values are not kept while importing, so the file is read a second time for the
    rejected rows only.
    """
    import pyarrow.compute as pc

    from stethoscope.spreadsheet import write_csv

    path = _rejects_path(src, path)
    bad_rows = pa.array(
        [r[0] for r in con.execute(f"SELECT DISTINCT {ROW} FROM {_BAD} ORDER BY 1").fetchall()],
        pa.int64(),
    )
    texts = {b.row: b.text for b in src.bad_records}
    again = open_source(
        table, src.path, format=src.format, mapping=src.mapping, encoding=src.encoding
    )
    parts = [
        batch.filter(pc.is_in(batch.column(ROW), value_set=bad_rows))
        for batch, _ in again.batches()
    ]
    parts = [p for p in parts if p.num_rows]
    reasons = con.sql(
        f"SELECT {ROW}, string_agg(coalesce(col || ': ', '') || replace(reason, '{{value}}', "
        f"coalesce(chr(39) || value || chr(39), 'null')), '; ' ORDER BY col) AS _errors "
        f"FROM {_BAD} GROUP BY {ROW} ORDER BY {ROW}"
    ).to_arrow_table()
    if parts:
        raw = pa.Table.from_batches(parts)
        # give the file's extra columns back as columns, under their own names
        if EXTRAS in raw.column_names and pa.types.is_struct(raw.schema.field(EXTRAS).type):
            struct = raw.column(EXTRAS).combine_chunks()
            raw = raw.drop_columns([EXTRAS])
            for j, f in enumerate(struct.type):
                raw = raw.append_column(f.name, struct.field(j))
        back = {target: source for source, target in src.renames.items()}
        raw = raw.rename_columns([back.get(n, n) for n in raw.column_names])
        rejected = reasons.join(raw, ROW, join_type="left outer").sort_by(ROW)
        order = [ROW, *[n for n in raw.column_names if n != ROW], "_errors"]
        rejected = rejected.select(order)
    else:
        rejected = reasons
    if texts:
        # malformed records could not be split into columns: keep their text
        rows = rejected.column(ROW).to_pylist()
        rejected = rejected.append_column(
            "_text", pa.array([texts.get(r) for r in rows], pa.string())
        )
    with path.open("w", encoding="utf-8", newline="") as out:
        write_csv(out, rejected.column_names, zip(*rejected.to_pydict().values(), strict=True))
    return path


def _rejects_path(src: Source, path: Path | None) -> Path:
    path = path or src.path.with_name(src.path.name.split(".")[0] + ".rejects.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
