"""What every dashboard page needs besides the project: the templates, the signed-in user's
session, and how to answer (the page, its data as JSON, to sign in first, a refused form).

One ``PageKit`` per app (``service.deps.install``); a route takes it as a dependency
(``kit: Kit``, service.deps), with the project (``ProjectDep``) and the signed-in user
(``WebUser``), so the page modules are module-level routers rather than closures.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlencode

from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from stethoscope import charts
from stethoscope.service.auth import GRANTS
from stethoscope.service.errors import envelope
from stethoscope.service.web import formatting
from stethoscope.service.web.session import CSRF_FIELD

if TYPE_CHECKING:
    from fastapi import Request
    from starlette.datastructures import FormData

    from stethoscope.project import Project
    from stethoscope.service.web.session import Sessions
    from stethoscope.store.users import User

HERE = Path(__file__).parent
# every page: only this site's styles and forms, never in a frame, never cached (it shows
# the book), never sniffed as another type
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


STALE_FORM = "the form is missing its CSRF token, or it is stale: reload it"
# a form's signed-in user and its fields, or the answer refusing it
Posted: TypeAlias = "tuple[User, FormData] | Response"


def templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped unless a template says otherwise
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(formatting.FILTERS)
    env.globals["urlencode"] = urlencode
    env.globals["stacked_bands"] = charts.stacked_bands
    env.globals["trend_chart"] = charts.trend
    env.globals["spark"] = charts.spark
    env.globals["weekly_chart"] = charts.weekly
    return Jinja2Templates(env=env, context_processors=[navigation])


def navigation(request: Request) -> dict[str, Any]:
    """What every page's navigation shows of the signed-in user (``Sessions.user`` keeps
    them on the request): the count of their open tasks, read for each page."""
    user = getattr(request.state, "web_user", None)
    if user is None:
        return {"open_tasks": None}
    project: Project = request.app.state.project
    return {"open_tasks": project.open_task_count(user.name)}


def may_edit(user: User) -> bool:
    """The user's role may change things (editor, admin)."""
    return "editor" in GRANTS[user.role]


def forbidden(message: str) -> Response:
    """A refused form: plain text, for it has nothing to show but why."""
    from markupsafe import escape

    return HTMLResponse(f"<!doctype html><title>Forbidden</title><p>{escape(message)}</p>", 403)


class PageKit:
    """The templates and the session of the dashboard's pages, and their ways to answer."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions
        self.templates = templates()

    # the module functions, where a page has only its kit at hand
    may_edit = staticmethod(may_edit)
    forbidden = staticmethod(forbidden)

    def render(
        self,
        request: Request,
        name: str,
        user: User | None,
        data: dict[str, Any],
        status: int = 200,
        **extra: Any,
    ) -> Response:
        """Template ``name`` with ``data`` (and ``extra``), for ``user``, with the form's
        CSRF token and the page's headers."""
        token, cookie = self.sessions.ensure_csrf(request)
        context = {
            "user": user,
            "may_edit": user is not None and may_edit(user),
            "csrf_field": CSRF_FIELD,
            "csrf_token": token,
            "path": request.url.path,
            **data,
            **extra,
        }
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(PAGE_HEADERS)
        self.sessions.set_csrf(response, cookie)
        return response

    def signed_out(self, request: Request, format: str) -> Response:
        """To /signin and back (html), or 401 (json)."""
        if format == "json":
            return envelope(401, "sign in first", type="AuthError", hint="POST /signin")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/signin?" + urlencode({"next": target}), status_code=303)

    def answer(
        self, request: Request, format: str, name: str, user: User, data: dict[str, Any]
    ) -> Response:
        """The page, or its data as JSON."""
        if format == "json":
            return JSONResponse(jsonable_encoder(data))
        return self.render(request, name, user, data)

    async def posted(self, request: Request, *, doing: str | None = None) -> Posted:
        """A form's user and fields, or the answer that refuses it: to sign in first, a
        missing or stale CSRF token, or (``doing`` given) a role that may not change
        things, saying it may not ``doing``."""
        from fastapi.concurrency import run_in_threadpool

        user = await run_in_threadpool(self.sessions.user, request)
        if user is None:
            return self.signed_out(request, "html")
        form = await request.form()
        if not self.sessions.csrf_ok(request, form.get(CSRF_FIELD)):
            return forbidden(STALE_FORM)
        if doing is not None and not may_edit(user):
            return forbidden(
                f"the user '{user.name}' has the role {user.role}, which may not {doing}"
            )
        return user, form
