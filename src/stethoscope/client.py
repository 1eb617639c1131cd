"""The facade over HTTP: what a CLI command uses while a server owns the database.

``RemoteProject`` is a ``Facade`` (stethoscope.facade.protocol), as ``Project`` is; each
method sends one request to the server named in the lease, authenticated with the lease's
local token, and turns the server's error envelope back into the same exception a local
call raises. The model file and its alert rules are read here, as a local command would.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from stethoscope import errors
from stethoscope.contract.importer import EndDates, ImportResult, Mode
from stethoscope.contract.readers import detect_format
from stethoscope.errors import Problem, StethoscopeError, StoreError
from stethoscope.facade.model_files import ModelFiles
from stethoscope.facade.protocol import DemoResult, Status
from stethoscope.progress import Progress, silent
from stethoscope.rows import (
    AlertOutcome,
    AlertRow,
    Change,
    DeliveryRow,
    Explanation,
    RuleReport,
    ScoreRow,
    TaskRow,
)
from stethoscope.runner import RunSummary
from stethoscope.settings import Settings
from stethoscope.store.audit import AuditEntry
from stethoscope.store.keys import ApiKey, NewKey
from stethoscope.store.lease import Lease
from stethoscope.store.privacy import Erasure
from stethoscope.store.results import RunRecord
from stethoscope.store.users import User

if TYPE_CHECKING:
    from stethoscope.alerts.evaluation import Evaluation, Preview
    from stethoscope.alerts.outbox import Drained
    from stethoscope.alerts.rules import Rules
    from stethoscope.data_warnings import DataWarning
    from stethoscope.model.types import Model
    from stethoscope.steps import Step

_CHUNK = 1 << 20
_PAGE = 500
# the rows of the API's listings, from their JSON (dates as text) to the facade's types
_SCORES = TypeAdapter(list[ScoreRow])
_ALERTS = TypeAdapter(list[AlertRow])
_REPORTS = TypeAdapter(list[RuleReport])
_OUTCOMES = TypeAdapter(list[AlertOutcome])
_DELIVERIES = TypeAdapter(list[DeliveryRow])
_TASKS = TypeAdapter(list[TaskRow])


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class RemoteProject:
    def __init__(self, lease: Lease, settings: Settings) -> None:
        self.lease = lease
        self.settings = settings
        self._files = ModelFiles(settings)
        self._http = httpx.Client(
            base_url=lease.url,
            timeout=httpx.Timeout(10, read=None),
            headers={"Authorization": f"Bearer {lease.token}"},
        )

    def close(self) -> None:
        self._http.close()

    def _not_offered(self) -> StoreError:
        return StoreError(
            f"this command cannot go through the running server yet (PID {self.lease.pid}, "
            f"{self.lease.url}), which owns the project's database",
            hint="stop `stethoscope serve`, run the command, then start the server again",
        )

    if not TYPE_CHECKING:
        # hidden from mypy, which would otherwise take any missing method of ``Facade``
        # for this one

        def __getattr__(self, name: str) -> Any:
            # what the server does not offer yet must say so, not fail obscurely
            if name.startswith("_"):
                raise AttributeError(name)
            raise self._not_offered()

    # what needs the store itself: the whole history, or two models scored side by side
    def diff(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def backtest(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def compare_models(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def calibrate(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def discover(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def churn_forecast(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    # a sync writes the store and a check rolls a write back: the server does both itself,
    # on each source's schedule (GET /api/sources shows how they went)
    def sources(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def source_syncs(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def check_source(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def sync_source(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self._not_offered()

    def __enter__(self) -> RemoteProject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            r = self._http.request(method, url, **kwargs)
        except httpx.HTTPError as e:
            raise StoreError(
                f"the server that owns this project (PID {self.lease.pid}, {self.lease.url}) "
                f"did not answer: {e}",
                hint="check that `stethoscope serve` is healthy, or stop it and run the "
                "command again",
            ) from None
        body = r.json()
        if r.is_success:
            return body
        cls = getattr(errors, body.get("type", ""), None)
        if not (isinstance(cls, type) and issubclass(cls, StethoscopeError)):
            cls = StethoscopeError
        problems = [
            Problem(
                e["loc"][0] if e["loc"] else "",
                e["msg"],
                e["loc"][1] if len(e["loc"]) > 1 else None,
            )
            for e in body.get("errors", [])
        ]
        raise cls(
            body.get("error", f"HTTP {r.status_code}"),
            problems,
            body.get("hint"),
            body.get("more", 0),
        )

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
    ) -> ImportResult:
        path = Path(path)
        if not path.is_file():
            raise errors.DataError(f"no such file: {path}")
        fmt = detect_format(path, format)
        total = path.stat().st_size
        tick = progress or silent

        def upload() -> Any:
            sent = 0
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    sent += len(chunk)
                    tick("sending", sent, total)
                    yield chunk
            tick("importing on the server", 0, 0)

        params: dict[str, Any] = {
            "filename": path.name,
            "format": fmt,
            "mode": mode,
            "skip_bad": skip_bad,
            "end_dates": end_dates,
            "map": [f"{t}={s}" for t, s in (mapping or {}).items()],
        }
        if encoding:
            params["encoding"] = encoding
        body = self._call("POST", f"/api/tables/{table}/import", params=params, content=upload())
        rejects_csv = body.pop("rejects_csv", None)
        if rejects_csv is not None:
            out = (
                Path(rejects_path)
                if rejects_path
                else path.with_name(path.name.split(".")[0] + ".rejects.csv")
            )
            out.write_text(rejects_csv)
            body["rejects_path"] = str(out)
        body["file"] = str(path)
        return ImportResult(**body)

    def status(self) -> Status:
        return Status(**(self._call("GET", "/api/status") | {"served_by": self.lease.url}))

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
    ) -> DemoResult:
        if progress:
            progress("generating and loading on the server", 0, 0)
        body = {
            "accounts": accounts,
            "months": months,
            "seed": seed,
            "end": end.isoformat() if end else None,
            "activity": activity,
            "causes": causes,
            "force": force,
        }
        return DemoResult(**self._call("POST", "/api/demo", json=body))

    def runs(
        self, limit: int = 50, *, offset: int = 0, status: str | None = None
    ) -> list[RunRecord]:
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        if status:
            params["status"] = status
        body = self._call("GET", "/api/runs", params=params)
        return [RunRecord(**r) for r in body["runs"]]

    # -- scoring: the same read-outs as a local Project, from the server's REST API --------

    def validate(self, path: Path | str | None = None) -> Model:
        # reading a model file needs no database: checked here, as a local command would
        return self._files.validate(path)

    def data_warnings(self, model: Path | str | None = None) -> list[DataWarning]:
        # the server reads its own model and store
        from stethoscope.data_warnings import DataWarning

        return [DataWarning(**w) for w in self._call("GET", "/api/models/warnings")["warnings"]]

    def run(
        self,
        *,
        as_of: date | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | None = None,
        model: Path | str | None = None,
        progress: Progress | None = None,
    ) -> RunSummary:
        self._project_model(model)
        if progress:
            progress("scoring on the server", 0, 0)
        body: dict[str, Any] = {}
        if start or end:
            body = {"from": _iso(start or end), "to": _iso(end)}
        if every is not None:
            body["every"] = str(every)
        elif as_of:
            body = {"as_of": as_of.isoformat()}
        out = self._call("POST", "/api/runs", json=body)
        return RunSummary(**out)

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
        self._project_model(model)
        params: dict[str, Any] = {
            "score": score,
            "sort": sort,
            "order": "desc" if descending else "asc",
            "offset": offset,
        }
        params |= {
            k: v
            for k, v in {
                "as_of": _iso(as_of),
                "band": band,
                "segment": segment,
                "owner": owner,
            }.items()
            if v is not None
        }
        rows: list[ScoreRow] = []
        while limit is None or len(rows) < limit:
            want = _PAGE if limit is None else min(_PAGE, limit - len(rows))
            page = self._call("GET", "/api/scores", params=params | {"limit": want})
            rows += _SCORES.validate_python(page["items"])
            if page["next_offset"] is None:
                break
            params["offset"] = page["next_offset"]
        if not groups:
            for r in rows:
                r.groups = {}
        return rows

    def explain(
        self,
        account_id: str,
        *,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Explanation:
        self._project_model(model)
        body = self._call(
            "GET",
            f"/api/accounts/{quote(account_id, safe='')}/explain",
            params={k: v for k, v in {"as_of": _iso(as_of), "score": score}.items() if v},
        )
        return Explanation.model_validate(body)

    def explain_change(
        self,
        account_id: str,
        *,
        vs: date,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Change:
        self._project_model(model)
        params = {"vs": vs.isoformat(), "score": score}
        if as_of:
            params["as_of"] = as_of.isoformat()
        body = self._call(
            "GET", f"/api/accounts/{quote(account_id, safe='')}/explain", params=params
        )
        return Change.model_validate(body)

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
    ) -> dict[str, Any]:
        # the server records its own caller as the author: this machine's local token; it
        # scores the account again whatever ``rescore`` says, and the answer says how
        from stethoscope.rescore import Rescored

        self._project_model(model)
        body = {"name": name, "value": value, "reason": reason, "expires": _iso(expires)}
        row = self._call("POST", f"/api/accounts/{quote(account_id, safe='')}/inputs", json=body)
        if row.get("expires_at"):
            # in UTC without a zone, as the facade's own add_input answers
            row["expires_at"] = datetime.fromisoformat(row["expires_at"]).replace(tzinfo=None)
        done = row.pop("rescored", None)
        if rescore and done is not None:
            row["rescored"] = Rescored(account_id, **done)
        return dict(row)

    def _project_model(self, model: Path | str | None) -> None:
        """The server scores with the project's model file; another file cannot be sent."""
        local = self._files
        if model is not None and local.model_path(model).resolve() != local.model_path().resolve():
            raise StoreError(
                f"the running server (PID {self.lease.pid}, {self.lease.url}) scores with the "
                f"project's model ({self.settings.model}); --model {model} cannot go through it",
                hint="stop `stethoscope serve` to use another model file, or make it the "
                "project's model",
            )

    def create_key(self, name: str, role: str) -> NewKey:
        body = self._call("POST", "/api/keys", json={"name": name, "role": role})
        secret = body.pop("secret")
        return NewKey(ApiKey(**body), secret)

    def keys(self, *, revoked: bool = False) -> list[ApiKey]:
        body = self._call("GET", "/api/keys", params={"revoked": revoked})
        return [ApiKey(**k) for k in body["keys"]]

    def revoke_key(self, key_id: str) -> ApiKey:
        return ApiKey(**self._call("DELETE", f"/api/keys/{quote(key_id, safe='')}"))

    def audit(self, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]:
        params: dict[str, Any] = {"limit": limit}
        if action:
            params["action"] = action
        body = self._call("GET", "/api/audit", params=params)
        return [AuditEntry(**e) for e in body["entries"]]

    def forget(self, *, account_id: str | None = None, contact_id: str | None = None) -> Erasure:
        body = {"account_id": account_id, "contact_id": contact_id}
        return Erasure(**self._call("POST", "/api/admin/forget", json=body))

    # -- alerts and tasks: the same methods as a local Project, over /api/alerts and /api/tasks

    def alert_rules(self, model: Path | str | None = None) -> Rules:
        # reading the rules needs no database: checked here, as a local command would
        return self._files.alert_rules(model)

    def alerts(self, **filters: Any) -> list[AlertRow]:
        params = {k: v for k, v in filters.items() if v is not None}
        return _ALERTS.validate_python(self._call("GET", "/api/alerts", params=params)["alerts"])

    def alert_report(self, *, horizon_days: int = 180) -> list[RuleReport]:
        body = self._call("GET", "/api/alerts/report", params={"horizon_days": horizon_days})
        return _REPORTS.validate_python(body["rules"])

    def preview_alerts(self) -> list[Preview]:
        # the server previews its own model and rules
        from stethoscope.alerts.evaluation import Preview

        return [Preview(**r) for r in self._call("GET", "/api/alerts/preview")["rules"]]

    def alert_outcomes(self, **filters: Any) -> list[AlertOutcome]:
        params = {k: v for k, v in filters.items() if v is not None}
        body = self._call("GET", "/api/alerts/outcomes", params=params)
        return _OUTCOMES.validate_python(body["outcomes"])

    def evaluate_alerts(
        self, *, start: date | None = None, end: date | None = None
    ) -> list[Evaluation]:
        from stethoscope.alerts.evaluation import Evaluation

        body = {"from": _iso(start), "to": _iso(end)}
        out = self._call("POST", "/api/alerts/evaluate", json=body)
        return [Evaluation(**e) for e in out["evaluations"]]

    def deliveries(self, **filters: Any) -> list[DeliveryRow]:
        params = {k: v for k, v in filters.items() if v is not None}
        body = self._call("GET", "/api/alerts/deliveries", params=params)
        return _DELIVERIES.validate_python(body["deliveries"])

    def drain_outbox(self) -> Drained:
        from stethoscope.alerts.outbox import Drained

        return Drained(**self._call("POST", "/api/alerts/deliveries/send"))

    def tasks(self, **filters: Any) -> list[TaskRow]:
        params = {k: v for k, v in filters.items() if v is not None}
        return _TASKS.validate_python(self._call("GET", "/api/tasks", params=params)["tasks"])

    def task(self, task_id: int) -> TaskRow | None:
        try:
            return TaskRow.model_validate(self._call("GET", f"/api/tasks/{task_id}"))
        except StethoscopeError as e:
            if e.message == f"no task '{task_id}'":
                return None
            raise

    def update_task(
        self,
        task_id: int,
        status: str,
        *,
        reason: str | None = None,
        until: date | None = None,
    ) -> TaskRow:
        body = {"status": status, "reason": reason, "until": _iso(until)}
        return TaskRow.model_validate(self._call("POST", f"/api/tasks/{task_id}", json=body))

    def export_scores(
        self, *, fmt: str = "csv", as_of: date | None = None, score: str | None = None
    ) -> str:
        params = {"format": fmt, "as_of": _iso(as_of), "score": score}
        try:
            r = self._http.get("/api/export", params={k: v for k, v in params.items() if v})
        except httpx.HTTPError as e:
            raise StoreError(f"the server at {self.lease.url} did not answer: {e}") from None
        if r.is_success:
            return r.text
        return str(self._call("GET", "/api/export", params=params))

    def create_user(self, name: str, role: str, password: str) -> User:
        body = {"name": name, "role": role, "password": password}
        return User(**self._call("POST", "/api/users", json=body))

    def users(self) -> list[User]:
        return [User(**u) for u in self._call("GET", "/api/users")["users"]]
