"""Who owns the embedded database: the server's lease file.

While ``stethoscope serve`` runs it holds the DuckDB file and writes a lease beside it,
``<database>.server.json`` (readable by its owner only), with its PID, its URL and a
token for local commands. A CLI command that finds a live lease sends its work to that
server instead of opening the file. A lease whose process is gone is stale and ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Lease:
    pid: int
    url: str
    token: str
    database: str
    started_at: str


def lease_path(database: Path) -> Path:
    return database.with_name(database.name + ".server.json")


def write_lease(database: Path, url: str, token: str) -> Lease:
    lease = Lease(
        os.getpid(), url, token, str(database), datetime.now(UTC).isoformat(timespec="seconds")
    )
    path = lease_path(database)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(asdict(lease), f)
    tmp.replace(path)
    return lease


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_lease(database: Path) -> Lease | None:
    """The lease of a running server on ``database``, or None."""
    path = lease_path(database)
    try:
        lease = Lease(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return lease if _alive(lease.pid) and lease.pid != os.getpid() else None


def remove_lease(database: Path, lease: Lease) -> None:
    path = lease_path(database)
    try:
        if json.loads(path.read_text()).get("token") == lease.token:
            path.unlink()
    except (OSError, ValueError):
        pass
