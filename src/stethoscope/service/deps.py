"""What the routes depend on, as FastAPI dependencies: the project the server serves, its
read model, the caller (an API key, admitted by the least role a route needs), and for the
dashboard's pages their kit and the signed-in user.

A route names what it needs in its signature (``project: ProjectDep, who: Editor``;
``kit: Kit, user: WebUser``), so the routers are plain modules rather than closures over
the application's state, and a test can hand a route another project with
``app.dependency_overrides``. ``install`` puts the state on the application;
``auth.install`` does the same for the credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

from fastapi import Depends, FastAPI, Request

from stethoscope.errors import AuthError
from stethoscope.project import Project
from stethoscope.service.auth import Principal, require
from stethoscope.service.read_model import ReadModel
from stethoscope.service.web.routing import PageKit
from stethoscope.service.web.session import Sessions

if TYPE_CHECKING:
    from stethoscope.store.users import User


def install(app: FastAPI, project: Project, reads: ReadModel) -> None:
    """Serve ``project`` (and answer from ``reads``) on ``app``."""
    app.state.project = project
    app.state.read_model = reads
    # the dashboard's cookies, signed with the project's session key, and its templates:
    # one of each for every page
    app.state.web_sessions = Sessions(project)
    app.state.web_kit = PageKit(app.state.web_sessions)


# async: FastAPI runs a plain function dependency in its thread pool, a hop per request
async def _project(request: Request) -> Project:
    return cast("Project", request.app.state.project)


async def _read_model(request: Request) -> ReadModel:
    return cast("ReadModel", request.app.state.read_model)


async def _kit(request: Request) -> PageKit:
    return cast("PageKit", request.app.state.web_kit)


def _web_user(request: Request) -> User | None:
    """The dashboard's signed-in user, or None (a plain function: reading the session
    reads the store, so FastAPI runs it in its thread pool)."""
    return cast("PageKit", request.app.state.web_kit).sessions.user(request)


def _signed_in(request: Request) -> User:
    """The dashboard's signed-in user; an AuthError (401) without one."""
    user = _web_user(request)
    if user is None:
        raise AuthError("sign in first", hint="POST /signin")
    return user


ProjectDep = Annotated[Project, Depends(_project)]
ReadModelDep = Annotated[ReadModel, Depends(_read_model)]

# the caller, refused unless their role includes the named one (service.auth)
Viewer = Annotated[Principal, Depends(require("viewer"))]
Editor = Annotated[Principal, Depends(require("editor"))]
Admin = Annotated[Principal, Depends(require("admin"))]

# the dashboard: its pages' kit, and the user of the session cookie a browser sends (the
# role types above admit Bearer keys only): None (a page sends them to sign in) or, for
# ``SignedIn``, a 401
Kit = Annotated[PageKit, Depends(_kit)]
WebUser = Annotated["User | None", Depends(_web_user)]
SignedIn = Annotated["User", Depends(_signed_in)]
