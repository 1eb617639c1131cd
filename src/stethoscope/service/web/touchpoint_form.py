"""The account page's form to log a touchpoint (``POST /accounts/{id}/touchpoints``): a
note, call, meeting or email, with an optional next step and due date that become a task
for the account's owner (``Project.log_touchpoint``).

Like every form of the dashboard it checks the CSRF token first (403), then who may write:
an editor, or the account's owner whatever their role (403 otherwise). The author is the
signed-in user (``user:NAME``). A bad field answers the account page again (400) with the
form as sent and every problem named by its field; a good one redirects to the page
(303), where the new touchpoint heads the list.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from stethoscope.errors import DataError, Problem
from stethoscope.service.api_common import iso_day
from stethoscope.service.deps import Kit, ProjectDep
from stethoscope.service.web.account_again import account_again
from stethoscope.service.web.timing import TimedRoute

if TYPE_CHECKING:
    from stethoscope.rows import AccountRow
    from stethoscope.store.users import User

FIELDS = ("kind", "occurred_at", "contact_id", "note", "next_step", "due_on")

router = APIRouter(include_in_schema=False, route_class=TimedRoute)


# what account.html needs of its other forms when this one answers the page (and
# ``account_tasks``, the worklist's section)
def may_log(user: User, account: AccountRow, may_edit: bool) -> bool:
    """An editor may log a touchpoint with any account; anyone with the account they own."""
    return may_edit or (bool(account.owner) and account.owner == user.name)


def _parse(fields: dict[str, str]) -> tuple[dt.datetime | None, dt.date | None]:
    """The form's time and due date, or a DataError naming each that is not one."""
    problems = []
    occurred = due = None
    if fields["occurred_at"]:
        try:
            occurred = dt.datetime.fromisoformat(fields["occurred_at"])
            if occurred.tzinfo is not None:  # the store keeps UTC without a zone
                occurred = occurred.astimezone(dt.UTC).replace(tzinfo=None)
        except ValueError:
            problems.append(
                Problem(
                    "touchpoint",
                    f"expected a time like 2026-12-31T14:30, got {fields['occurred_at']!r}",
                    "occurred_at",
                )
            )
    if fields["due_on"]:
        try:
            due = iso_day(fields["due_on"])
        except ValueError:
            problems.append(
                Problem(
                    "touchpoint",
                    f"expected a date like 2026-12-31, got {fields['due_on']!r}",
                    "due_on",
                )
            )
    if problems:
        raise DataError(
            "the touchpoint was not logged: "
            + "; ".join(f"{p.column}: {p.message}" for p in problems),
            problems=problems,
        )
    return occurred, due


@router.post("/accounts/{account_id}/touchpoints")
async def log_touchpoint(
    request: Request, project: ProjectDep, kit: Kit, account_id: str
) -> Response:
    posted = await kit.posted(request)
    if not isinstance(posted, tuple):
        return posted
    user, form = posted
    account = await run_in_threadpool(project.account, account_id)
    if account is None:
        return kit.render(
            request, "error.html", user, {"message": f"No account '{account_id}'."}, status=404
        )
    if not may_log(user, account, kit.may_edit(user)):
        return kit.forbidden(
            f"the user '{user.name}' has the role {user.role} and does not own this "
            "account, so may not log touchpoints with it"
        )
    fields = {k: str(form.get(k) or "").strip() for k in FIELDS}
    try:
        occurred, due = _parse(fields)
        row = await run_in_threadpool(
            lambda: project.log_touchpoint(
                account_id,
                fields["kind"],
                author=f"user:{user.name}",
                note=fields["note"] or None,
                occurred_at=occurred,
                contact_id=fields["contact_id"] or None,
                next_step=fields["next_step"] or None,
                due_on=due,
                owner_fallback=user.name,
                actor=f"user:{user.id}",
            )
        )
    except DataError as e:
        return await account_again(
            kit.render,
            request,
            project,
            account_id,
            user,
            touchpoint_form=fields,
            touchpoint_problems=[{"field": p.column, "message": p.message} for p in e.problems]
            or [{"field": None, "message": e.message}],
        )
    said = {"logged": row["id"]}
    if row["resolved_alerts"]:
        said["resolved"] = str(len(row["resolved_alerts"]))
    target = f"/accounts/{quote(account_id, safe='')}?" + urlencode(said)
    return RedirectResponse(target + "#touchpoints", status_code=303)
