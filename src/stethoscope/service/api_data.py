"""The project's source data over HTTP: its status (rows per table, the span of the events,
the read model), a file imported as a request's body, and the demo book. Reading the status
needs ``viewer``, importing ``editor``, replacing the book with the demo ``admin``."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from stethoscope.contract.readers import parse_mapping
from stethoscope.contract.schema import END_DATES, FORMATS, MODES
from stethoscope.errors import DataError
from stethoscope.service.api_common import Day
from stethoscope.service.auth import require
from stethoscope.service.deps import ProjectDep, ReadModelDep

if TYPE_CHECKING:
    from stethoscope.contract.importer import EndDates, Mode

router = APIRouter(tags=["data"])


class DemoRequest(BaseModel):
    accounts: int = Field(2000, ge=1, le=10_000_000)
    months: int = Field(12, ge=1, le=60)
    seed: int = 0
    end: Day | None = None
    activity: float = Field(1.0, gt=0, le=100)
    causes: Literal["random"] | None = None
    force: bool = False


@router.get("/api/status", dependencies=[Depends(require("viewer"))])
def status(project: ProjectDep, reads: ReadModelDep) -> dict[str, Any]:
    """Rows per source table and the span of the events, and the read model: whether
    the server answers GET /api/accounts/{id} from memory now."""
    return asdict(project.status()) | {"read_model": reads.describe()}


@router.post("/api/tables/{table}/import", dependencies=[Depends(require("editor"))])
async def import_table(
    project: ProjectDep,
    table: str,
    request: Request,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    format: Annotated[str | None, Query(pattern="^(" + "|".join(FORMATS) + ")$")] = None,
    mode: Annotated[str, Query(pattern="^(" + "|".join(MODES) + ")$")] = "append",
    skip_bad: bool = False,
    map: Annotated[list[str] | None, Query()] = None,
    encoding: Annotated[
        str | None,
        Query(
            max_length=40,
            description="The text encoding of a CSV or JSON Lines file (default utf-8), "
            "e.g. cp1252 for a CSV saved by Excel on Windows.",
        ),
    ] = None,
    end_dates: Annotated[str, Query(pattern="^(" + "|".join(END_DATES) + ")$")] = "inclusive",
) -> dict[str, Any]:
    """Import a file sent as the request body; the same checks as `stethoscope import`."""
    mapping = parse_mapping(map or [])
    name = Path(filename).name
    if not name or name.startswith(".") or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise DataError(
            f"unusable file name {filename!r}",
            hint="send the file's own name, without control characters",
        )
    with tempfile.TemporaryDirectory(prefix="stethoscope-upload-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as f:
            async for chunk in request.stream():
                f.write(chunk)
        rejects = Path(tmp) / "rejects" / (name.split(".")[0] + ".rejects.csv")
        result = await run_in_threadpool(
            project.import_file,
            table,
            path,
            format=format,
            mapping=mapping,
            mode=cast("Mode", mode),
            skip_bad=skip_bad,
            rejects_path=rejects,
            encoding=encoding,
            end_dates=cast("EndDates", end_dates),
        )
        body = asdict(result) | {"file": name}
        body["rejects_csv"] = rejects.read_text() if result.rejects_path else None
        body["rejects_path"] = None
        shutil.rmtree(tmp, ignore_errors=True)
    return body


@router.post("/api/demo", dependencies=[Depends(require("admin"))])
def demo(project: ProjectDep, req: DemoRequest) -> dict[str, Any]:
    """Generate the demo book and load it (replacing the source tables with force)."""
    return asdict(project.load_demo(**req.model_dump()))
