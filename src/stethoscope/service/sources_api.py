"""The project's sources over HTTP: each one's last sync, how fresh its rows are, how many
it wrote, and its error (``GET /api/sources``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends

from stethoscope.service.auth import require
from stethoscope.service.deps import ProjectDep

if TYPE_CHECKING:
    from stethoscope.facade.sources import SourceStatus

router = APIRouter(prefix="/api/sources", tags=["sources"])


def source_json(s: SourceStatus) -> dict[str, Any]:
    """One source as the API and the page's JSON twin show it (never a secret: the project
    file holds only references to them, and they are not shown either)."""
    return {
        "name": s.name,
        "kind": s.kind,
        "in_place": s.in_place,
        "tables": s.tables,
        "schedule": s.schedule,
        "state": s.state,
        "freshness_seconds": s.freshness,
        "last_sync": asdict(s.last_sync) if s.last_sync else None,
        "last_ok": asdict(s.last_ok) if s.last_ok else None,
        "last_write_back": asdict(s.last_write_back) if s.last_write_back else None,
    }


@router.get("", dependencies=[Depends(require("viewer"))])
def sources(project: ProjectDep) -> dict[str, Any]:
    """Every source of the project file: its kind, tables, schedule, state (ok, failed,
    running, never synced, in place), seconds since its last good sync, and its last sync
    (rows per table, error) and last successful one, and its last write-back of scores
    (changed, written, failed, error) where it takes them."""
    return {"sources": [source_json(s) for s in project.sources()]}
