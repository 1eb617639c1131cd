"""Scoring and its history: runs (one at a time), the runs kept, the scored book, why an
account has its score, and what another model would change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.errors import DataError, RunInProgressError
from stethoscope.facade.core import ProjectCore
from stethoscope.progress import Progress
from stethoscope.rows import ScoreRow

if TYPE_CHECKING:
    from stethoscope.alerts.evaluation import Evaluation
    from stethoscope.alerts.outbox import Drained
    from stethoscope.alerts.rules import Rules
    from stethoscope.model.types import Model
    from stethoscope.rescore import Rescored
    from stethoscope.rows import Change, Explanation, ModelDiff
    from stethoscope.runner import RunSummary
    from stethoscope.settings import Settings
    from stethoscope.steps import Step
    from stethoscope.store.database import Connection
    from stethoscope.store.results import RunRecord, RunStart, Trigger


class Scoring(ProjectCore):
    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        super().__init__(settings, on_wait=on_wait)
        # one run at a time: a second is refused at once, not queued behind the first
        self._run_guard = threading.Lock()
        self._running: RunStart | None = None

    if TYPE_CHECKING:
        # what a run does before and after scoring, from the other concerns' mixins
        # (stethoscope.facade.source_data, stethoscope.alerts.facade)

        def attach_pending(self) -> int: ...

        def _after_run(self, m: Model, summary: RunSummary, rules: Rules) -> list[Evaluation]: ...

        def drain_outbox(self, *, at: datetime | None = None) -> Drained: ...

        def write_scores_back(self, m: Model, summary: RunSummary) -> list[str]: ...

        def in_place_tables(
            self, con: Connection, first: date, last: date
        ) -> AbstractContextManager[object]: ...

    def run(
        self,
        *,
        as_of: date | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | None = None,
        model: Path | str | None = None,
        progress: Progress | None = None,
        trigger: Trigger = "cli",
    ) -> RunSummary:
        """Score every account as of a date (default today, UTC), or every day from
        ``start`` to ``end`` (every ``every``, e.g. ``7d`` or ``1mo``: steps.py), and store
        the results as one atomic run, recorded with its ``trigger``. While a run is in
        progress, another raises RunInProgressError."""
        from stethoscope import runner
        from stethoscope.steps import DAY, parse_step

        step = parse_step(every) if isinstance(every, str) else every or DAY
        if every is not None and not (start or end):
            raise DataError(
                f"--every {step} needs the dates to walk: --from (and --to, default today)",
                hint=f"e.g. stethoscope run --from 2025-01-01 --to 2025-12-31 --every {step}",
            )
        from stethoscope.store.results import RunStart, starting

        if not self._run_guard.acquire(blocking=False):
            raise RunInProgressError(
                f"a run is already in progress ({self._running or 'starting'})",
                hint="wait for it to finish (`stethoscope runs` lists it), then run again",
            )
        self._running = running = RunStart(trigger, datetime.now(UTC))
        # the guard is freed before the store: whoever waits for the store then finds no run
        with self._lock:
            try:
                m = self.load_model(model)
                rules = self.alert_rules(model)  # invalid rules refuse the run, as a model does
                if start or end:
                    dates = runner.days(start or end or clock.today(), end or clock.today(), step)
                else:
                    dates = [as_of or clock.today()]
                self.attach_pending()
                with starting(running):
                    summary = runner.run(
                        self.store.con,
                        m,
                        dates,
                        step=step,
                        progress=progress,
                        compute=self._compute_engine(),
                        tables=self.in_place_tables,
                    )
                self._after_run(m, summary, rules)
            finally:
                self._running = None
                self._run_guard.release()
        self.drain_outbox()  # what the run's alerts send, without holding the store meanwhile
        # changed scores to the CRMs that ask for them; recorded, never failing the run
        self.write_scores_back(m, summary)
        return summary

    def score_account(self, account_id: str, *, model: Path | str | None = None) -> Rescored:
        """Score one account again at once, on the book's latest scored date, exactly as a
        run of the whole book would (stethoscope.rescore), and store it as a run of one
        account; the rest of the book keeps its scores until the next run. Not done (and
        ``not_now`` says why) before the first run, while a run is in progress, or when the
        book was last scored before today (an input entered today does not count there)."""
        from stethoscope import readouts
        from stethoscope.rescore import Rescored, rescore
        from stethoscope.store.results import RunStart, starting

        m = self.load_model(model)
        if not self._run_guard.acquire(blocking=False):
            return Rescored(account_id, not_now="a run is in progress: it counts from the next")
        self._running = running = RunStart("input", datetime.now(UTC))
        try:
            with self._lock:
                day = readouts.latest_date(self.store.con, m.version)
                if day is None:
                    return Rescored(account_id, not_now="the book has not been scored yet")
                if day < clock.today():
                    return Rescored(
                        account_id,
                        day.isoformat(),
                        not_now=f"the book was last scored as of {day}; what was entered "
                        "today counts from the next run",
                    )
                with starting(running):
                    return rescore(self.store.con, m, day, account_id)
        finally:
            self._running = None
            self._run_guard.release()

    def runs(
        self, limit: int = 50, *, offset: int = 0, status: str | None = None
    ) -> list[RunRecord]:
        """Runs, newest first; only those with ``status`` (running, ok, failed) when given."""
        from stethoscope.store.results import runs

        with self._reading() as con:
            return runs(con, limit, offset=offset, status=status)

    def run_record(self, run_id: str) -> RunRecord | None:
        from stethoscope.store.results import run

        with self._reading() as con:
            return run(con, run_id)

    def last_scored(self, upto: date, *, model: Path | str | None = None) -> date | None:
        """The latest day, at or before ``upto``, that a successful run scored under the
        model's current version: where the schedule's catch-up starts from."""
        from stethoscope.store.results import last_scored

        m = self.load_model(model)
        with self._reading() as con:
            return last_scored(con, m.version, upto)

    def scores(
        self,
        *,
        score: str = "health",
        as_of: date | None = None,
        band: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        sort: str = "score",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        model: Path | str | None = None,
        groups: bool = False,
    ) -> list[ScoreRow]:
        """The scored book under the current model, as of a date (default: its latest);
        with ``groups``, each row has its group scores too (else they are empty)."""
        from stethoscope import readouts

        m = self.load_model(model)
        self._check_score(m, score)
        with self._reading() as con:
            day = as_of or readouts.latest_date(con, m.version)
            if day is None:
                return []
            rows = readouts.book(
                con,
                m.version,
                score,
                day,
                band=band,
                segment=segment,
                owner=owner,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )
            if groups:
                rows = readouts.with_groups(con, m, day, rows)
            return [ScoreRow.model_validate(r if groups else r | {"groups": {}}) for r in rows]

    def explain(
        self,
        account_id: str,
        *,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Explanation:
        """Why an account has its score: every measure, adding up to it exactly."""
        from stethoscope import readouts
        from stethoscope.engine.explain import TREND_DAYS, explain_row, with_trends

        m = self.load_model(model)
        self._check_score(m, score)
        with self._reading() as con:
            day = as_of or readouts.latest_date(con, m.version) or clock.today()
            before = {n: day - timedelta(days=n) for n in TREND_DAYS}
            stored = self._stored_rows(con, m, account_id, [day, *before.values()])
            row = stored.get(day) or self._computed_row(con, m, account_id, day)
            past = {n: stored.get(d) for n, d in before.items()}
        return with_trends(explain_row(m, row, score), m, past)

    def explain_change(
        self,
        account_id: str,
        *,
        vs: date,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Change:
        """The change of an account's score from ``vs`` to ``as_of``, by measure."""
        from stethoscope import readouts
        from stethoscope.engine.explain import compare, explain_row

        m = self.load_model(model)
        self._check_score(m, score)
        with self._reading() as con:
            day = as_of or readouts.latest_date(con, m.version) or clock.today()
            stored = self._stored_rows(con, m, account_id, [vs, day])
            rows = [stored.get(d) or self._computed_row(con, m, account_id, d) for d in (vs, day)]
        before, after = (explain_row(m, r, score) for r in rows)
        return compare(before, after, m.scale.decimals)

    def _stored_rows(
        self, con: Connection, m: Model, account_id: str, days: list[date]
    ) -> dict[date, dict[str, Any]]:
        """The account's stored frame rows on some dates, by date, in one read (a read
        per date scans the detail table's rows of that date: 8 ms each on the 100k book,
        four dates in one read 12 ms)."""
        from stethoscope import readouts

        found = readouts.frame_rows(con, m.version, [account_id], days)
        return {day: row for (_, day), row in found.items()}

    def _frame_row(
        self, con: Connection, m: Model, account_id: str, as_of: date | None
    ) -> dict[str, Any]:
        """The account's frame row on a date (the latest scored by default): stored, or
        computed."""
        from stethoscope import readouts

        day = as_of or readouts.latest_date(con, m.version) or clock.today()
        stored = readouts.frame_row(con, m.version, account_id, day)
        return stored or self._computed_row(con, m, account_id, day)

    def _store_holds_the_book(self, what: str) -> None:
        """Refuse to compute from the store's tables when Spark reads some of the book in
        place (``spark_tables``): the store's copies of those tables need not be the whole
        book, and a frame computed from them would be wrong without saying so."""
        mapped = sorted(self.settings.spark_tables) if self.settings.compute == "spark" else []
        if mapped:
            raise DataError(
                f"{what} computes from the store's tables, but {', '.join(mapped)} "
                "are read in place by Spark (spark_tables): the store does not hold the book",
                hint="explain a date a run stored (its detail is kept), or compare models "
                "with `stethoscope backtest --compare`, which computes on Spark",
            )

    def _computed_row(
        self, con: Connection, m: Model, account_id: str, day: date
    ) -> dict[str, Any]:
        """The account's frame row on a date the store holds none of under this model
        version: computed the same way a run would (in a temporary table of the reading
        connection, which a run does not wait for, dropped once read: a reader's tables
        outlive the read, and `forget` must find no copy of an account there)."""
        from stethoscope import runner
        from stethoscope.store.results import detail_location, row_dicts

        lake = detail_location(con, m.version, day)
        if lake is not None:
            # a backfill on Spark kept this date's detail in the lakehouse: computing it
            # again here would read the store's tables, which need not hold the book
            raise DataError(
                f"the detail of {day} is in the lakehouse, at {lake} (Parquet, a row "
                "per account), not in the store",
                hint="read it there with Spark, or explain the run's last date, whose "
                "detail the store keeps",
            )
        self._store_holds_the_book(f"explaining {day}, which no run stored,")
        with runner.temporary_frame(con, m, day, "_explain"):
            found = row_dicts(
                con,
                "SELECT e.*, a.name FROM _explain e "
                "LEFT JOIN accounts a ON a.id = e.account_id WHERE e.account_id = ?",
                [account_id],
            )
        if not found:
            raise DataError(
                f"account '{account_id}' is not a scored customer on {day}",
                hint="check the id with `stethoscope scores`; an account is "
                "scored from its customer_since date until it churns",
            )
        return found[0]

    def diff(
        self,
        old: Model | Path | str,
        new: Model | Path | str | None = None,
        *,
        as_of: date | None = None,
        score: str = "health",
        top: int = 10,
    ) -> ModelDiff:
        """What changes if model ``old`` is replaced by ``new`` (default: the project's
        model), each a file or a model (e.g. a ``stored_model``): accounts per band before
        and after, and the largest movers."""
        from stethoscope import readouts, runner
        from stethoscope.model.types import Model

        a, b = (m if isinstance(m, Model) else self.load_model(m) for m in (old, new))
        for m in (a, b):
            self._check_score(m, score)
        self._store_holds_the_book("a model diff")
        with self._reading() as con:
            day = (
                as_of
                or readouts.latest_date(con, b.version)
                or readouts.latest_date(con, a.version)
                or clock.today()
            )
            with (
                runner.temporary_frame(con, a, day, "_diff_old"),
                runner.temporary_frame(con, b, day, "_diff_new"),
            ):
                return readouts.diff_frames(
                    con, "_diff_old", "_diff_new", score, day, a.version, b.version, top
                )
