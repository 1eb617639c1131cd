"""The task worklist (``/tasks``): a table of tasks (account, ARR, score, band, renewal,
rule, severity, due date, owner), sorted by any column and filtered by links and a GET form,
a page of ``PAGE`` rows at a time, changed in bulk by one form of checkboxes, with an Undo
after each change; and the steps of each task's playbook, ticked one by one.

Without JavaScript by design: sorting and paging are links, the checkboxes and every button
(bulk actions, a step's tick) belong to one POST form, each button naming its action. The
default worklist is the signed-in user's open tasks (``?owner=`` another's, ``owner=*``
everyone's). Changing tasks needs the role ``editor`` and the form's CSRF token; the audit
log records who (``user:<id>``). Like every page, it answers its data as JSON with
``?format=json``. The account page shows the account's tasks with the same form
(``_account_tasks.html``, filled by ``worklist_view.account_tasks``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.service.api_common import iso_day
from stethoscope.service.deps import Kit, ProjectDep, WebUser
from stethoscope.service.web import week_view
from stethoscope.service.web.routing import STALE_FORM, PageKit, forbidden, may_edit
from stethoscope.service.web.session import CSRF_FIELD
from stethoscope.service.web.timing import TimedRoute
from stethoscope.service.web.worklist_view import banner
from stethoscope.store.worklist import DUE, Filters

if TYPE_CHECKING:
    from starlette.datastructures import FormData

    from stethoscope.project import Project
    from stethoscope.store.users import User

Format = Annotated[
    Literal["html", "json", "csv"],
    Query(description="json: the page's data; csv: every task the filters find (at most 10,000)."),
]
# the most tasks a CSV of the worklist holds
CSV_ROWS = 10_000
CSV_KEYS: tuple[str, ...] = (
    "id", "title", "account_id", "account_name", "owner", "arr", "score", "band",
    "renewal_date", "rule", "severity", "status", "due_on", "playbook",
)  # fmt: skip
Status = Literal["open", "done", "snoozed", "dismissed"]
# the columns a worklist sorts by (store.worklist.SORTS)
Sort = Literal["account", "arr", "score", "band", "renewal", "rule", "severity", "due", "owner"]
PAGE = 50
EVERYONE = "*"
SEVERITIES = ("act", "investigate", "info")


router = APIRouter(include_in_schema=False, route_class=TimedRoute)


@router.get("/tasks")
def inbox(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    format: Format = "html",
    owner: str | None = None,
    status: Status = "open",
    rule: str | None = None,
    severity: str | None = None,
    arr_min: float | None = None,
    arr_max: float | None = None,
    due: Literal["overdue", "week", "later"] | None = None,
    sort: Sort = "due",
    order: Literal["asc", "desc"] = "asc",
    page: Annotated[int, Query(ge=1)] = 1,
    changed: int | None = None,
    undone: int | None = None,
) -> Response:
    if user is None:
        return kit.signed_out(request, "html" if format == "html" else "json")
    who = owner or user.name
    filters = Filters(
        owner=None if who == EVERYONE else who,
        status=status,
        rule=rule or None,
        severity=severity or None,
        arr_min=arr_min,
        arr_max=arr_max,
        due=due,
    )
    if format == "csv":
        every, _ = project.task_worklist(
            filters, sort=sort, descending=order == "desc", limit=CSV_ROWS
        )
        table = (list(CSV_KEYS), [[t.get(k) for k in CSV_KEYS] for t in every])
        return week_view.csv_response(f"tasks-{clock.today()}", table)
    rows, total = project.task_worklist(
        filters, sort=sort, descending=order == "desc", limit=PAGE, offset=(page - 1) * PAGE
    )
    if format == "json":
        data = {"owner": who, "status": status, "tasks": rows, "total": total, "page": page}
        return JSONResponse(jsonable_encoder(data))
    view = Worklist(who, filters, sort, order, page)
    context = view.context(project, user, rows, total) | {
        "banner": banner(project, user, changed, undone)
    }
    return kit.render(request, "tasks.html", user, context)


async def _acting_user(kit: PageKit, request: Request, form: FormData) -> User | Response:
    """The user of a POST allowed to change tasks, or the response refusing it."""
    user = await run_in_threadpool(kit.sessions.user, request)
    if user is None:
        return RedirectResponse("/signin?" + urlencode({"next": "/tasks"}), status_code=303)
    if not kit.sessions.csrf_ok(request, form.get(CSRF_FIELD)):
        return forbidden(STALE_FORM)
    if not may_edit(user):
        return forbidden(
            f"the user '{user.name}' has the role {user.role}, which may not change tasks"
        )
    return user


async def _refused(
    project: Project, kit: PageKit, request: Request, user: User, message: str
) -> Response:
    """The worklist again, with what was wrong (400)."""
    return await run_in_threadpool(lambda: _failed(project, kit, request, user, message))


def _failed(project: Project, kit: PageKit, request: Request, user: User, message: str) -> Response:
    view = Worklist(user.name, Filters(owner=user.name))
    rows, total = project.task_worklist(view.filters, limit=PAGE)
    context = view.context(project, user, rows, total) | {"error": message}
    return kit.render(request, "tasks.html", user, context, status=400)


@router.post("/tasks/bulk")
async def bulk(request: Request, project: ProjectDep, kit: Kit) -> Response:
    form = await request.form()
    user = await _acting_user(kit, request, form)
    if isinstance(user, Response):
        return user
    action = str(form.get("action") or "")
    try:
        ids = [_task_id(v) for v in form.getlist("task")]
        until = _date(str(form.get("until") or "").strip()) if action == "snooze" else None
        assignee = str(form.get("assignee") or "").strip() or None
        reason = str(form.get("reason") or "").strip() or None
        change_id = await run_in_threadpool(
            lambda: project.change_tasks(
                ids,
                action,
                until=until,
                owner=assignee if action == "assign" else None,
                reason=reason if action == "dismiss" else None,
                actor=f"user:{user.id}",
            )
        )
    except DataError as e:
        return await _refused(project, kit, request, user, e.message)
    return RedirectResponse(_back(form.get("back"), changed=change_id), status_code=303)


@router.post("/tasks/undo")
async def undo(request: Request, project: ProjectDep, kit: Kit) -> Response:
    form = await request.form()
    user = await _acting_user(kit, request, form)
    if isinstance(user, Response):
        return user
    try:
        change_id = _task_id(form.get("change"))
        await run_in_threadpool(
            lambda: project.undo_task_change(change_id, actor=f"user:{user.id}")
        )
    except DataError as e:
        return await _refused(project, kit, request, user, e.message)
    return RedirectResponse(_back(form.get("back"), undone=change_id), status_code=303)


@router.post("/tasks/{task_id}/steps")
async def tick(request: Request, project: ProjectDep, kit: Kit, task_id: int) -> Response:
    form = await request.form()
    user = await _acting_user(kit, request, form)
    if isinstance(user, Response):
        return user
    try:
        # a step's button says which step, and what it becomes: "2:done", "2:undone"
        index, _, state = str(form.get("step") or "").partition(":")
        step, done = _task_id(index), state == "done"
        await run_in_threadpool(
            lambda: project.tick_task_step(task_id, step, done, actor=f"user:{user.id}")
        )
    except DataError as e:
        return await _refused(project, kit, request, user, e.message)
    return RedirectResponse(_back(form.get("back")) + f"#task-{task_id}", status_code=303)


@dataclass(frozen=True)
class Worklist:
    """A worklist as asked: whose (``who``: a name, or ``EVERYONE``), which, in what order,
    which page."""

    who: str
    filters: Filters
    sort: str = "due"
    order: str = "asc"
    page: int = 1

    def link(self, **changes: Any) -> str:
        """This worklist's address with some parameters changed (None drops one)."""
        shown = asdict(self.filters) | {"owner": self.who, "account_id": None}
        kept = shown | {"sort": self.sort, "order": self.order}
        params = {k: v for k, v in (kept | changes).items() if v not in (None, "")}
        return "/tasks?" + urlencode(params)

    def context(
        self, project: Project, user: User, rows: list[dict[str, Any]], total: int
    ) -> dict[str, Any]:
        """What tasks.html shows of it, besides the banner and an error."""
        return {
            "tasks": rows,
            "total": total,
            "page": self.page,
            "pages": max(1, -(-total // PAGE)),
            "filters": asdict(self.filters) | {"owner": self.who},
            "sort": self.sort,
            "order": self.order,
            "link": self.link,
            "here": self.link(page=self.page if self.page > 1 else None),
            "mine": self.who == user.name,
            "everyone": self.who == EVERYONE,
            "choices": project.task_choices(),
            "severities": SEVERITIES,
            "dues": DUE,
            "banner": None,
            "tomorrow": clock.today() + dt.timedelta(days=1),
            "error": None,
        }


def _back(target: object, **added: int) -> str:
    """Where a form goes back to: a worklist or an account page of this site (else the
    worklist), without an earlier change's banner, with ``added``."""
    text = target if isinstance(target, str) else ""
    parts = urlsplit(text)
    path = parts.path
    if parts.scheme or parts.netloc or not (path == "/tasks" or path.startswith("/accounts/")):
        path, query = "/tasks", []
    else:
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("changed", "undone")]
    query += [(k, str(v)) for k, v in added.items()]
    return path + ("?" + urlencode(query) if query else "")


def _task_id(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise DataError(f"expected a number, got {value!r}") from None


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return iso_day(text)
    except ValueError:
        raise DataError(f"expected a date like 2025-12-31, got {text!r}") from None
