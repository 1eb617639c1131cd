"""The alert methods of the facade: ``Project`` inherits them from ``AlertsMixin``, so the
CLI, the API and the dashboard call ``project.tasks(...)`` like any other method.

After every successful run (``Project.run``, whoever started it: the CLI, the API or the
schedule) the rules are evaluated on each date the run scored, the deliveries of the new
alerts and the sync webhook are written to the outbox in one transaction, and the outbox
is drained. The rules are read before the run: invalid rules refuse the run, as an invalid
model does, rather than failing after it.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.facade.core import ProjectCore
from stethoscope.rows import AlertOutcome, AlertRow, DeliveryRow, RuleReport, TaskRow

if TYPE_CHECKING:
    from stethoscope.alerts.evaluation import Evaluation, Preview
    from stethoscope.alerts.outbox import Drained
    from stethoscope.alerts.rules import Rules
    from stethoscope.model.types import Model
    from stethoscope.runner import RunSummary
    from stethoscope.store.worklist import Filters as TaskFilters

_DRAIN_GUARD = threading.Lock()


class AlertsMixin(ProjectCore):
    # what evaluating the rules did in the last run or evaluation (the CLI prints it)
    last_evaluation: list[Evaluation]

    # the rules themselves are read with the model, without the store
    # (stethoscope.facade.model_files.ModelFiles.alert_rules)

    def _after_run(self, m: Model, summary: RunSummary, rules: Rules) -> list[Evaluation]:
        """Evaluate the rules on the run's dates and queue what to send (the caller sends
        it once it has let go of the store)."""
        from stethoscope.runner import days
        from stethoscope.steps import parse_step

        if not rules.rules and not self.settings.sync_webhook_url:
            self.last_evaluation = []
            return []
        first = dt.date.fromisoformat(summary.as_of_from)
        last = dt.date.fromisoformat(summary.as_of_to)
        # the run's own dates: with a step longer than a day, the days between were not scored
        dates = days(first, last, parse_step(summary.every))
        with self._lock:
            return self._evaluate(m, rules, dates, summary.run_id)

    def _evaluate(
        self, m: Model, rules: Rules, dates: list[dt.date], run_id: str | None
    ) -> list[Evaluation]:
        from stethoscope.alerts import outbox, sync
        from stethoscope.alerts.evaluation import evaluate
        from stethoscope.store import alerts as store

        con = self.store.con
        con.begin()
        try:
            # without rules nothing is evaluated: dates stay open for rules added later
            results = [evaluate(con, m, rules, d, run_id=run_id) for d in dates if rules.rules]
            batches = [r.batch for r in results if r.batch]
            deliveries = outbox.compose(con, m, rules, self.settings, batches)
            url = self.settings.sync_webhook_url
            if url and run_id and dates:
                deliveries += sync.webhook(
                    con,
                    url,
                    run_id=run_id,
                    version=m.version,
                    first=dates[0],
                    last=dates[-1],
                    page_size=self.settings.sync_webhook_page_size,
                )
            store.queue(con, deliveries)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        self.last_evaluation = results
        return results

    def evaluate_alerts(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        model: Path | str | None = None,
    ) -> list[Evaluation]:
        """Evaluate the rules on the scored dates from ``start`` to ``end`` (default: the
        latest scored date) not evaluated yet, e.g. after adding rules; then send."""
        from stethoscope import readouts

        m = self.load_model(model)
        rules = self.alert_rules(model)
        with self._lock:
            con = self.store.con
            latest = readouts.latest_date(con, m.version)
            if latest is None:
                return []
            lo, hi = start or end or latest, end or latest
            rows = con.execute(
                "SELECT DISTINCT as_of FROM score_history WHERE model_version = ? "
                "AND as_of >= ? AND as_of <= ? ORDER BY as_of",
                [m.version, lo, hi],
            ).fetchall()
            out = self._evaluate(m, rules, [r[0] for r in rows], None)
        self.drain_outbox()
        return out

    def preview_alerts(self, model: Path | str | None = None) -> list[Preview]:
        """A dry run: per rule, how many accounts it fires on at the latest scored date and
        how many alerts it would open there (nothing is written). Empty before a run."""
        from stethoscope import readouts
        from stethoscope.alerts.evaluation import preview

        m = self.load_model(model)
        rules = self.alert_rules(model)
        with self._reading() as con:
            latest = readouts.latest_date(con, m.version)
            return [] if latest is None else preview(con, m, rules, latest)

    # -- the outbox --------------------------------------------------------------------

    def drain_outbox(self, *, at: dt.datetime | None = None) -> Drained:
        """Send every delivery that is due (at ``at``, naive UTC; default now). One drain at
        a time per process; the store is not held while a message is sent."""
        from stethoscope.alerts import outbox

        # deliveries change nothing the server's read model copies
        with _DRAIN_GUARD:
            return outbox.drain(self._lock.keeping_reads, self.store.con, self.settings, at=at)

    def outbox_depth(self) -> dict[str, int]:
        """Deliveries still to go, per status: pending, retrying (the service's metrics)."""
        from stethoscope.store import alerts as store

        with self._reading() as con:
            return store.waiting(con)

    def deliveries(
        self, *, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[DeliveryRow]:
        from stethoscope.store import alerts as store

        with self._reading() as con:
            return store.deliveries(con, status=status, limit=limit, offset=offset)

    # -- alerts and what became of them ------------------------------------------------

    def alerts(
        self,
        *,
        status: str | None = None,
        rule: str | None = None,
        account_id: str | None = None,
        recipient: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[AlertRow]:
        from stethoscope.store import alerts as store

        with self._reading() as con:
            return store.alerts(
                con,
                status=status,
                rule=rule,
                account_id=account_id,
                recipient=recipient,
                limit=limit,
                offset=offset,
            )

    def alert_report(self, *, horizon_days: int = 180) -> list[RuleReport]:
        """Per rule: alerts, accounts alerted, how many churned after, precision, churned
        accounts never alerted, recall, tasks done (see alerts.outcomes)."""
        from stethoscope.alerts import outcomes

        with self._reading() as con:
            return outcomes.report(con, horizon_days=horizon_days)

    def alert_outcomes(
        self, *, rule: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[AlertOutcome]:
        from stethoscope.alerts import outcomes

        with self._reading() as con:
            return outcomes.alert_outcomes(con, rule=rule, limit=limit, offset=offset)

    # -- tasks -------------------------------------------------------------------------

    def tasks(
        self,
        *,
        owner: str | None = None,
        status: str | None = None,
        account_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[TaskRow]:
        """Tasks, soonest due first; ``status='open'`` includes snoozed tasks whose date
        has come."""
        from stethoscope.store import alerts as store

        with self._reading() as con:
            return store.tasks(
                con,
                owner=owner,
                status=status,
                account_id=account_id,
                limit=limit,
                offset=offset,
            )

    def task(self, task_id: int) -> TaskRow | None:
        from stethoscope.store import alerts as store

        with self._reading() as con:
            return store.task(con, task_id)

    def update_task(
        self,
        task_id: int,
        status: str,
        *,
        reason: str | None = None,
        until: dt.date | None = None,
        actor: str | None = None,
    ) -> TaskRow:
        """Mark a task done, snoozed (until a date), dismissed (with a reason) or open
        again; recorded in the audit log as done by ``actor``."""
        from stethoscope.store import alerts as store
        from stethoscope.store import audit

        with self._lock:
            return store.update_task(
                self.store.con,
                task_id,
                status,
                actor=actor or audit.local_actor(),
                reason=reason,
                snooze_until=until,
            )

    # -- the worklist: tasks as a table, changed in bulk and undone (store.worklist) ----

    def task_worklist(
        self,
        filters: TaskFilters,
        *,
        sort: str = "due",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of tasks with their account's ARR, renewal and current health score and
        band, and their alert's rule and severity; and how many tasks match. Without a
        valid model, the score and band are empty: the tasks are still there to work."""
        from stethoscope.errors import StethoscopeError
        from stethoscope.store import worklist

        try:
            version: str | None = self.load_model().version
        except StethoscopeError:
            version = None
        with self._reading() as con:
            return worklist.worklist(
                con,
                filters,
                model_version=version,
                score="health",
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )

    def task_choices(self) -> dict[str, list[str]]:
        """The owners (of tasks and accounts) and rules a worklist can be filtered by."""
        from stethoscope.store import worklist

        with self._reading() as con:
            return worklist.choices(con)

    def change_tasks(
        self,
        task_ids: list[int],
        action: str,
        *,
        until: dt.date | None = None,
        owner: str | None = None,
        reason: str | None = None,
        actor: str | None = None,
    ) -> int:
        """Mark tasks done, snoozed (until a date), dismissed (with a reason) or open again,
        or give them to ``owner``, in one go; the change's id, which ``undo_task_change``
        takes."""
        from stethoscope.store import audit, worklist

        with self._lock:
            return worklist.change(
                self.store.con,
                task_ids,
                action,
                actor=actor or audit.local_actor(),
                until=until,
                owner=owner,
                reason=reason,
            )

    def task_change(self, change_id: int) -> dict[str, Any] | None:
        from stethoscope.store import worklist

        with self._reading() as con:
            return worklist.change_of(con, change_id)

    def undo_task_change(self, change_id: int, *, actor: str | None = None) -> int:
        """Put the tasks of a change back exactly as they were; how many."""
        from stethoscope.store import audit, worklist

        with self._lock:
            return worklist.undo(self.store.con, change_id, actor=actor or audit.local_actor())

    def tick_task_step(
        self, task_id: int, step: int, done: bool = True, *, actor: str | None = None
    ) -> TaskRow:
        """Tick step ``step`` (0-based) of a task's playbook, or untick it; the task."""
        from stethoscope.store import alerts as store
        from stethoscope.store import audit, worklist

        with self._lock:
            worklist.tick(self.store.con, task_id, step, done, actor=actor or audit.local_actor())
            found = store.task(self.store.con, task_id)
        assert found is not None
        return found

    # -- outbound sync -----------------------------------------------------------------

    def export_scores(
        self,
        *,
        fmt: str = "csv",
        as_of: dt.date | None = None,
        score: str | None = None,
        model: Path | str | None = None,
    ) -> str:
        """The scored book on a date (default: the latest) as CSV or JSON."""
        from stethoscope import readouts
        from stethoscope.alerts import sync
        from stethoscope.errors import DataError

        if fmt not in ("csv", "json"):
            raise DataError(f"unknown export format '{fmt}'", hint="use csv or json")
        m = self.load_model(model)
        with self._reading() as con:
            day = as_of or readouts.latest_date(con, m.version)
            if day is None:
                raise DataError(
                    "nothing is scored under the current model yet",
                    hint="score the book with `stethoscope run` first",
                )
            return sync.export(con, m.version, day, fmt=fmt, score=score)
