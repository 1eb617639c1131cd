"""The task inbox: a user's own tasks, changed with a form (CSRF, role) and audited."""

from __future__ import annotations

import datetime as dt
import re

from stethoscope.store import audit
from tests.web.conftest import Book, user_name

RULES = """
alerts:
  rules:
    everyone:
      kind: below
      threshold: 100
      channels: []
      description: Check in
      task: {playbook: yellow, due: 5d}
"""


def _with_tasks(book: Book) -> str:
    """Rules that open a task on every account, evaluated on the latest date; the editor's
    name (the owner of some accounts)."""
    model = book.project.model_path()
    model.write_text(model.read_text() + RULES)
    book.project.evaluate_alerts()
    return user_name(book.project, "editor")


def test_the_inbox_lists_my_open_tasks(fresh: Book) -> None:
    me = _with_tasks(fresh)
    mine = fresh.project.tasks(owner=me, limit=1000)
    assert mine
    b = fresh.browser("editor")
    r = b.get("/tasks")
    assert r.status_code == 200
    assert "<h1>My tasks</h1>" in r.text
    assert '<a href="/tasks" aria-current="page">Tasks <span class="count"' in r.text
    assert r.text.count('<li id="task-') == len(mine)
    assert "Check in with the customer, coming with solutions" in r.text
    data = b.get("/tasks", params={"format": "json"}).json()
    assert {t["owner"] for t in data["tasks"]} == {me}


def test_done_snooze_and_dismiss_from_the_inbox(fresh: Book) -> None:
    me = _with_tasks(fresh)
    first, second, *_ = fresh.project.tasks(owner=me, limit=1000)
    b = fresh.browser("editor")
    token = re.search(r'name="csrf_token" value="([^"]+)"', b.get("/tasks").text)
    assert token
    csrf = token.group(1)
    r = b.post(f"/tasks/{first['id']}", data={"csrf_token": csrf, "action": "done"})
    assert (r.status_code, r.headers["location"]) == (303, "/tasks")
    r = b.post(f"/tasks/{second['id']}", data={"csrf_token": csrf, "action": "dismiss"})
    assert r.status_code == 400
    assert "say why: dismissing a task needs a reason" in r.text
    later = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    r = b.post(
        f"/tasks/{second['id']}", data={"csrf_token": csrf, "action": "snooze", "until": later}
    )
    assert r.status_code == 303
    assert fresh.project.task(first["id"])["status"] == "done"  # type: ignore[index]
    assert fresh.project.task(second["id"])["snoozed_until"].isoformat() == later  # type: ignore[index]
    editor = next(u for u in fresh.project.users() if u.role == "editor")
    entries = audit.entries(fresh.project.store.con, 2)
    assert [(e.actor, e.action) for e in entries] == [
        (f"user:{editor.id}", "task.snoozed"),
        (f"user:{editor.id}", "task.done"),
    ]
    done = b.get("/tasks", params={"status": "done"}).text
    assert f'id="task-{first["id"]}"' in done
    assert "Reopen" in done


def test_a_viewer_and_a_form_without_csrf_are_refused(fresh: Book) -> None:
    me = _with_tasks(fresh)
    [t, *_] = fresh.project.tasks(owner=me)
    viewer = fresh.browser("viewer")
    page = viewer.get("/tasks", params={"owner": me})
    assert "Tasks of" in page.text
    assert 'class="task-actions"' not in page.text
    csrf = viewer.csrf("/tasks")
    r = viewer.post(f"/tasks/{t['id']}", data={"csrf_token": csrf, "action": "done"})
    assert r.status_code == 403
    editor = fresh.browser("editor")
    assert editor.post(f"/tasks/{t['id']}", data={"action": "done"}).status_code == 403
    assert fresh.project.task(t["id"])["status"] == "open"  # type: ignore[index]


def test_signed_out_goes_to_sign_in(book: Book) -> None:
    b = book.browser()
    r = b.get("/tasks")
    assert (r.status_code, r.headers["location"]) == (303, "/signin?next=%2Ftasks")
    assert b.get("/tasks", params={"format": "json"}).status_code == 401
