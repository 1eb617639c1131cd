"""Running the engine and saving what it computes: one run, one or many as-of dates.

Each as-of date is one set-based query (``engine.scoring.score_frame``) executed inside the
database; its rows never pass through Python. All dates of a run are written in one
transaction, so a failed run leaves earlier results untouched and is recorded with its
error in ``runs``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import steps
from stethoscope.contract.schema import q
from stethoscope.engine import dialects
from stethoscope.errors import EngineError, StethoscopeError
from stethoscope.progress import Progress, silent
from stethoscope.steps import DAY, Step
from stethoscope.store import current, database, results

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from stethoscope.compute import Compute
    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    model_version: str
    as_of_from: str
    as_of_to: str
    dates: int
    accounts: int
    seconds: float
    # accounts per band on the last date, per score
    bands: dict[str, dict[str, int]]
    # the step between the run's dates (steps.py): "1d" for one date or daily history
    every: str = "1d"


# the most dates one run scores: ten years of daily history (more is a mistake, or several
# runs)
MAX_DATES = 3660


def days(start: dt.date, end: dt.date, step: Step = DAY) -> list[dt.date]:
    """The dates of a run from ``start`` to ``end``: ``start``, ``start + step``, ... up to
    ``end`` (steps.py: a calendar step keeps the day of the month)."""
    if end < start:
        raise EngineError(f"--from {start} is after --to {end}")
    dates = steps.forward(start, end, step, limit=MAX_DATES + 1)
    if len(dates) > MAX_DATES:
        raise EngineError(
            f"--from {start} --to {end} every {step} is more than {MAX_DATES:,} dates; a run "
            f"scores at most {MAX_DATES:,} (ten years of days)",
            hint="score the span in several runs, or with a longer --every",
        )
    return dates


_AS_OF = dialects.AS_OF
_RUN_ID = dialects.RUN_ID
# the first and last date of a backfill, for the rows it stages
_FROM = dialects.FROM
_TO = dialects.TO
_SETTINGS = dialects.SETTINGS


def _tables(con: Connection) -> BaseBackend:
    """An Ibis backend on the store's own connection: the schemas the model compiles from."""
    if isinstance(con, database.PostgresConnection):
        return con.ibis()
    import ibis

    return ibis.duckdb.from_connection(con)


def frame_sql(con: Connection, model: Model, *, keep: bool = True, dialect: str = "") -> str:
    """The SQL of a model's frame, with the as-of date and run id as parameters; compiled
    once per model version, dialect (and code version), then read from the store (and kept
    there with ``keep``: a reading connection writes nothing a run could collide with).
    ``dialect`` (an Ibis backend name, default the store's) is where it runs
    (engine.dialects): the tables' schemas are the store's, which holds the contract's."""
    from stethoscope.store import compiled

    target = dialect or database.dialect(con)
    k = compiled.key(model.version, target)
    sql = compiled.get(con, k)
    if sql is not None:
        return sql
    sql = compiled.recall(k)
    if sql is None:
        from stethoscope.engine.scoring import score_frame

        day = dialects.param(_AS_OF, dt.date, target).name("as_of_date")
        frame = score_frame(dialects.Target(_tables(con), target), model, day)
        sql = dialects.to_sql(
            frame.mutate(run_id=dialects.param(_RUN_ID, str, target), as_of=day), target
        )
        compiled.remember(k, sql)
    if keep:
        compiled.put(con, k, model.version, target, sql)
    return sql


@dataclass(frozen=True)
class Backfill:
    """The queries of a backfill: each staged scan's rows (table name, SQL) for the
    backfill's dates, and the frame of one date reading them."""

    stages: list[tuple[str, str]]
    frame: str


