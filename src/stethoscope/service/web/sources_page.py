"""The Sources page (``/sources``): each source of the project file, its last sync, how
fresh its rows are and its error; with ``?format=json`` the same as JSON. For editors and
admins, who change what the project reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from stethoscope.service.deps import Kit, ProjectDep, WebUser
from stethoscope.service.web.timing import TimedRoute

if TYPE_CHECKING:
    from stethoscope.project import Project

router = APIRouter(include_in_schema=False, route_class=TimedRoute)


def sources_view(project: Project) -> dict[str, Any]:
    from stethoscope.service.sources_api import source_json

    return {
        "sources": [source_json(s) for s in project.sources()],
        "syncs": [vars(r) for r in project.source_syncs(limit=20)],
    }


@router.get("/sources")
def sources_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    format: Literal["html", "json"] = "html",
) -> Response:
    if user is None:
        return kit.signed_out(request, format)
    if not kit.may_edit(user):
        return kit.forbidden(
            f"the user '{user.name}' has the role {user.role}; the sources page is for "
            "editors and admins"
        )
    return kit.answer(request, format, "sources.html", user, sources_view(project))
