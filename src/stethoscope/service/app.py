"""The FastAPI application that ``stethoscope serve`` runs.

Every endpoint under /api asks for the least role it needs (see ``service.auth`` and
docs/concepts/security.md), /metrics the ``metrics`` role (``service.metrics``); /healthz
and /readyz answer anyone (``service.health``). The dashboard (``service.web``) is at
/, for users signed in with a session cookie.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from stethoscope.project import Project
from stethoscope.service import (
    api_admin,
    api_alerts,
    api_data,
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
from stethoscope.service.read_model import ReadModel
from stethoscope.service.web import (
    backtest_page,
    model_page,
    page_csv,
    pages,
    quality,
    runs_page,
    sources_page,
    today_page,
    touchpoint_form,
)
from stethoscope.service.web import tasks as web_tasks


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
    app.include_router(health.router)
    metrics.install(app, project)
    app.include_router(api_data.router, responses=errors.RESPONSES)
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
    for page in (
        pages,
        today_page,
        model_page,
        quality,
        runs_page,
        sources_page,
        touchpoint_form,
        backtest_page,
        page_csv,
        web_tasks,
    ):
        app.include_router(page.router)
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
