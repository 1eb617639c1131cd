"""The task inbox (``/tasks``): the signed-in user's tasks, soonest due first, with forms to
mark one done, snooze it or dismiss it with a reason.

A user's tasks are those whose owner is the user's name (name users after the ``owner`` of
their accounts, usually their email). ``?owner=`` shows someone else's, ``?status=`` another
status. Changing a task needs the role ``editor``; the audit log records who
(``user:<id>``). Like every page, it answers its data as JSON with ``?format=json``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.service.api_common import iso_day
from stethoscope.service.errors import envelope
from stethoscope.service.web.pages import PAGE_HEADERS, _forbidden, _may_edit, _templates
from stethoscope.service.web.session import CSRF_FIELD, Sessions

if TYPE_CHECKING:
    from stethoscope.project import Project
    from stethoscope.store.users import User

Format = Annotated[Literal["html", "json"], Query(description="json: the page's data.")]
Status = Literal["open", "done", "snoozed", "dismissed"]
# a form's action -> the status it sets
ACTIONS = {"done": "done", "snooze": "snoozed", "dismiss": "dismissed", "reopen": "open"}


def router(project: Project) -> APIRouter:
    web = APIRouter(include_in_schema=False)
    sessions = Sessions(project)
    templates = _templates()

    def page(
        request: Request,
        user: User,
        owner: str,
        status: str,
        error: str | None = None,
        code: int = 200,
    ) -> Response:
        rows = project.tasks(owner=owner, status=status, limit=200)
        token, cookie = sessions.ensure_csrf(request)
        context = {
            "user": user,
            "may_edit": _may_edit(user),
            "csrf_field": CSRF_FIELD,
            "csrf_token": token,
            "path": request.url.path,
            "tasks": rows,
            "owner": owner,
            "mine": owner == user.name,
            "status": status,
            "error": error,
            "tomorrow": clock.today() + dt.timedelta(days=1),
        }
        response = templates.TemplateResponse(request, "tasks.html", context, status_code=code)
        response.headers.update(PAGE_HEADERS)
        sessions.set_csrf(response, cookie)
        return response

    @web.get("/tasks")
    def inbox(
        request: Request,
        format: Format = "html",
        owner: str | None = None,
        status: Status = "open",
    ) -> Response:
        user = sessions.user(request)
        if user is None:
            if format == "json":
                return envelope(401, "sign in first", type="AuthError", hint="POST /signin")
            target = "/tasks" + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/signin?" + urlencode({"next": target}), status_code=303)
        who = owner or user.name
        if format == "json":
            rows = project.tasks(owner=who, status=status, limit=200)
            return JSONResponse(jsonable_encoder({"owner": who, "status": status, "tasks": rows}))
        return page(request, user, who, status)

    @web.post("/tasks/{task_id}")
    async def change(request: Request, task_id: int) -> Response:
        user = await run_in_threadpool(sessions.user, request)
        if user is None:
            return RedirectResponse("/signin?" + urlencode({"next": "/tasks"}), status_code=303)
        form = await request.form()
        if not sessions.csrf_ok(request, form.get(CSRF_FIELD)):
            return _forbidden("the form is missing its CSRF token, or it is stale: reload it")
        if not _may_edit(user):
            return _forbidden(
                f"the user '{user.name}' has the role {user.role}, which may not change tasks"
            )
        fields = {k: str(form.get(k) or "").strip() for k in ("action", "reason", "until")}
        back_to = str(form.get("owner") or user.name)
        status = ACTIONS.get(fields["action"])
        try:
            if status is None:
                raise DataError(f"unknown action {fields['action']!r}")
            until = _date(fields["until"]) if status == "snoozed" else None
            await run_in_threadpool(
                lambda: project.update_task(
                    task_id,
                    status,
                    reason=fields["reason"] or None,
                    until=until,
                    actor=f"user:{user.id}",
                )
            )
        except DataError as e:
            message = e.message
            return await run_in_threadpool(
                lambda: page(request, user, back_to, "open", error=message, code=400)
            )
        target = "/tasks" + ("" if back_to == user.name else "?" + urlencode({"owner": back_to}))
        return RedirectResponse(target, status_code=303)

    return web


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return iso_day(text)
    except ValueError:
        raise DataError(f"expected a date like 2025-12-31, got {text!r}") from None
