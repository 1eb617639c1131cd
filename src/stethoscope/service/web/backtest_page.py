"""The dashboard's page of the latest backtest report (``/model/backtest``): the report's
own self-contained HTML (stethoscope.backtest.report), or its JSON with ``?format=json``.
A signed-in user of any role may read it; the report is made by ``stethoscope backtest`` or
from the Model page (service.web.quality). Before the first, the page keeps the site's frame
and says how to make one.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response

from stethoscope.service.deps import Kit, ProjectDep, WebUser
from stethoscope.service.errors import envelope
from stethoscope.service.web import quality
from stethoscope.service.web.routing import PAGE_HEADERS
from stethoscope.service.web.timing import TimedRoute

PATH = "/model/backtest"
# the report carries its own style sheet inline (it is also a file people send around);
# nothing else is relaxed: no script, no other origin
HEADERS = PAGE_HEADERS | {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}


router = APIRouter(include_in_schema=False, route_class=TimedRoute)


@router.get(PATH)
async def backtest_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    format: Literal["html", "json"] = "html",
) -> Response:
    from stethoscope.backtest.report import html

    if user is None:
        return kit.signed_out(request, format)
    report = await run_in_threadpool(project.latest_backtest)
    if format == "json":
        if report is None:
            return envelope(
                404, "no backtest yet", type="DataError", hint="run `stethoscope backtest`"
            )
        return JSONResponse(jsonable_encoder(report), headers={"Cache-Control": "no-store"})
    if report is None:
        job = await run_in_threadpool(quality.job_view, project)
        return kit.render(request, "no_backtest.html", user, {"job": job}, status=404)
    return HTMLResponse(html(report), headers=HEADERS)
