"""The Model page (``/model``): the active model in plain words (scores, segments,
scorecards and their weights, measures and how each is graded), how many accounts each
measure could grade on the latest scored date, the stored versions, and the difference
between a stored version and the active one (``?diff=VERSION``): their text, and what
replacing one by the other does to the bands (``&impact=1``, which scores the book twice)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from stethoscope import model_words
from stethoscope.errors import StethoscopeError
from stethoscope.service.deps import Kit, ProjectDep, WebUser
from stethoscope.service.web import quality
from stethoscope.service.web.timing import TimedRoute
from stethoscope.service.web.views import bands_of

if TYPE_CHECKING:
    from stethoscope.project import Project

VERSIONS = 50  # the stored versions listed

router = APIRouter(include_in_schema=False, route_class=TimedRoute)


def model_view(
    project: Project, *, diff: str | None = None, impact: bool = False
) -> dict[str, Any]:
    model = project.load_model()
    day = project.latest_as_of()
    coverage = project.measure_coverage(as_of=day) if day else None
    versions = project.model_versions(limit=VERSIONS)
    compared: dict[str, Any] | None = None
    problem: str | None = None
    if diff:
        try:
            old = project.stored_model(diff)
            text = list(
                difflib.unified_diff(
                    old.source.splitlines(),
                    model.source.splitlines(),
                    f"version {old.version[:12]}",
                    f"version {model.version[:12]} (active)",
                    lineterm="",
                )
            )
            compared = {"version": old.version, "name": old.name, "text": text, "impact": None}
            if impact:
                compared["impact"] = project.diff(old, model, as_of=day).model_dump()
        except StethoscopeError as e:
            problem = e.message
    return {
        "model": model_words.describe(model),
        "bands": bands_of(model),
        "as_of": day,
        "coverage": coverage,
        "versions": versions.items,
        "versions_total": versions.total,
        "diff": compared,
        "diff_problem": problem,
        "backtest": _backtest_headline(project.latest_backtest()),
        "backtest_job": quality.job_view(project),
    }


def _backtest_headline(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the Model page says of the latest backtest; the whole report is one click away."""
    if report is None:
        return None
    head = {
        "kind": report["kind"],
        "created_at": report["created_at"],
        "words": quality.headline(report),
    }
    if report["kind"] == "backtest":
        head |= {
            "model_version": (report.get("model") or {}).get("version"),
            "auc": report.get("auc"),
            "lift": report.get("lift_top_decile"),
            "observations": report.get("observations"),
            "monotonic": report.get("monotonic"),
        }
    return head


@router.get("/model")
def model_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    format: Literal["html", "json"] = "html",
    diff: str | None = None,
    impact: bool = False,
) -> Response:
    if user is None:
        return kit.signed_out(request, format)
    data = model_view(project, diff=diff or None, impact=impact)
    return kit.answer(request, format, "model.html", user, data)
