"""Running the engine and saving what it computes: one run, one or many as-of dates.

Each as-of date is one set-based query (``engine.scoring.score_frame``) executed inside the
database; its rows never pass through Python. All dates of a run are written in one
transaction, so a failed run leaves earlier results untouched and is recorded with its
error in ``runs``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import q
from stethoscope.errors import EngineError, StethoscopeError
from stethoscope.progress import Progress, silent
from stethoscope.store import results

if TYPE_CHECKING:
    import duckdb

    from stethoscope.model.types import Model


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


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        raise EngineError(f"--from {start} is after --to {end}")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


_AS_OF = "stethoscope_as_of"


def _as_of_variable() -> Any:
    """The as-of date as DuckDB's ``getvariable``: folded into the plan as a constant, so
    filters on it still prune, while the SQL stays the same from date to date."""
    import ibis

    @ibis.udf.scalar.builtin(name="getvariable")  # type: ignore[untyped-decorator]
    def getvariable(name: str) -> dt.date:  # type: ignore[empty-body]
        ...

    return getvariable(_AS_OF).name("as_of_date")


def frame_into(con: duckdb.DuckDBPyConnection, model: Model, as_of: dt.date, table: str) -> None:
    """Compute the frame of one date into a temporary table, without storing a run."""
    import ibis

    from stethoscope.engine.scoring import score_frame

    backend = ibis.duckdb.from_connection(con)
    frame = score_frame(backend, model, as_of).mutate(as_of=ibis.literal(as_of))
    _x(con, f"CREATE OR REPLACE TEMP TABLE {q(table)} AS {ibis.to_sql(frame)}")


def run(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    dates: list[dt.date],
    *,
    progress: Progress | None = None,
) -> RunSummary:
    import ibis

    from stethoscope.engine.scoring import score_frame

    tick = progress or silent
    started = time.perf_counter()
    backend = ibis.duckdb.from_connection(con)
    run_id = results.new_run_id()
    results.save_version(con, model)
    results.start_run(con, run_id, model, dates[0], dates[-1])
    detail = results.detail_table(model.version)
    history = results.history_rows(list(model.scores))
    accounts = 0
    d: dt.date | None = None
    con.begin()
    try:
        # one query for every date: compiled once, the date set before each execution
        day = _as_of_variable() if len(dates) > 1 else ibis.literal(dates[0])
        frame = score_frame(backend, model, day).mutate(run_id=ibis.literal(run_id), as_of=day)
        sql = ibis.to_sql(frame)
        for i, d in enumerate(dates):
            # a date object's isoformat: digits and dashes only
            _x(con, f"SET VARIABLE {_AS_OF} = DATE '{d.isoformat()}'")
            if i == 0:
                _x(con, f"CREATE OR REPLACE TEMP TABLE _frame AS {sql}")
            else:
                _x(con, f"INSERT INTO _frame {sql}")
            tick("scoring", i + 1, len(dates))
        # then replace what the dates had under this version, in one statement per table
        tick("saving", 0, 0)
        first, last = dates[0], dates[-1]
        _x(con, f"CREATE TABLE IF NOT EXISTS {q(detail)} AS SELECT * FROM _frame LIMIT 0")
        _x(con, f"DELETE FROM {q(detail)} WHERE as_of BETWEEN ? AND ?", [first, last])
        _x(con, f"INSERT INTO {q(detail)} BY NAME SELECT * FROM _frame")
        _x(
            con,
            "DELETE FROM score_history WHERE model_version = ? AND as_of BETWEEN ? AND ?",
            [model.version, first, last],
        )
        params: list[object] = []
        for _ in model.scores:
            params += [run_id, model.version]
        _x(con, f"INSERT INTO score_history {history}", params)
        accounts = int(_x(con, "SELECT count(*) FROM _frame WHERE as_of = ?", [last])[0][0])
        _x(con, "DROP TABLE IF EXISTS _frame")
        con.commit()
    except BaseException as e:
        con.rollback()
        results.finish_run(con, run_id, error=f"{type(e).__name__}: {e}")
        if isinstance(e, StethoscopeError | KeyboardInterrupt):
            raise
        where = f" on {d}" if d else ""
        raise EngineError(
            f"the run failed{where}: {e}", hint="nothing was written; earlier results are untouched"
        ) from e
    results.finish_run(con, run_id, accounts=accounts)
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
    )


def _x(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> list[tuple[Any, ...]]:
    """Execute and drain: DuckDB 2 refuses new work while a result is left unread."""
    return con.execute(sql, params or []).fetchall()