def backfill_sql(con: Connection, model: Model, *, dialect: str = "") -> Backfill:
    """The SQL of a backfill (see engine.staging), compiled once per model version,
    dialect and code version like ``frame_sql``; the dates are parameters."""
    import json

    from stethoscope.store import compiled

    target = dialect or database.dialect(con)
    label = f"{target}+backfill"
    k = compiled.key(model.version, label)
    stored = compiled.get(con, k)
    text = stored or compiled.recall(k)
    if text is None:
        import ibis

        from stethoscope.engine.metrics import Scan, Source
        from stethoscope.engine.scoring import score_frame
        from stethoscope.engine.staging import daily, stage, stage_name, staged_scans

        backend = dialects.Target(_tables(con), target)
        first = dialects.param(_FROM, dt.date, target).name("stage_from")
        last = dialects.param(_TO, dt.date, target).name("stage_to")
        scans = staged_scans(model)
        exprs = {
            scan: (stage_name(i), stage(backend, scan, members, first, last))
            for i, (scan, members) in enumerate(scans)
        }
        per_day = {scan for scan, members in scans if daily(scan, members)}

        def source(scan: Scan) -> Source | None:
            if scan not in exprs:
                return None
            name, expr = exprs[scan]
            return Source(ibis.table(expr.schema(), name=name), scan in per_day)

        day = dialects.param(_AS_OF, dt.date, target).name("as_of_date")
        frame = score_frame(backend, model, day, source)
        queries = [
            *[dialects.to_sql(e, target) for _, e in exprs.values()],
            dialects.to_sql(
                frame.mutate(run_id=dialects.param(_RUN_ID, str, target), as_of=day), target
            ),
        ]
        text = json.dumps(
            {
                "stages": [[n, x] for (n, _), x in zip(exprs.values(), queries, strict=False)],
                "frame": queries[-1],
            }
        )
    if stored is None:
        compiled.put(con, k, model.version, label, text)
    data = json.loads(text)
    return Backfill([(n, x) for n, x in data["stages"]], data["frame"])


def stage_backfill(con: Connection, backfill: Backfill, first: dt.date, last: dt.date) -> None:
    """The staged rows of a backfill from ``first`` to ``last``, as temporary tables."""
    _set(con, _FROM, first)
    _set(con, _TO, last)
    for name, sql in backfill.stages:
        if database.dialect(con) == "postgres":
            _x(con, f"DROP TABLE IF EXISTS {q(name)}")
            _x(con, f"CREATE TEMP TABLE {q(name)} AS {sql}")
            # temporary tables are never analysed automatically: plan with their sizes
            _x(con, f"ANALYZE {q(name)}")
        else:
            _x(con, f"CREATE OR REPLACE TEMP TABLE {q(name)} AS {sql}")


def unstage_backfill(con: Connection, backfill: Backfill) -> None:
    for name, _ in backfill.stages:
        _x(con, f"DROP TABLE IF EXISTS {q(name)}")


@contextmanager
def staged(con: Connection, backfill: Backfill, first: dt.date, last: dt.date) -> Iterator[None]:
    """The staged rows of a backfill from ``first`` to ``last`` while the block runs, for a
    caller that runs ``backfill.frame`` per date inside statements of its own."""
    stage_backfill(con, backfill, first, last)
    try:
        yield
    finally:
        unstage_backfill(con, backfill)


def _set(con: Connection, name: str, value: dt.date | str) -> None:
    if database.dialect(con) == "postgres":
        text = value.isoformat() if isinstance(value, dt.date) else value
        _x(con, "SELECT set_config(?, ?, false)", [_SETTINGS[name], text])
    else:
        _x(con, f"SET VARIABLE {name} = ?", [value])


def use_date(con: Connection, as_of: dt.date, run_id: str = "") -> None:
    """Set the as-of date (and run id, none by default) that ``frame_sql`` reads, for a
    caller that runs the frame's SQL inside a statement of its own (a backtest keeps a few
    of its columns; scoring one account again keeps one account's row)."""
    _set(con, _AS_OF, as_of)
    _set(con, _RUN_ID, run_id)


