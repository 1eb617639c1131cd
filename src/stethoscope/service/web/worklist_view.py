"""What the worklist's pages share: the confirmation banner after a change to tasks, and the
account page's section of its open alerts and tasks (``_account_tasks.html``), which changes
them with the worklist's form (service.web.tasks)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.store.worklist import Filters

if TYPE_CHECKING:
    from stethoscope.project import Project
    from stethoscope.store.users import User

# what a banner says a change did
DID = {
    "done": "Marked done",
    "snooze": "Snoozed",
    "dismiss": "Dismissed",
    "reopen": "Opened again",
    "assign": "Assigned",
}


def account_tasks(
    project: Project, account_id: str, user: User, changed: int | None, undone: int | None
) -> dict[str, Any]:
    """What the account page's tasks section shows: the account's open alerts and tasks,
    with the worklist's form and its banner."""
    rows, _ = project.task_worklist(Filters(account_id=account_id), limit=200)
    return {
        "open_alerts": project.alerts(status="open", account_id=account_id, limit=200),
        "tasks": rows,
        "choices": project.task_choices(),
        "banner": banner(project, user, changed, undone),
        "tomorrow": clock.today() + dt.timedelta(days=1),
    }


def banner(
    project: Project, user: User, changed: int | None, undone: int | None
) -> dict[str, Any] | None:
    """The confirmation after a change (with its Undo while it can be undone), or after an
    undo; only for the user who made the change."""
    change_id = changed or undone
    found = project.task_change(change_id) if change_id else None
    if found is None or found["actor"] != f"user:{user.id}":
        return None
    n = found["tasks"]
    tasks = f"{n} task{'' if n == 1 else 's'}"
    if undone:
        return {"text": f"Undone: {tasks} back as they were.", "undo": None}
    if found["undone_at"] is not None:
        return None
    return {"text": f"{DID[found['action']]}: {tasks}.", "undo": found["id"]}
