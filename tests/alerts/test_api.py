"""Alerts and tasks over the REST API, on the real app."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from stethoscope import clock
from stethoscope.rows import TaskRow
from stethoscope.service.app import create_app
from tests.alerts.conftest import DAY0, Book
from tests.service.conftest import TOKEN, Api, bearer

RULES = """\
alerts:
  rules:
    act:
      kind: below
      threshold: 60
      channels: []
      task: {playbook: red, due: 3d}
"""


def test_tasks_alerts_report_and_export_over_the_api(book_factory: Callable[..., Book]) -> None:
    book = book_factory(RULES)
    p = book.project
    book.score(DAY0, a1=50, a2=90)
    api = Api(create_app(p, TOKEN))
    editor = bearer(p.create_key("csm", "editor").secret)
    viewer = bearer(p.create_key("look", "viewer").secret)

    alerts = api.get("/api/alerts", headers=viewer).json()
    assert [(a["rule"], a["account_id"], a["status"]) for a in alerts["alerts"]] == [
        ("act", "a1", "open")
    ]
    tasks = api.get("/api/tasks", params={"owner": "dana@x.example"}, headers=viewer).json()
    [task] = tasks["tasks"]
    assert task["playbook"] == "red"
    assert task["due_on"] == "2025-03-04"
    # a step says whether it is done only once ticked (stethoscope.rows.TaskStep)
    assert [set(s) for s in task["steps"]] == [{"title", "after_days", "email_contact"}] * len(
        task["steps"]
    )
    assert p.task(task["id"]) == TaskRow.model_validate(task)  # the facade's row, as sent

    r = api.post(f"/api/tasks/{task['id']}", json={"status": "dismissed"}, headers=editor)
    assert r.status_code == 400
    assert r.json()["error"] == "say why: dismissing a task needs a reason"
    r = api.post(f"/api/tasks/{task['id']}", json={"status": "done"}, headers=viewer)
    assert r.status_code == 403
    r = api.post(f"/api/tasks/{task['id']}", json={"status": "done"}, headers=editor)
    assert r.status_code == 200
    assert r.json()["status"] == "done"
    assert r.json()["updated_by"] == "key:csm"
    assert api.get("/api/tasks/999", headers=viewer).status_code == 404
    audit = api.get("/api/audit", params={"action": "task.done"}, headers=bearer(TOKEN)).json()
    assert [(e["actor"], e["target"]) for e in audit["entries"]] == [("key:csm", str(task["id"]))]

    report = api.get("/api/alerts/report", headers=viewer).json()["rules"]
    assert [(r["rule"], r["alerts"], r["tasks_done"]) for r in report] == [("act", 1, 1)]

    text = api.get("/api/export", headers=viewer).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["account_id"], r["score"], r["band"]) for r in rows] == [
        ("a1", "50.0", "red"),
        ("a2", "90.0", "green"),
    ]
    as_json = api.get("/api/export", params={"format": "json"}, headers=viewer).json()
    assert as_json[0]["as_of"] == str(DAY0)


def test_new_rules_evaluate_the_dates_already_scored(book_factory: Callable[..., Book]) -> None:
    book = book_factory("")
    p = book.project
    book.score(DAY0, a1=50)
    book.score(DAY0 + dt.timedelta(days=1), a1=50)
    assert p.alerts() == []
    (book.folder / "model.yaml").write_text((book.folder / "model.yaml").read_text() + RULES)
    api = Api(create_app(p, TOKEN))
    r = api.post("/api/alerts/evaluate", json={"from": str(DAY0)}, headers=bearer(TOKEN))
    assert [(e["as_of"], e["opened"]) for e in r.json()["evaluations"]] == [
        ("2025-03-01", 1),
        ("2025-03-02", 0),
    ]


def test_invalid_rules_answer_with_every_problem(book_factory: Callable[..., Book]) -> None:
    book = book_factory("alerts:\n  rules:\n    a: {kind: below}\n    b: {kind: drop}\n")
    api = Api(create_app(book.project, TOKEN))
    body = api.get("/api/alerts/rules", headers=bearer(TOKEN)).json()
    assert body["status"] == 400
    # the file is named as the user sees it: relative to the working folder, when under it
    assert body["error"].endswith("model.yaml' (3 problems)")
    assert [e["loc"][0].split("/")[-1] for e in body["errors"]] == [
        "model.yaml:14",
        "model.yaml:15",
        "model.yaml:15",
    ]
    assert [e["msg"] for e in body["errors"]] == [
        "alerts.rules.a: a 'below' rule needs threshold (a score on the model's scale) or "
        "band (alert in that band or a worse one), one of them",
        "alerts.rules.b: a 'drop' rule needs points (on the model's scale) or percent (of "
        "the scale's range), one of them: alert when the score drops by this much",
        "alerts.rules.b: a 'drop' rule needs within: the days over which the "
        "drop is measured, like '7d'",
    ]


def test_the_rules_endpoint_lists_the_preset_playbooks(book_factory: Callable[..., Book]) -> None:
    book = book_factory("")
    body = Api(create_app(book.project, TOKEN)).get("/api/alerts/rules", headers=bearer(TOKEN))
    assert body.json()["rules"] == []
    assert {"red", "nps-detractor", "green"} <= set(body.json()["playbooks"])


def test_tasks_change_in_bulk_and_undo_exactly_over_the_api(
    book_factory: Callable[..., Book],
) -> None:
    book = book_factory(RULES)
    p = book.project
    book.score(DAY0, a1=50, a2=40)
    api = Api(create_app(p, TOKEN))
    editor = bearer(p.create_key("csm", "editor").secret)
    other = bearer(p.create_key("other", "editor").secret)
    viewer = bearer(p.create_key("look", "viewer").secret)
    ids = sorted(t.id for t in p.tasks(status="open"))
    assert len(ids) == 2
    p.update_task(ids[0], "snoozed", until=clock.today() + dt.timedelta(days=9))
    before = [p.task(i) for i in ids]

    body = {"ids": ids, "action": "assign", "owner": "sam@x.example"}
    assert api.post("/api/tasks/bulk", json=body, headers=viewer).status_code == 403
    r = api.post("/api/tasks/bulk", json=body | {"ids": [*ids, 999]}, headers=editor)
    assert (r.status_code, r.json()["error"]) == (400, "no task 999")
    assert [p.task(i) for i in ids] == before  # all or nothing
    r = api.post("/api/tasks/bulk", json=body, headers=editor)
    assert r.status_code == 200
    change = r.json()["change"]
    assert [(t["owner"], t["status"]) for t in r.json()["tasks"]] == [
        ("sam@x.example", "snoozed"),
        ("sam@x.example", "open"),
    ]
    undo = f"/api/tasks/changes/{change}/undo"
    r = api.post(undo, headers=other)
    assert (r.status_code, r.json()["error"]) == (
        400,
        f"change {change} is someone else's: only its author undoes it",
    )
    r = api.post(undo, headers=editor)
    assert r.json() == {"change": change, "undone": 2}
    assert [p.task(i) for i in ids] == before
    assert api.post(undo, headers=editor).status_code == 400
