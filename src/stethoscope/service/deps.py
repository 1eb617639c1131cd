"""What the API's routes depend on, as FastAPI dependencies: the project the server serves,
its read model, and the caller, admitted by the least role a route needs.

A route names what it needs in its signature (``project: ProjectDep, who: Editor``), so
the routers are plain modules rather than closures over the application's state, and a
test can hand a route another project with ``app.dependency_overrides``. ``install`` puts
the state on the application; ``auth.install`` does the same for the credentials.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, FastAPI, Request

from stethoscope.project import Project
from stethoscope.service.auth import Principal, require
from stethoscope.service.read_model import ReadModel
from stethoscope.service.web.session import Sessions


def install(app: FastAPI, project: Project, reads: ReadModel) -> None:
    """Serve ``project`` (and answer from ``reads``) on ``app``."""
    app.state.project = project
    app.state.read_model = reads
    # the dashboard's cookies, signed with the project's session key: one for every page
    app.state.web_sessions = Sessions(project)


# async: FastAPI runs a plain function dependency in its thread pool, a hop per request
async def _project(request: Request) -> Project:
    return cast("Project", request.app.state.project)


async def _read_model(request: Request) -> ReadModel:
    return cast("ReadModel", request.app.state.read_model)


ProjectDep = Annotated[Project, Depends(_project)]
ReadModelDep = Annotated[ReadModel, Depends(_read_model)]

# the caller, refused unless their role includes the named one (service.auth)
Viewer = Annotated[Principal, Depends(require("viewer"))]
Editor = Annotated[Principal, Depends(require("editor"))]
Admin = Annotated[Principal, Depends(require("admin"))]
