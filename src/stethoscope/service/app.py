"""The FastAPI application that ``stethoscope serve`` runs.

Every endpoint under /api asks for the least role it needs (see ``service.auth`` and
docs/concepts/security.md), /metrics the ``metrics`` role (``service.metrics``); /healthz
and /readyz answer anyone (``service.health``). The dashboard (``service.web``) is at
/, for users signed in with a session cookie.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from stethoscope.contract.readers import parse_mapping
from stethoscope.contract.schema import END_DATES, FORMATS, MODES
from stethoscope.errors import DataError
from stethoscope.project import Project
from stethoscope.service import (
    api_admin,
    api_alerts,
    api_docs,
    api_inputs,
    api_scores,
    api_touchpoints,
    api_upserts,
    auth,
    deps,
    errors,
    health,
    ingest,
    metrics,
    runs_api,
    sources_api,
)
from stethoscope.service.api_common import Day
from stethoscope.service.auth import require
from stethoscope.service.read_model import ReadModel
from stethoscope.service.web import (
    backtest_page,
    model_page,
    page_csv,
    pages,
    quality,
    runs_page,
    sources_page,
    touchpoint_form,
)
from stethoscope.service.web import tasks as web_tasks

if TYPE_CHECKING:
    from stethoscope.contract.importer import EndDates, Mode


class DemoRequest(BaseModel):
    accounts: int = Field(2000, ge=1, le=10_000_000)
    months: int = Field(12, ge=1, le=60)
    seed: int = 0
    end: Day | None = None
    activity: float = Field(1.0, gt=0, le=100)
    causes: Literal["random"] | None = None
    force: bool = False


def create_app(project: Project, token: str) -> FastAPI:
    """The service over ``project``; ``token`` is the local admin credential from the lease."""
    app = FastAPI(
        title="Stethoscope",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served by api_docs, from this server's own files
        redoc_url=None,
    )
    errors.install(app, page=pages.failure_page)
    auth.install(app, project, token)
    # GET /api/accounts/{id} from memory (service.read_model; see also service.hot_path)
    reads = ReadModel(project, api_scores.encode_detail)
    deps.install(app, project, reads)
    viewer = [Depends(require("viewer"))]
    editor = [Depends(require("editor"))]
    admin = [Depends(require("admin"))]

    app.include_router(health.router)
    metrics.install(app, project)

    @app.get("/api/status", dependencies=viewer, tags=["data"], responses=errors.RESPONSES)
    def status() -> dict[str, Any]:
        """Rows per source table and the span of the events, and the read model: whether
        the server answers GET /api/accounts/{id} from memory now."""
        return asdict(project.status()) | {"read_model": reads.describe()}

    @app.post(
        "/api/tables/{table}/import", dependencies=editor, tags=["data"], responses=errors.RESPONSES
    )
    async def import_table(
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

    @app.post("/api/demo", dependencies=admin, tags=["data"], responses=errors.RESPONSES)
    def demo(req: DemoRequest) -> dict[str, Any]:
        """Generate the demo book and load it (replacing the source tables with force)."""
        return asdict(project.load_demo(**req.model_dump()))

    app.include_router(runs_api.router, responses=errors.RESPONSES)
    app.include_router(sources_api.router, responses=errors.RESPONSES)
    app.include_router(api_scores.router, responses=errors.RESPONSES)
    app.include_router(api_inputs.router, responses=errors.RESPONSES)
    app.include_router(api_upserts.router, responses=errors.RESPONSES)
    app.include_router(api_touchpoints.router, responses=errors.RESPONSES)
    app.include_router(ingest.router)
    _declare_basic(app)
    app.include_router(api_admin.router, responses=errors.RESPONSES)
    app.include_router(api_alerts.router, responses=errors.RESPONSES)
    # the dashboard, at the server's own address (docs/dashboard.md)
    app.include_router(pages.router(project, app.state.web_kit))
    for page in (model_page, quality, runs_page, sources_page, touchpoint_form, backtest_page):
        app.include_router(page.router)
    app.include_router(page_csv.router)
    app.include_router(web_tasks.router(project, app.state.web_sessions))
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    api_docs.install(app)
    return app


def _declare_basic(app: FastAPI) -> None:
    """The OpenAPI schema's HTTP Basic scheme, which the ingest operations name (/v1 reads
    the header itself: a Segment write key, or Bearer)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["HTTPBasic"] = {
            "type": "http",
            "scheme": "basic",
            "description": "An ingest key as the user name and an empty password, as "
            "Segment's libraries send a write key (the ingest endpoints, /v1, only).",
        }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
