"""The dashboard's page of the latest backtest report (``/model/backtest``): the report's
own self-contained HTML (stethoscope.backtest.report), or its JSON with ``?format=json``.
A signed-in user of any role may read it; the report is made by ``stethoscope backtest``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from stethoscope.service.errors import envelope
from stethoscope.service.web.pages import PAGE_HEADERS, Format
from stethoscope.service.web.session import Sessions

if TYPE_CHECKING:
    from stethoscope.project import Project

PATH = "/model/backtest"
# the report carries its own style sheet inline (it is also a file people send around);
# nothing else is relaxed: no script, no other origin
HEADERS = PAGE_HEADERS | {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}

_NONE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>No backtest yet"
    "</title><link rel='stylesheet' href='/static/style.css'></head><body><main>"
    "<h1>No backtest yet</h1><p>Run <code>stethoscope backtest</code> on the project: "
    "its latest report is shown here.</p><p><a href='/'>Portfolio</a></p></main></body></html>"
)


def router(project: Project) -> APIRouter:
    web = APIRouter(include_in_schema=False)
    sessions = Sessions(project)

    @web.get(PATH)
    async def backtest_page(request: Request, format: Format = "html") -> Response:
        from stethoscope.backtest.report import html

        user = await run_in_threadpool(sessions.user, request)
        if user is None:
            if format == "json":
                return envelope(401, "sign in first", type="AuthError", hint="POST /signin")
            return RedirectResponse(f"/signin?next={PATH.replace('/', '%2F')}", status_code=303)
        report = await run_in_threadpool(project.latest_backtest)
        if format == "json":
            if report is None:
                return envelope(
                    404, "no backtest yet", type="DataError", hint="run `stethoscope backtest`"
                )
            return JSONResponse(jsonable_encoder(report), headers={"Cache-Control": "no-store"})
        if report is None:
            return HTMLResponse(_NONE, status_code=404, headers=PAGE_HEADERS)
        return HTMLResponse(html(report), headers=HEADERS)

    return web