def frame_into(
    con: Connection, model: Model, as_of: dt.date, table: str, *, keep_compiled: bool = True
) -> None:
    """Compute the frame of one date into a temporary table, without storing a run."""
    sql = frame_sql(con, model, keep=keep_compiled)
    _set(con, _AS_OF, as_of)
    _set(con, _RUN_ID, "")
    if database.dialect(con) == "postgres":
        _x(con, f"DROP TABLE IF EXISTS {q(table)}")
        _x(con, f"CREATE TEMP TABLE {q(table)} AS {sql}")
    else:
        _x(con, f"CREATE OR REPLACE TEMP TABLE {q(table)} AS {sql}")


@contextmanager
def temporary_frame(con: Connection, model: Model, as_of: dt.date, table: str) -> Iterator[None]:
    """The frame of one date in a temporary table of a reading connection while the block
    runs, dropped after it: its compiled SQL is not written (a reader writes nothing a run
    could collide with), and no copy of an account outlives the read."""
    frame_into(con, model, as_of, table, keep_compiled=False)
    try:
        yield
    finally:
        _x(con, f"DROP TABLE IF EXISTS {q(table)}")


def insert_sql(con: Connection, table: str, sql: str) -> str:
    """INSERT of the frame's rows into ``table``, column by name."""
    if database.dialect(con) == "duckdb":
        return f"INSERT INTO {q(table)} BY NAME {sql}"
    cols = ", ".join(
        q(r[0])
        for r in _x(
            con,
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema() ORDER BY ordinal_position",
            [table],
        )
    )
    return f"INSERT INTO {q(table)} ({cols}) SELECT {cols} FROM ({sql}) AS f"


def run(
    con: Connection,
    model: Model,
    dates: list[dt.date],
    *,
    step: Step = DAY,
    progress: Progress | None = None,
    compute: Compute | None = None,
    tables: Tables | None = None,
) -> RunSummary:
    """Score ``dates`` (in order; ``step`` apart, as ``days`` makes them) and store them as
    one run. Only these dates are replaced: history between them is left as it was.
    ``compute`` computes the frames away from the store (``stethoscope.compute``); they
    are written to the store in the same one transaction. ``tables``: what shows the
    contract tables on ``con`` while the run reads them (see ``Tables``); the stored
    tables by default."""
    with database.run_lock(con), (tables or _stored)(con, dates[0], dates[-1]):
        return _run(con, model, dates, step, progress, compute)


# The one door through which a run's contract tables can come from elsewhere than the
# store: called with the run's connection and its first and last date, it returns a context
# manager that, while open, shows each contract table under its own name on that
# connection (sources.in_place shows tables read where they lie as temporary views).
Tables = Callable[["Connection", dt.date, dt.date], AbstractContextManager[object]]


def _stored(con: Connection, first: dt.date, last: dt.date) -> AbstractContextManager[object]:
    from contextlib import nullcontext

    return nullcontext()


_RUN_DATES = "stethoscope_run_dates"
# what the store keeps of each date of a backfill whose detail is in a lakehouse
_LAKE = "stethoscope_lake_rows"


