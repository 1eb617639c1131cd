"""Whether the service is alive and ready, for a load balancer or an orchestrator; both
answer without a credential, and say nothing of the data.

- ``GET /healthz``, liveness: the process answers HTTP (restart it when it does not).
- ``GET /readyz``, readiness: it can serve, too: the store answers a read and its schema
  is current (send it traffic only then). 503 while the store is out of reach (a Postgres
  restart) or not migrated yet (another process migrating it), 200 again once it is.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from stethoscope.service.deps import ProjectDep

log = logging.getLogger(__name__)

router = APIRouter(tags=["service"])


@router.get("/healthz")
def healthz() -> dict[str, Any]:
    """Liveness: answers without a credential."""
    return {"ok": True}


@router.get(
    "/readyz",
    responses={503: {"description": "Not ready: the store is out of reach or not migrated."}},
)
def readyz(project: ProjectDep) -> JSONResponse:
    """Readiness: the store answers and its schema is current. Answers without a
    credential; why it is not ready is in the server's log, not in the answer."""
    try:
        missing = project.pending_migrations()
    except Exception as e:
        log.warning("not ready: the store did not answer: %s: %s", type(e).__name__, e)
        return JSONResponse({"ok": False, "store": "unreachable"}, status_code=503)
    if missing:
        log.warning("not ready: the store's migrations %s are not applied", missing)
        return JSONResponse({"ok": False, "store": "ok", "migrations": "pending"}, status_code=503)
    return JSONResponse({"ok": True, "store": "ok", "migrations": "current"})
