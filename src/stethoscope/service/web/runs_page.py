"""The Runs page (``/runs``): the recent runs with what started them, the dates they
scored, their status, duration, accounts and error; filtered by status, paged. An editor
may score the book as of today (``POST /runs``), as the nightly run would: a CSM input
counts from the next run, and this is the next run."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from stethoscope import clock
from stethoscope.errors import StethoscopeError
from stethoscope.service.deps import Kit, ProjectDep, WebUser
from stethoscope.service.web.timing import TimedRoute

if TYPE_CHECKING:
    from stethoscope.project import Project

PAGE_SIZE = 50

router = APIRouter(include_in_schema=False, route_class=TimedRoute)


def _duration(started: str, finished: str | None) -> float | None:
    if not finished:
        return None
    return (
        dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)
    ).total_seconds()


def runs_view(project: Project, *, status: str | None, page: int) -> dict[str, Any]:
    # one more than a page: whether there is a next one, without counting every run
    rows = project.runs(PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, status=status)
    items = [
        asdict(r) | {"seconds": _duration(r.started_at, r.finished_at)} for r in rows[:PAGE_SIZE]
    ]
    return {
        "runs": items,
        "status": status,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "as_of": project.latest_as_of(),
        "model_version": project.load_model().version,
    }


@router.get("/runs")
def runs_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    format: Literal["html", "json"] = "html",
    status: Literal["running", "ok", "failed", ""] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    done: str | None = None,
) -> Response:
    if user is None:
        return kit.signed_out(request, format)
    data = runs_view(project, status=status or None, page=page)
    if format == "json":
        return kit.answer(request, format, "runs.html", user, data)
    return kit.render(request, "runs.html", user, data, done=done, run_error=None)


@router.post("/runs")
async def start_run(request: Request, project: ProjectDep, kit: Kit) -> Response:
    posted = await kit.posted(request, doing="start runs")
    if not isinstance(posted, tuple):
        return posted
    user, form = posted
    back = str(form.get("back") or "/runs").split("#")[0]
    if not back.startswith("/") or back.startswith(("//", "/\\")):
        back = "/runs"
    # as of today, as the nightly run would: an input entered today counts from today
    today = clock.today()
    try:
        summary = await run_in_threadpool(lambda: project.run(as_of=today, trigger="api"))
    except StethoscopeError as e:
        data = await run_in_threadpool(runs_view, project, status=None, page=1)
        return kit.render(
            request, "runs.html", user, data, status=409, done=None, run_error=e.message
        )
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}rescored={summary.run_id}", status_code=303)