def _run(
    con: Connection,
    model: Model,
    dates: list[dt.date],
    step: Step,
    progress: Progress | None,
    compute: Compute | None = None,
) -> RunSummary:
    tick = progress or silent
    started = time.perf_counter()
    run_id = results.new_run_id()
    results.save_version(con, model)
    results.start_run(con, run_id, model, dates[0], dates[-1])
    detail = results.detail_table(model.version)
    history = results.history_rows(detail, list(model.scores))
    accounts = 0
    d: dt.date | None = None
    began = False
    backfill: Backfill | None = None
    away: Away | None = None
    try:
        first, last = dates[0], dates[-1]
        # one query for every date: compiled once, the date set before each execution;
        # a backfill's query reads the rows of its dates, staged once (engine.staging)
        if compute is not None:
            away = Away(compute, con, model, dates, run_id)
            sql = frame_sql(con, model)  # the store's, for the detail table's columns
        elif len(dates) > 1:
            backfill = backfill_sql(con, model)
            stage_backfill(con, backfill, first, last)
            sql = backfill.frame
        else:
            sql = frame_sql(con, model)
        _set(con, _RUN_ID, run_id)
        _set(con, _AS_OF, first)
        # The version's table is created before the run's transaction, not in it: DuckDB
        # 2.0 cannot read back, in the same transaction, rows it wrote to disk early (over
        # one row group) into a table created in that transaction.
        # (Asked only when it is missing: CREATE TABLE IF NOT EXISTS plans the whole frame
        # query even when the table is there, a fifth of a small book's run.)
        if not _exists(con, detail):
            _x(con, f"CREATE TABLE {q(detail)} AS SELECT * FROM ({sql}) AS f LIMIT 0")
        insert = insert_sql(con, detail, sql)
        if away is not None and away.lake:
            # the detail goes to the lakehouse: what the store keeps of each date comes
            # back into a temporary table, and the history is made from it
            cols = ", ".join(q(c) for c in away.history)
            _x(con, f"DROP TABLE IF EXISTS {_LAKE}")
            _x(con, f"CREATE TEMPORARY TABLE {_LAKE} AS SELECT {cols} FROM ({sql}) AS f LIMIT 0")
            history = results.history_rows(_LAKE, list(model.scores))
        # what the run replaces: every day from first to last for daily history, only
        # its own dates for a longer step (the days between keep what they had)
        ours = "as_of BETWEEN ? AND ?"
        every_day = len(dates) == (last - first).days + 1
        if not every_day:
            _x(con, f"DROP TABLE IF EXISTS {_RUN_DATES}")
            _x(con, f"CREATE TEMPORARY TABLE {_RUN_DATES} (as_of DATE)")
            _x(con, f"INSERT INTO {_RUN_DATES} SELECT unnest(CAST(? AS DATE[]))", [dates])
            ours += f" AND as_of IN (SELECT as_of FROM {_RUN_DATES})"
        con.begin()
        began = True
        # what the dates had under this version is replaced (in this transaction)
        _x(con, f"DELETE FROM {q(detail)} WHERE {ours}", [first, last])
        for i, d in enumerate(dates):
            if away is not None:
                away.write(con, detail, d)
            else:
                _set(con, _AS_OF, d)
                _x(con, insert)
            tick("scoring", i + 1, len(dates))
        tick("saving", 0, 0)
        _x(
            con,
            f"DELETE FROM score_history WHERE model_version = ? AND {ours}",
            [model.version, first, last],
        )
        params: list[object] = []
        for _ in model.scores:
            params += [model.version, run_id, first, last]
        _x(con, f"INSERT INTO score_history {history}", params)
        current.refresh(con, model.version, run_id, first, last, every_day=every_day)
        if away is not None and away.lake:
            results.set_detail_location(con, run_id, away.lake)
        accounts = int(
            _x(
                con,
                f"SELECT count(*) FROM {q(detail)} WHERE run_id = ? AND as_of = ?",
                [run_id, last],
            )[0][0]
        )
        # the run is recorded done in its results' transaction: one commit (a disk sync)
        # fewer, and no moment when its scores are in and it still says running
        results.finish_run(con, run_id, accounts=accounts)
        con.commit()
    except BaseException as e:
        if began:
            con.rollback()
        if backfill is not None:
            unstage_backfill(con, backfill)
        if away is not None:
            away.release(failed=True)
        results.finish_run(con, run_id, error=f"{type(e).__name__}: {e}")
        if isinstance(e, StethoscopeError | KeyboardInterrupt):
            raise
        where = f" on {d}" if d else ""
        raise EngineError(
            f"the run failed{where}: {e}", hint="nothing was written; earlier results are untouched"
        ) from e
    if backfill is not None:
        unstage_backfill(con, backfill)
    if away is not None:
        away.release()
    _x(con, f"DROP TABLE IF EXISTS {_RUN_DATES}")
    _x(con, f"DROP TABLE IF EXISTS {_LAKE}")
    bands: dict[str, dict[str, int]] = {}
    for s in model.scores:
        rows = _x(
            con,
            "SELECT coalesce(band, 'unknown'), count(*) FROM score_history WHERE "
            "model_version = ? AND as_of = ? AND score_name = ? GROUP BY 1",
            [model.version, dates[-1], s],
        )
        bands[s] = {b: int(n) for b, n in rows}
    return RunSummary(
        run_id,
        model.version,
        dates[0].isoformat(),
        dates[-1].isoformat(),
        len(dates),
        accounts,
        time.perf_counter() - started,
        bands,
        str(step),
    )


