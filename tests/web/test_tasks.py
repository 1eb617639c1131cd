"""The task worklist: a table sorted and filtered by links, bulk changes by one form (CSRF,
role, audited) each with an exact Undo, playbook steps ticked one by one, and the account
page's section of its open alerts and tasks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from stethoscope import clock
from stethoscope.store import audit
from tests.web.conftest import Book, Browser, user_name

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
# two rules: accounts below 50 get an "act" task from "low"; the others an "info" one from
# "everyone" (a higher severity's alert keeps the lower one away)
TWO_RULES = """
alerts:
  rules:
    low:
      kind: below
      threshold: 50
      severity: act
      channels: []
      description: Rescue
      task: {playbook: red, due: 5d}
    everyone:
      kind: below
      threshold: 100
      severity: info
      channels: []
      description: Check in
      task: {playbook: yellow, due: 5d}
"""
FIELDS = ("status", "owner", "reason", "snoozed_until", "updated_at", "updated_by", "steps")


def with_tasks(book: Book, rules: str = RULES) -> str:
    """Rules that open a task on every account, evaluated on the latest date; the editor's
    name (the owner of some accounts)."""
    model = book.project.model_path()
    model.write_text(model.read_text() + rules)
    book.project.evaluate_alerts()
    return user_name(book.project, "editor")


def _ids(b: Browser, **params: Any) -> list[int]:
    r = b.get("/tasks", params={"format": "json", "owner": "*", **params})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["total"] == len(data["tasks"])  # one page: the book has 40 accounts
    return [t["id"] for t in data["tasks"]]


def _bulk(b: Browser, csrf: str, ids: list[int], **fields: str) -> Any:
    return b.post("/tasks/bulk", data={"csrf_token": csrf, "task": [str(i) for i in ids], **fields})


def _state(book: Book, ids: list[int]) -> dict[int, dict[str, Any]]:
    return {i: {k: book.project.task(i)[k] for k in FIELDS} for i in ids}  # type: ignore[index]


def test_the_worklist_is_a_table_of_my_open_tasks(fresh: Book) -> None:
    me = with_tasks(fresh)
    mine = fresh.project.tasks(owner=me, status="open", limit=1000)
    assert mine
    b = fresh.browser("editor")
    r = b.get("/tasks")
    assert r.status_code == 200
    assert "<h1>My tasks</h1>" in r.text
    assert '<a href="/tasks" aria-current="page">Tasks <span class="count"' in r.text
    assert r.text.count('<tr id="task-') == len(mine)
    for column in ("Account", "ARR", "Score", "Band", "Renewal", "Rule", "Severity", "Due"):
        assert f">{column}" in r.text
    assert r.text.count('type="checkbox" name="task"') == len(mine)
    data = b.get("/tasks", params={"format": "json"}).json()
    assert {t["owner"] for t in data["tasks"]} == {me}
    assert data["total"] == len(mine)


def test_sorting_and_filters_return_the_rows_the_store_holds(fresh: Book) -> None:
    with_tasks(fresh, TWO_RULES)
    p = fresh.project
    tasks = p.tasks(status="open", limit=1000)
    arr = {s["account_id"]: s["arr"] for s in p.scores(limit=1000)}
    severity = {a["id"]: a["severity"] for a in p.alerts(limit=1000)}
    assert {severity[t["alert_id"]] for t in tasks} == {"act", "info"}
    # due dates spread around today: overdue, this week, later
    today = clock.today()
    due = {
        t["id"]: today + dt.timedelta(days=(-3, 0, 6, 7, 30)[i % 5]) for i, t in enumerate(tasks)
    }
    for i, day in due.items():
        p.store.con.execute("UPDATE tasks SET due_on = ? WHERE id = ?", [day, i])
    b = fresh.browser("viewer")
    everyone = sorted(t["id"] for t in tasks)
    assert sorted(_ids(b)) == everyone
    by_arr = sorted(tasks, key=lambda t: (-arr[t["account_id"]], due[t["id"]], t["id"]))
    assert _ids(b, sort="arr", order="desc") == [t["id"] for t in by_arr]
    assert _ids(b, sort="due") == [
        t["id"] for t in sorted(tasks, key=lambda t: (due[t["id"]], t["id"]))
    ]
    assert sorted(_ids(b, rule="low")) == sorted(t["id"] for t in tasks if t["rule"] == "low")
    assert sorted(_ids(b, severity="info")) == sorted(
        t["id"] for t in tasks if severity[t["alert_id"]] == "info"
    )
    values = sorted(arr.values())
    lo, hi = values[10], values[30]
    assert sorted(_ids(b, arr_min=lo, arr_max=hi)) == sorted(
        t["id"] for t in tasks if lo <= arr[t["account_id"]] <= hi
    )
    week = today + dt.timedelta(days=7)
    for name, keep in (
        ("overdue", lambda d: d < today),
        ("week", lambda d: today <= d < week),
        ("later", lambda d: d >= week),
    ):
        expected = sorted(i for i, d in due.items() if keep(d))
        assert expected, name
        assert sorted(_ids(b, due=name)) == expected, name
    # the page's sort links keep the filters, and say which way they sort
    page = b.get("/tasks", params={"owner": "*", "rule": "low", "sort": "arr", "order": "desc"})
    assert 'aria-sort="descending"' in page.text
    assert "/tasks?owner=%2A&amp;status=open&amp;rule=low&amp;sort=arr&amp;order=asc" in page.text


def test_the_worklist_pages_its_rows(fresh: Book) -> None:
    with_tasks(fresh)
    # twice as many tasks as accounts (40): more than a page of 50
    columns = "alert_id, account_id, owner, title, playbook, steps, due_on, status, created_at"
    fresh.project.store.con.execute(
        f"INSERT INTO tasks ({columns}, updated_at, updated_by) "
        f"SELECT {columns}, updated_at, updated_by FROM tasks"
    )
    b = fresh.browser("viewer")
    total = len(fresh.project.tasks(status="open", limit=1000))
    first = b.get("/tasks", params={"format": "json", "owner": "*", "sort": "account"}).json()
    second = b.get(
        "/tasks", params={"format": "json", "owner": "*", "sort": "account", "page": 2}
    ).json()
    assert first["total"] == second["total"] == total > 50
    assert len(first["tasks"]) == 50
    assert len(second["tasks"]) == total - 50
    assert not {t["id"] for t in first["tasks"]} & {t["id"] for t in second["tasks"]}
    html = b.get("/tasks", params={"owner": "*"}).text
    assert (
        'rel="next" href="/tasks?owner=%2A&amp;status=open&amp;sort=due&amp;order=asc&amp;page=2"'
        in html
    )


def test_a_bulk_done_of_three_tasks_then_undo_restores_them_exactly(fresh: Book) -> None:
    me = with_tasks(fresh)
    ids = [t["id"] for t in fresh.project.tasks(owner=me, status="open", limit=3)]
    assert len(ids) == 3
    fresh.project.tick_task_step(ids[0], 0)  # a ticked step is part of what comes back
    before = _state(fresh, ids)
    b = fresh.browser("editor")
    csrf = b.csrf("/tasks")
    r = _bulk(b, csrf, ids, action="done", back="/tasks?sort=arr")
    assert r.status_code == 303
    change = int(re.fullmatch(r"/tasks\?sort=arr&changed=(\d+)", r.headers["location"])[1])  # type: ignore[index]
    assert {fresh.project.task(i)["status"] for i in ids} == {"done"}  # type: ignore[index]
    page = b.get(r.headers["location"]).text
    assert "Marked done: 3 tasks." in page
    assert f'name="change" value="{change}"' in page
    editor = next(u for u in fresh.project.users() if u.role == "editor")
    entries = audit.entries(fresh.project.store.con, 3)
    assert {(e.actor, e.action, e.detail["change"]) for e in entries} == {
        (f"user:{editor.id}", "task.done", change)
    }
    r = b.post(
        "/tasks/undo",
        data={"csrf_token": csrf, "change": str(change), "back": "/tasks?sort=arr&changed=9"},
    )
    assert (r.status_code, r.headers["location"]) == (303, f"/tasks?sort=arr&undone={change}")
    assert _state(fresh, ids) == before
    assert "Undone: 3 tasks back as they were." in b.get(r.headers["location"]).text
    # once only
    again = b.post("/tasks/undo", data={"csrf_token": csrf, "change": str(change)})
    assert again.status_code == 400
    assert f"change {change} is already undone" in again.text


def test_undo_refuses_to_overwrite_a_later_change(fresh: Book) -> None:
    me = with_tasks(fresh)
    ids = [t["id"] for t in fresh.project.tasks(owner=me, status="open", limit=2)]
    b = fresh.browser("editor")
    csrf = b.csrf("/tasks")
    change = int(_bulk(b, csrf, ids, action="done").headers["location"].split("changed=")[1])
    fresh.project.update_task(ids[1], "open", actor="cli:someone")
    after = _state(fresh, ids)
    r = b.post("/tasks/undo", data={"csrf_token": csrf, "change": str(change)})
    assert r.status_code == 400
    assert f"cannot undo: task {ids[1]} changed again since" in r.text
    assert _state(fresh, ids) == after


def test_bulk_snooze_and_assign(fresh: Book) -> None:
    me = with_tasks(fresh)
    ids = [t["id"] for t in fresh.project.tasks(owner=me, status="open", limit=2)]
    b = fresh.browser("editor")
    csrf = b.csrf("/tasks")
    later = clock.today() + dt.timedelta(days=3)
    r = _bulk(b, csrf, ids, action="snooze", until=later.isoformat())
    assert r.status_code == 303
    for i in ids:
        t = fresh.project.task(i)
        assert t is not None
        assert (t["status"], t["snoozed_until"]) == ("snoozed", later)
    assert "Snoozed: 2 tasks." in b.get(r.headers["location"]).text
    r = _bulk(b, csrf, ids, action="snooze", until=clock.today().isoformat())
    assert r.status_code == 400
    assert "is not in the future" in r.text
    other = next(o for o in fresh.project.task_choices()["owners"] if o != me)
    r = _bulk(b, csrf, ids, action="assign", assignee=other)
    assert r.status_code == 303
    assert {fresh.project.task(i)["owner"] for i in ids} == {other}  # type: ignore[index]
    assert set(_ids(b, status="snoozed", owner=other)) == set(ids)
    # the owner pick-list of the page offers them
    assert f'<option value="{other}">' in b.get("/tasks").text
    r = _bulk(b, csrf, [], action="done")
    assert r.status_code == 400
    assert "no task chosen" in r.text


def test_a_playbook_step_tick_persists(fresh: Book) -> None:
    me = with_tasks(fresh)
    [t] = fresh.project.tasks(owner=me, status="open", limit=1)
    assert len(t["steps"]) >= 2
    b = fresh.browser("editor")
    csrf = b.csrf("/tasks")
    r = b.post(
        f"/tasks/{t['id']}/steps", data={"csrf_token": csrf, "step": "1:done", "back": "/tasks"}
    )
    assert (r.status_code, r.headers["location"]) == (303, f"/tasks#task-{t['id']}")
    steps = fresh.project.task(t["id"])["steps"]  # type: ignore[index]
    assert [s.get("done", False) for s in steps[:2]] == [False, True]
    page = b.get("/tasks").text
    assert f"1 of {len(steps)} steps done" in page
    assert 'value="1:undone" aria-pressed="true"' in page
    b.post(f"/tasks/{t['id']}/steps", data={"csrf_token": csrf, "step": "1:undone"})
    assert not any(s.get("done") for s in fresh.project.task(t["id"])["steps"])  # type: ignore[index]
    r = b.post(f"/tasks/{t['id']}/steps", data={"csrf_token": csrf, "step": "99:done"})
    assert r.status_code == 400
    assert f"task {t['id']} has no step 100" in r.text


def test_a_viewer_and_a_form_without_csrf_cannot_act(fresh: Book) -> None:
    me = with_tasks(fresh)
    [t, *_] = fresh.project.tasks(owner=me)
    before = _state(fresh, [t["id"]])
    viewer = fresh.browser("viewer")
    page = viewer.get("/tasks", params={"owner": me})
    assert "Tasks of" in page.text
    assert 'name="task"' not in page.text
    assert 'name="action"' not in page.text
    csrf = viewer.csrf("/tasks?owner=*")
    for url, data in (
        ("/tasks/bulk", {"action": "done", "task": str(t["id"])}),
        (f"/tasks/{t['id']}/steps", {"step": "0:done"}),
        ("/tasks/undo", {"change": "1"}),
    ):
        assert viewer.post(url, data={"csrf_token": csrf, **data}).status_code == 403
    editor = fresh.browser("editor")
    assert (
        editor.post("/tasks/bulk", data={"action": "done", "task": str(t["id"])}).status_code == 403
    )
    assert _state(fresh, [t["id"]]) == before


def test_the_account_page_lists_its_open_alerts_and_tasks_with_the_actions(fresh: Book) -> None:
    with_tasks(fresh)
    [t, *_] = fresh.project.tasks(status="open")
    account = t["account_id"]
    open_tasks = fresh.project.tasks(account_id=account, status="open", limit=100)
    b = fresh.browser("editor")
    page = b.get(f"/accounts/{account}").text
    assert '<h2 id="tasks">Alerts and tasks</h2>' in page
    assert page.count('<tr id="task-') == len(open_tasks) >= 1
    for alert in fresh.project.alerts(account_id=account, status="open"):
        assert f'{alert["rule"]} <span class="meta">({alert["severity"]}' in page
    csrf = b.csrf(f"/accounts/{account}")
    r = _bulk(b, csrf, [t["id"]], action="done", back=f"/accounts/{account}")
    assert r.headers["location"].startswith(f"/accounts/{account}?changed=")
    after = b.get(r.headers["location"]).text
    assert "Marked done: 1 task." in after
    assert after.count('<tr id="task-') == len(open_tasks) - 1
    # a form cannot send anyone elsewhere
    r = _bulk(b, csrf, [open_tasks[-1]["id"]], action="reopen", back="https://evil.example/x")
    assert r.headers["location"].startswith("/tasks?changed=")


def test_signed_out_goes_to_sign_in(book: Book) -> None:
    b = book.browser()
    r = b.get("/tasks")
    assert (r.status_code, r.headers["location"]) == (303, "/signin?next=%2Ftasks")
    assert b.get("/tasks", params={"format": "json"}).status_code == 401


def test_the_page_cut_comes_after_the_filter_and_the_sort(fresh: Book) -> None:
    with_tasks(fresh)
    p = fresh.project
    columns = "alert_id, account_id, owner, title, playbook, steps, due_on, status, created_at"
    p.store.con.execute(  # two tasks an account: more than a page of 50 pass the filter
        f"INSERT INTO tasks ({columns}, updated_at, updated_by) "
        f"SELECT {columns}, updated_at, updated_by FROM tasks"
    )
    arr = {s["account_id"]: s["arr"] for s in p.scores(limit=1000)}
    least = sorted(arr.values())[5]
    kept = [t for t in p.tasks(status="open", limit=1000) if arr[t["account_id"]] >= least]
    expected = sorted(kept, key=lambda t: (-arr[t["account_id"]], t["due_on"], t["id"]))
    b = fresh.browser("viewer")
    asked = {"format": "json", "owner": "*", "arr_min": least, "sort": "arr", "order": "desc"}
    pages = [b.get("/tasks", params=asked | {"page": n}).json() for n in (1, 2)]
    assert [len(page["tasks"]) for page in pages] == [50, len(expected) - 50]
    assert {page["total"] for page in pages} == {len(expected)}
    assert [t["id"] for page in pages for t in page["tasks"]] == [t["id"] for t in expected]
