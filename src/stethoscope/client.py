"""The facade over HTTP: what a CLI command uses while a server owns the database.

``RemoteProject`` has the methods of ``Project`` that the CLI calls; each sends one
request to the server named in the lease, authenticated with the lease's local token,
and turns the server's error envelope back into the same exception a local call raises.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx

from stethoscope import errors
from stethoscope.contract.importer import ImportResult, Mode
from stethoscope.contract.readers import detect_format
from stethoscope.errors import Problem, StethoscopeError, StoreError
from stethoscope.progress import Progress, silent
from stethoscope.project import DemoResult, Status
from stethoscope.settings import Settings
from stethoscope.store.lease import Lease

_CHUNK = 1 << 20


class RemoteProject:
    def __init__(self, lease: Lease, settings: Settings) -> None:
        self.lease = lease
        self.settings = settings
        self._http = httpx.Client(
            base_url=lease.url,
            timeout=httpx.Timeout(10, read=None),
            headers={"Authorization": f"Bearer {lease.token}"},
        )

    def close(self) -> None:
        self._http.close()

    def __getattr__(self, name: str) -> Any:
        # what the server does not offer yet must say so, not fail obscurely
        if name.startswith("_"):
            raise AttributeError(name)
        raise StoreError(
            f"this command cannot go through the running server yet (PID {self.lease.pid}, "
            f"{self.lease.url}), which owns the project's database",
            hint="stop `stethoscope serve`, run the command, then start the server again",
        )

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
            "map": [f"{t}={s}" for t, s in (mapping or {}).items()],
        }
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
            "force": force,
        }
        return DemoResult(**self._call("POST", "/api/demo", json=body))
