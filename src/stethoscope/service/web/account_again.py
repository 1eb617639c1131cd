"""The account page answered again after a form on it failed: every section as the page
shows it, the failing form's own state as sent (its values and its problems), status 400.

The account page holds several forms (a gut check, a touchpoint) and sections with state of
their own (the account's tasks); each form's error path renders them all, so the state of
every section lives here, once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from stethoscope.service.web import views, worklist_view

if TYPE_CHECKING:
    from stethoscope.project import Project
    from stethoscope.store.users import User


def blank_input_form() -> dict[str, str]:
    """The gut-check form, empty."""
    return {"name": "", "value": "", "reason": "", "expires": ""}


async def account_again(
    render: Callable[..., Response],
    request: Request,
    project: Project,
    account_id: str,
    user: User,
    **form_state: Any,
) -> Response:
    """The account page with status 400: ``form_state`` (the failing form's values and
    problems) over every other section's state as a fresh page shows it."""
    data = await run_in_threadpool(views.account, project, account_id)
    assert data is not None
    tasks = await run_in_threadpool(
        worklist_view.account_tasks, project, account_id, user, None, None
    )
    state: dict[str, Any] = {
        "form": blank_input_form(),
        "form_error": None,
        "added": None,
        "rescored": None,
        "account_tasks": tasks,
    }
    return render(request, "account.html", user, data, status=400, **(state | form_state))
