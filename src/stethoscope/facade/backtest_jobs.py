"""A backtest started from the dashboard while the server serves: it runs in a thread of
its own, on a read snapshot of the store (one transaction of a connection of its own), so
runs, writes and pages never wait for it; its progress is read while it runs, and its
report and the churn forecast fitted on it are kept in the store when it ends.

One at a time per process. The job's state lives in memory: after a restart only the kept
reports remain (the dashboard shows the latest).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.errors import RunInProgressError
from stethoscope.facade.core import ProjectCore

if TYPE_CHECKING:
    from stethoscope.model.types import Model

# what a dashboard backtest observes: every 30 days over the history, churn within 90
EVERY_DAYS = 30
HORIZON_DAYS = 90


@dataclass
class BacktestJob:
    """A backtest started from the dashboard: ``status`` running, done or failed."""

    started_by: str
    started_at: dt.datetime
    status: str = "running"
    step: str = "starting"
    done: int = 0
    total: int = 0
    finished_at: dt.datetime | None = None
    error: str | None = None
    report_id: str | None = None
    forecast_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class BacktestJobs(ProjectCore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._job: BacktestJob | None = None
        self._job_guard = threading.Lock()

    def backtest_job(self) -> BacktestJob | None:
        """The dashboard's latest backtest of this process (a copy), or None."""
        with self._job_guard:
            return copy.copy(self._job)

    def start_backtest(
        self,
        *,
        actor: str,
        every: int = EVERY_DAYS,
        horizon: int = HORIZON_DAYS,
        wait: bool = False,
    ) -> BacktestJob:
        """Start a backtest of the project's model (every ``every`` days of the history,
        churn within ``horizon`` days) in the background, and the churn forecast from it;
        RunInProgressError while one runs. ``wait``: return once it has ended."""
        m = self.load_model()
        with self._job_guard:
            if self._job is not None and self._job.status == "running":
                raise RunInProgressError(
                    f"a backtest is already in progress (started by {self._job.started_by} "
                    f"at {self._job.started_at:%H:%M:%S} UTC)",
                    hint="wait for it to finish: the model page shows its progress",
                )
            job = self._job = BacktestJob(actor, clock.now())
        thread = threading.Thread(
            target=self._backtest_job,
            args=(job, m, every, horizon),
            name="stethoscope-backtest",
            daemon=True,
        )
        thread.start()
        if wait:
            thread.join()
        return copy.copy(job)

    def _backtest_job(self, job: BacktestJob, m: Model, every: int, horizon: int) -> None:
        from stethoscope import runner
        from stethoscope.errors import StethoscopeError
        from stethoscope.store import audit, backtests

        def tick(step: str, done: int, total: int) -> None:
            with self._job_guard:
                job.step, job.done, job.total = step, done, total

        try:
            # the compiled queries are kept by the writer when it is free, so the snapshot
            # only reads them; during a run the snapshot compiles its own (what it writes
            # is rolled back with it) rather than wait for the run
            if self._lock.try_keeping_reads():
                try:
                    runner.frame_sql(self.store.con, m)
                    runner.backfill_sql(self.store.con, m)
                finally:
                    self._lock.release()
            report, forecast = self._snapshot_backtest(m, every, horizon, tick)
            with self._lock.keeping_reads():
                con = self.store.con
                con.begin()
                try:
                    rid = backtests.save(con, report)
                    fid = backtests.save(con, forecast) if forecast is not None else None
                    audit.record(con, job.started_by, "backtest.run", rid, {"forecast": fid})
                    con.commit()
                except BaseException:
                    con.rollback()
                    raise
            with self._job_guard:
                job.status, job.report_id, job.forecast_id = "done", rid, fid
                job.step = "done"
        except Exception as e:  # the job's failure is its state; the server goes on
            message = e.message if isinstance(e, StethoscopeError) else f"{type(e).__name__}: {e}"
            with self._job_guard:
                job.status, job.error = "failed", message
        finally:
            with self._job_guard:
                job.finished_at = clock.now()

    def _snapshot_backtest(
        self, m: Model, every_days: int, horizon: int, tick: Any
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The backtest's report and the forecast fitted on it, read in one transaction of
        a connection of the job's own (not one of the pages' readers)."""
        from stethoscope.backtest.observations import data_span, plan
        from stethoscope.backtest.replay import Settings, backtest
        from stethoscope.errors import DataError
        from stethoscope.facade.backtests import forecast
        from stethoscope.steps import Step

        pool = self.store.readers()
        try:
            with pool.connection() as con:
                con.begin()
                try:
                    every = Step(every_days, "d")
                    p = plan(con, start=None, end=None, every=every, horizon=horizon, lead=0)
                    settings = Settings(tuple(p.dates), every, horizon, anchor=p.anchor)
                    b = backtest(con, m, settings, file=str(self.model_path()), progress=tick)
                    tick("forecast", 0, 0)
                    try:
                        f = forecast(con, m, b, data_span(con)[1])
                    except DataError:  # no churn to fit on: the report says so itself
                        f = None
                finally:
                    con.rollback()
        finally:
            pool.close()
        return b.to_json(observations=False), f
