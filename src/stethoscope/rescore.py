"""Scoring one account again, at once: a CSM's input just saved counts on the page now,
not at the next run, while the rest of the book waits for that run.

The account is scored by the query a run of the whole book executes (``runner.frame_sql``),
on the book's latest scored date, and only its row is kept: ranks within a segment
(percentile grading) read every account exactly as the run does, so the account gets the
number a full run would give it on that date, to the last digit (tests/engine/test_rescore.py
holds it to that). The account's detail row, its score_history rows and its current scores
are replaced in one transaction, recorded as a run of one account (trigger ``input``): a
failure leaves the stored scores as they were, and the run says why.

An input counts from the day it was entered (``engine.scoring``), so an input saved today
changes the score of a date that is today or later: when the book was last scored before
today, re-scoring that date would change nothing, and the input counts from the next run.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import q
from stethoscope.errors import EngineError, StethoscopeError
from stethoscope.store import current, database, results

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection


@dataclass(frozen=True)
class Rescored:
    """What scoring one account again did: its scores before and after, per score name,
    or (``run_id`` None) why it was not scored now (``not_now``)."""

    account_id: str
    as_of: str | None = None
    run_id: str | None = None
    before: dict[str, float | None] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    bands: dict[str, str | None] = field(default_factory=dict)
    seconds: float = 0.0
    not_now: str | None = None


def rescore(con: Connection, model: Model, as_of: dt.date, account_id: str) -> Rescored:
    """Score ``account_id`` as of ``as_of`` again under ``model`` and store it as a run of
    one account (see the module doc). An account not active on the date is not scored:
    ``not_now`` says so."""
    with database.run_lock(con):
        return _rescore(con, model, as_of, account_id)


def _scores(con: Connection, version: str, as_of: dt.date, account_id: str) -> list[Any]:
    return con.execute(
        "SELECT score_name, score, band FROM score_history WHERE model_version = ? "
        "AND as_of = ? AND account_id = ? ORDER BY score_name",
        [version, as_of, account_id],
    ).fetchall()


def _rescore(con: Connection, model: Model, as_of: dt.date, account_id: str) -> Rescored:
    from stethoscope import runner

    started = time.perf_counter()
    before = {n: s for n, s, _ in _scores(con, model.version, as_of, account_id)}
    run_id = results.new_run_id()
    results.save_version(con, model)
    results.start_run(con, run_id, model, as_of, as_of)
    detail = results.detail_table(model.version)
    began = False
    try:
        sql = runner.frame_sql(con, model)
        runner.use_date(con, as_of, run_id)
        # created outside the transaction, as a run does (runner._run says why)
        _x(con, f"CREATE TABLE IF NOT EXISTS {q(detail)} AS SELECT * FROM ({sql}) AS f LIMIT 0")
        # the whole book's query, one row kept: the database ranks every account as a run
        # does, and may skip work that cannot reach this account's row
        one = f"SELECT * FROM ({sql}) AS book WHERE book.account_id = ?"
        con.begin()
        began = True
        _x(con, f"DELETE FROM {q(detail)} WHERE as_of = ? AND account_id = ?", [as_of, account_id])
        _x(con, runner.insert_sql(con, detail, one), [account_id])
        _x(
            con,
            "DELETE FROM score_history WHERE model_version = ? AND as_of = ? AND account_id = ?",
            [model.version, as_of, account_id],
        )
        params: list[object] = []
        for _ in model.scores:
            params += [model.version, run_id, as_of, as_of]
        history = results.history_rows(detail, list(model.scores))
        _x(con, f"INSERT INTO score_history {history}", params)
        current.refresh_account(con, model.version, account_id)
        after = _scores(con, model.version, as_of, account_id)
        con.commit()
    except BaseException as e:
        if began:
            con.rollback()
        results.finish_run(con, run_id, error=f"{type(e).__name__}: {e}")
        if isinstance(e, StethoscopeError | KeyboardInterrupt):
            raise
        raise EngineError(
            f"scoring the account '{account_id}' again failed: {e}",
            hint="nothing was written; its scores are those of the last run",
        ) from e
    results.finish_run(con, run_id, accounts=1 if after else 0)
    if not after:
        return Rescored(
            account_id,
            as_of.isoformat(),
            not_now=f"the account is not a customer on {as_of} (not started, or churned)",
        )
    return Rescored(
        account_id,
        as_of.isoformat(),
        run_id,
        before,
        {n: s for n, s, _ in after},
        {n: b for n, _, b in after},
        time.perf_counter() - started,
    )


def _x(con: Connection, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or []).fetchall()
