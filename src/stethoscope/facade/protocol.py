"""What the CLI may ask of a project, whichever facade answers: ``Project`` working on the
store (stethoscope.project) or ``RemoteProject`` sending the work to the server that owns
it (stethoscope.client). Both satisfy ``Facade``, and neither imports the other: what they
share is here, and ``stethoscope.connect`` picks one.

The signatures are those of ``Project`` without ``actor``, which over HTTP is always the
caller's key. ``RemoteProject`` refuses what needs the store itself (backtests, a model
diff) with a StoreError that says to stop the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from stethoscope.alerts.evaluation import Evaluation, Preview
    from stethoscope.alerts.outbox import Drained
    from stethoscope.alerts.rules import Rules
    from stethoscope.backtest.discover import Discovery
    from stethoscope.backtest.replay import Backtest
    from stethoscope.contract.importer import EndDates, ImportResult, Mode
    from stethoscope.data_warnings import DataWarning
    from stethoscope.facade.sources import SourceStatus
    from stethoscope.model.types import Model
    from stethoscope.progress import Progress
    from stethoscope.rows import (
        AlertOutcome,
        AlertRow,
        Change,
        DeliveryRow,
        Explanation,
        ModelDiff,
        RuleReport,
        ScoreRow,
        TaskRow,
    )
    from stethoscope.runner import RunSummary
    from stethoscope.sources.check import SourceCheck
    from stethoscope.sources.sync import SyncSummary
    from stethoscope.steps import Step
    from stethoscope.store.audit import AuditEntry
    from stethoscope.store.keys import ApiKey, NewKey
    from stethoscope.store.privacy import Erasure
    from stethoscope.store.results import RunRecord
    from stethoscope.store.syncs import SyncRecord
    from stethoscope.store.users import User


@dataclass(frozen=True)
class Status:
    project: str
    database: str
    counts: dict[str, int]
    # first and last event timestamps, ISO, or None without events
    events_from: str | None = None
    events_to: str | None = None
    served_by: str | None = None
    # a server's read model (service.read_model), as GET /api/status says it
    read_model: dict[str, Any] | None = None


@dataclass(frozen=True)
class DemoResult:
    start: str
    end: str
    counts: dict[str, int]
    seconds: float
    signal: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the drawn causes of churn (``causes="random"``): a file beside the store, for tests
    causes_file: str | None = None


class Facade(Protocol):
    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    # -- the model and source data ---------------------------------------------------------

    def validate(self, path: Path | str | None = None) -> Model: ...

    def data_warnings(self, model: Path | str | None = None) -> list[DataWarning]: ...

    def import_file(
        self,
        table: str,
        path: Path | str,
        *,
        format: str | None = None,
        mapping: dict[str, str] | None = None,
        mode: Mode = "append",
        skip_bad: bool = False,
        rejects_path: Path | str | None = None,
        progress: Progress | None = None,
        encoding: str | None = None,
        end_dates: EndDates = "inclusive",
    ) -> ImportResult: ...

    def status(self) -> Status: ...

    def load_demo(
        self,
        *,
        accounts: int = 2000,
        months: int = 12,
        seed: int = 0,
        end: date | None = None,
        activity: float = 1.0,
        causes: str | None = None,
        force: bool = False,
        progress: Progress | None = None,
    ) -> DemoResult: ...

    # -- scoring, read-outs and inputs -----------------------------------------------------

    def run(
        self,
        *,
        as_of: date | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | None = None,
        model: Path | str | None = None,
        progress: Progress | None = None,
    ) -> RunSummary: ...

    def runs(
        self, limit: int = 50, *, offset: int = 0, status: str | None = None
    ) -> list[RunRecord]: ...

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
    ) -> list[ScoreRow]: ...

    def explain(
        self,
        account_id: str,
        *,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Explanation: ...

    def explain_change(
        self,
        account_id: str,
        *,
        vs: date,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Change: ...

    def diff(
        self,
        old: Model | Path | str,
        new: Model | Path | str | None = None,
        *,
        as_of: date | None = None,
        score: str = "health",
        top: int = 10,
    ) -> ModelDiff: ...

    def add_input(
        self,
        account_id: str,
        name: str,
        value: str,
        *,
        reason: str,
        author: str,
        expires: date | None = None,
        model: Path | str | None = None,
        rescore: bool = False,
    ) -> dict[str, Any]: ...

    # -- access ----------------------------------------------------------------------------

    def create_key(self, name: str, role: str) -> NewKey: ...

    def keys(self, *, revoked: bool = False) -> list[ApiKey]: ...

    def revoke_key(self, key_id: str) -> ApiKey: ...

    def create_user(self, name: str, role: str, password: str) -> User: ...

    def users(self) -> list[User]: ...

    def audit(self, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]: ...

    def forget(
        self, *, account_id: str | None = None, contact_id: str | None = None
    ) -> Erasure: ...

    # -- alerts and tasks ------------------------------------------------------------------

    def alert_rules(self, model: Path | str | None = None) -> Rules: ...

    def preview_alerts(self) -> list[Preview]: ...

    def evaluate_alerts(
        self, *, start: date | None = None, end: date | None = None
    ) -> list[Evaluation]: ...

    def alerts(
        self,
        *,
        status: str | None = None,
        rule: str | None = None,
        account_id: str | None = None,
        recipient: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[AlertRow]: ...

    def alert_report(self, *, horizon_days: int = 180) -> list[RuleReport]: ...

    def alert_outcomes(
        self, *, rule: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[AlertOutcome]: ...

    def deliveries(
        self, *, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[DeliveryRow]: ...

    def drain_outbox(self) -> Drained: ...

    def tasks(
        self,
        *,
        owner: str | None = None,
        status: str | None = None,
        account_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[TaskRow]: ...

    def task(self, task_id: int) -> TaskRow | None: ...

    def update_task(
        self,
        task_id: int,
        status: str,
        *,
        reason: str | None = None,
        until: date | None = None,
    ) -> TaskRow: ...

    def export_scores(
        self, *, fmt: str = "csv", as_of: date | None = None, score: str | None = None
    ) -> str: ...

    # -- sources: checked and synced on the store only (a server syncs on its schedule) ---

    def sources(self) -> list[SourceStatus]: ...

    def source_syncs(self, name: str | None = None, *, limit: int = 50) -> list[SyncRecord]: ...

    def check_source(self, name: str) -> SourceCheck: ...

    def sync_source(
        self,
        name: str,
        *,
        full_refresh: bool = False,
        progress: Progress | None = None,
        trigger: str = "cli",
    ) -> SyncSummary: ...

    # -- judging a model against churn: on the store only ----------------------------------

    def backtest(
        self,
        *,
        model: Path | str | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        method: str = "isotonic",
        anchor: str = "calendar",
        save: bool = True,
        progress: Progress | None = None,
    ) -> Backtest: ...

    def compare_models(
        self,
        a: Path | str,
        b: Path | str,
        *,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        anchor: str = "calendar",
        replicates: int = 1000,
        seed: int = 0,
        save: bool = True,
        progress: Progress | None = None,
    ) -> dict[str, Any]: ...

    def calibrate(
        self,
        out: Path | str,
        *,
        model: Path | str | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        anchor: str = "calendar",
        force: bool = False,
        flips: bool = True,
        curves: bool = True,
        flatten: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, Any]: ...

    def discover(
        self,
        *,
        out: Path | str | None = None,
        every: str = "1mo",
        horizon: int = 90,
        lead: int = 0,
        to: date | None = None,
        events: int = 15,
        measures: int = 12,
        force: bool = False,
        progress: Progress | None = None,
    ) -> Discovery: ...

    def churn_forecast(
        self,
        *,
        model: Path | str | None = None,
        as_of: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        method: str = "isotonic",
        top: int = 20,
    ) -> dict[str, Any]: ...