def _exists(con: Connection, table: str) -> bool:
    return bool(
        _x(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
            "AND table_schema = current_schema()",
            [table],
        )[0][0]
    )


class Away:
    """A run's frames computed by ``compute`` (away from the store): the model compiled for
    it, its tables published there and a backfill's rows staged there, before the store's
    transaction begins; then each date's rows come back in batches, written to the store
    by the caller's transaction.

    A backfill with the engine's ``detail_path`` (``spark_detail_path``) writes each
    date's frame there instead, under ``lake`` (``.../run_id=R``, a partition per date),
    and reads back only the history's columns, into ``_LAKE``, and the last date's whole
    frame, into the store's detail table (the current scores' detail, which alerts,
    explanations and write-backs read). A failed run's partitions are removed; a killed
    run's stay, and no run points at them (``runs.detail_location`` is set in the run's
    transaction)."""

    def __init__(
        self, compute: Compute, con: Connection, model: Model, dates: list[dt.date], run_id: str
    ) -> None:
        self.compute = compute
        self.last = dates[-1]
        self.lake = (
            f"{compute.detail_path}/run_id={run_id}"
            if compute.detail_path and len(dates) > 1
            else None
        )
        self.history = ["run_id", "as_of", "account_id"] + [
            f"{c}__{s}"
            for s in model.scores
            for c in ("score", "band", "coverage", "segment", "scorecard")
        ]
        self.backfill = (
            backfill_sql(con, model, dialect=compute.dialect) if len(dates) > 1 else None
        )
        if self.backfill is not None:
            self.sql = self.backfill.frame
            queries = [*(x for _, x in self.backfill.stages), self.sql]
        else:
            self.sql = frame_sql(con, model, dialect=compute.dialect)
            queries = [self.sql]
        try:
            compute.publish(con, queries)
            compute.set(_RUN_ID, run_id)
            compute.set(_FROM, dates[0])
            compute.set(_TO, dates[-1])
            for name, x in self.backfill.stages if self.backfill else []:
                compute.stage(name, x)
        except BaseException:
            self.release()
            raise

    def write(
        self, con: Connection, table: str, day: dt.date, columns: list[str] | None = None
    ) -> None:
        """Append the frame of ``day`` to the store's ``table``: every column, or only
        ``columns`` (a backtest's; the engine prunes the rest of the frame)."""
        from stethoscope.store import batches

        self.compute.set(_AS_OF, day)
        sql = self.sql
        if columns is not None:
            sql = f"SELECT {', '.join(map(self.compute.quote, columns))} FROM ({sql}) AS f"
        if self.lake is None or columns is not None:
            for batch in self.compute.batches(sql):
                batches.insert(con, table, batch)
            return
        where = f"{self.lake}/as_of={day.isoformat()}"
        self.compute.keep(sql, where)
        for batch in self.compute.kept(where, self.history):
            batches.insert(con, _LAKE, batch)
        if day == self.last:
            for batch in self.compute.kept(where, None):
                batches.insert(con, table, batch)

    def release(self, *, failed: bool = False) -> None:
        for name, _ in self.backfill.stages if self.backfill else []:
            self.compute.unstage(name)
        self.compute.release()
        if failed and self.lake:
            self.compute.discard(self.lake)


def _x(con: Connection, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    """Execute and drain: DuckDB 2 refuses new work while a result is left unread."""
    return con.execute(sql, params or []).fetchall()
