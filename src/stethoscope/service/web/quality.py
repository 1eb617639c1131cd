"""Model quality from the dashboard: a backtest's headline in words (the Model page and the
Portfolio say it), the dashboard's backtest job and its progress, and the form that starts
one (``POST /model/backtest/run``, an editor or admin): it runs in the background on a read
snapshot (stethoscope.facade.backtest_jobs), so pages and runs go on meanwhile."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from stethoscope.errors import RunInProgressError
from stethoscope.service.deps import Kit, ProjectDep
from stethoscope.service.web.timing import TimedRoute

if TYPE_CHECKING:
    from stethoscope.project import Project

router = APIRouter(include_in_schema=False, route_class=TimedRoute)


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def headline(report: dict[str, Any] | None) -> str | None:
    """A backtest in one sentence: how often the worst and the best band churned within
    the horizon, and the AUC ("red accounts churned 9.6% within 90 days, green 1.0%; AUC
    0.81"); None for no report or another kind."""
    if report is None or report.get("kind") != "backtest":
        return None
    horizon = (report.get("settings") or {}).get("horizon_days")
    rates = [b for b in report.get("bands") or [] if b.get("churn_rate") is not None]
    within = f" within {horizon} days" if horizon else ""
    parts = []
    if rates:
        worst, best = rates[0], rates[-1]
        parts.append(f"{worst['band']} accounts churned {_pct(worst['churn_rate'])}{within}")
        if best is not worst:
            parts.append(f"{best['band']} {_pct(best['churn_rate'])}")
    text = ", ".join(parts)
    auc = report.get("auc")
    if auc is None:
        return (text + "; " if text else "") + "no account churned, so no AUC yet"
    return (text + "; " if text else "") + f"AUC {auc:.2f}"


def job_view(project: Project) -> dict[str, Any] | None:
    """The dashboard's latest backtest job of this server, for a page."""
    job = project.backtest_job()
    if job is None:
        return None
    out = job.as_dict()
    out["share"] = job.done / job.total if job.total else None
    return out


@router.post("/model/backtest/run")
async def start(request: Request, project: ProjectDep, kit: Kit) -> Response:
    posted = await kit.posted(request, doing="start backtests")
    if not isinstance(posted, tuple):
        return posted
    user, _ = posted
    # one already in progress: the page shows it
    with contextlib.suppress(RunInProgressError):
        await run_in_threadpool(lambda: project.start_backtest(actor=f"user:{user.id}"))
    return RedirectResponse("/model#backtest", status_code=303)
