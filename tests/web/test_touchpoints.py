"""Logging a touchpoint from the account page's form and from the API: a row of the
contract's touchpoints table, its next step a task for the account's owner; who may write;
every bad field named; and the page's touchpoints, key contacts (the champion marked, each
with their last product activity) and survey comments. On both stores."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.web.session import SESSION_COOKIE, Sessions
from tests.conftest import ACCOUNTS_CSV, STORES, filled_project
from tests.service.conftest import TOKEN, Api, bearer
from tests.web.conftest import PASSWORD, Browser

# the same small model as tests/web/test_not_scored.py: the page explains on the fly
MODEL = """\
name: small
metrics:
  seats: {attribute: seats}
measures:
  seats: {metric: seats, linear: [0, 100]}
scorecards:
  standard: {seats: 1}
scores:
  health:
    segments:
      - {name: everyone, scorecard: standard}
"""
CONTACTS = """\
id,account_id,email,name,role
c-user,a1,uma@acme.example,Uma User,user
c-champ,a1,cara@acme.example,Cara Champion,Champion
c-exec,a1,ed@acme.example,Ed Exec,executive
c-quiet,a1,,Quinn Quiet,admin
c-beta,a2,bo@beta.example,Bo Beta,champion
"""
EVENTS = """\
account_id,user_id,event,timestamp
a1,c-champ,report_created,2026-11-02T09:30:00
a1,c-champ,report_created,2026-11-20T16:45:00
a1,c-exec,login,2026-10-01T08:00:00
a1,c-user,login,2026-11-25T12:00:00
a2,c-beta,login,2026-11-30T12:00:00
"""
SURVEYS = """\
account_id,contact_id,kind,score,responded_at,comment
a1,c-champ,nps,9,2026-11-10T10:00:00,Love the <b>reports</b>
a1,c-exec,nps,4,2026-11-12T10:00:00,
"""


class Setup:
    def __init__(self, p: Project) -> None:
        self.p = p
        self.app = create_app(p, TOKEN)

    def browser(self, name: str, role: str) -> Browser:
        """A browser signed in as a new user (a session opened in the store: signing in
        through the form hashes a password, seconds on a busy machine)."""
        user = self.p.create_user(name, role, PASSWORD)
        session = self.p.open_session(user.id, lasts=dt.timedelta(hours=1), address="test")
        b = Browser(self.app)
        b.cookies.set(SESSION_COOKIE, Sessions(self.p).signer.dumps({"s": session}))
        return b

    def rows(self, account_id: str = "a1") -> list[dict[str, Any]]:
        con = self.p.store.con
        cur = con.execute(
            "SELECT id, account_id, contact_id, kind, persona, occurred_at, author, note "
            "FROM touchpoints WHERE account_id = ? ORDER BY occurred_at",
            [account_id],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _book(p: Project) -> None:
    for table, text in (
        ("accounts", ACCOUNTS_CSV),
        ("contacts", CONTACTS),
        ("events", EVENTS),
        ("surveys", SURVEYS),
    ):
        path = p.settings.project_dir / f"{table}.csv"
        path.write_text(text)
        p.import_file(table, path)


@pytest.fixture(params=STORES)
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Setup]:
    """The book above on each store (imported once per store kind and copied)."""
    with filled_project(request, request.param, tmp_path, "touchpoints", _book) as p:
        p.model_path().write_text(MODEL)
        yield Setup(p)


def _csrf(b: Browser, url: str = "/accounts/a1") -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', b.get(url).text)
    assert m
    return m.group(1)


def test_the_form_logs_a_touchpoint_and_its_next_step_becomes_the_owners_task(
    setup: Setup,
) -> None:
    b = setup.browser("ed@corp.example", "editor")
    due = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=7)).isoformat()
    form = {
        "csrf_token": _csrf(b),
        "kind": "call",
        "occurred_at": "2026-11-30T14:30",
        "contact_id": "c-champ",
        "note": "Renewal <script>alert(1)</script> looks safe; wants SSO",
        "next_step": "Send the SSO guide",
        "due_on": due,
    }
    r = b.post("/accounts/a1/touchpoints", data=form)
    assert r.status_code == 303, r.text
    [row] = setup.rows()
    assert r.headers["location"] == f"/accounts/a1?logged={row['id']}#touchpoints"
    assert {k: v for k, v in row.items() if k != "id"} == {
        "account_id": "a1",
        "contact_id": "c-champ",
        "kind": "call",
        "persona": "champion",
        "occurred_at": dt.datetime(2026, 11, 30, 14, 30),
        "author": "user:ed@corp.example",
        "note": "Renewal <script>alert(1)</script> looks safe; wants SSO",
    }
    # the next step: an open task for the account's owner, in their task list
    [task] = setup.p.tasks(owner="dana@x.example", status="open")
    assert (task.title, task.account_id, task.due_on.isoformat(), task.alert_id) == (
        "Send the SSO guide",
        "a1",
        due,
        None,
    )
    page = b.get(r.headers["location"])
    assert 'id="logged">Logged the call.' in page.text
    # the author's text is escaped, never markup
    assert "Renewal &lt;script&gt;alert(1)&lt;/script&gt; looks safe" in page.text
    assert "<script>alert(1)" not in page.text
    # the owner's inbox lists it
    owner = setup.browser("dana@x.example", "viewer")
    assert "Send the SSO guide" in owner.get("/tasks").text


def test_the_api_logs_a_touchpoint_with_the_key_as_author(setup: Setup) -> None:
    api = Api(setup.app)
    key = setup.p.create_key("crm", "editor").secret
    r = api.post(
        "/api/accounts/a1/touchpoints",
        headers=bearer(key),
        json={
            "kind": "meeting",
            "note": "QBR prep",
            "occurred_at": "2026-11-30T15:00:00+01:00",
            "next_step": "Book the QBR",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    [row] = setup.rows()
    assert body["id"] == row["id"]
    assert (row["kind"], row["author"], row["note"], row["occurred_at"]) == (
        "meeting",
        "key:crm",
        "QBR prep",
        dt.datetime(2026, 11, 30, 14, 0),  # moved to UTC
    )
    [task] = setup.p.tasks(owner="dana@x.example")
    assert (task.id, task.title, task.due_on) == (body["task_id"], "Book the QBR", None)
    # a note without a next step opens no task
    r = api.post("/api/accounts/a1/touchpoints", headers=bearer(key), json={"kind": "email"})
    assert (r.status_code, r.json()["task_id"]) == (201, None)
    assert len(setup.rows()) == 2
    assert len(setup.p.tasks(account_id="a1")) == 1
    # acknowledged is stored: a new process finds both
    folder = setup.p.settings.project_dir
    setup.p.close()
    with Project.open(folder) as again:
        assert [t["kind"] for t in again.touchpoints("a1")] == ["email", "meeting"]


def test_bad_fields_are_named_and_nothing_is_written(setup: Setup) -> None:
    api = Api(setup.app)
    key = setup.p.create_key("crm", "editor").secret
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()

    def errors(json: dict[str, Any]) -> tuple[int, list[tuple[Any, ...]]]:
        r = api.post("/api/accounts/a1/touchpoints", headers=bearer(key), json=json)
        assert r.json()["ok"] is False
        return r.status_code, [tuple(e["loc"]) for e in r.json()["errors"]]

    assert errors({"kind": "lunch"}) == (400, [("body", "kind")])
    assert errors({"kind": "call", "note": "x" * 10_001}) == (400, [("body", "note")])
    assert errors({"kind": "call", "colour": "red"}) == (400, [("body", "colour")])
    assert errors({"kind": "note"}) == (400, [("body", "note")])
    assert errors({"kind": "call", "note": "a\u0000b"}) == (400, [("body", "note")])
    assert errors({"kind": "call", "due_on": yesterday, "contact_id": "c-beta"}) == (
        400,
        [("body", "due_on"), ("body", "due_on"), ("body", "contact_id")],
    )
    r = api.post("/api/accounts/nope/touchpoints", headers=bearer(key), json={"kind": "call"})
    assert (r.status_code, r.json()["errors"][0]["loc"]) == (404, ["path", "account_id"])
    assert setup.rows() == []

    b = setup.browser("ed@corp.example", "editor")
    r = b.post(
        "/accounts/a1/touchpoints",
        data={"csrf_token": _csrf(b), "kind": "call", "due_on": "31/12/2026", "note": "<i>hi"},
    )
    assert r.status_code == 400
    assert "<strong>due_on</strong>: expected a date like 2026-12-31, got &#39;31/12/2026&#39;" in (
        r.text
    )
    assert "&lt;i&gt;hi</textarea>" in r.text  # the form comes back as sent, escaped
    r = b.post(
        "/accounts/a1/touchpoints",
        data={"csrf_token": _csrf(b), "kind": "call", "next_step": "", "due_on": "2099-01-01"},
    )
    assert r.status_code == 400
    assert "<strong>due_on</strong>: a due date needs a next step" in r.text
    assert setup.rows() == []
    assert setup.p.tasks() == []


def test_a_viewer_is_refused_unless_they_own_the_account(setup: Setup) -> None:
    viewer = setup.browser("vic@corp.example", "viewer")
    page = viewer.get("/accounts/a1")
    assert "Log a touchpoint" not in page.text
    r = viewer.post("/accounts/a1/touchpoints", data={"csrf_token": _csrf(viewer), "kind": "call"})
    assert r.status_code == 403
    key = setup.p.create_key("reader", "viewer").secret
    r = Api(setup.app).post(
        "/api/accounts/a1/touchpoints", headers=bearer(key), json={"kind": "call"}
    )
    assert r.status_code == 403
    editor = setup.browser("ed@corp.example", "editor")
    r = editor.post("/accounts/a1/touchpoints", data={"kind": "call"})  # no CSRF token
    assert r.status_code == 403
    assert setup.rows() == []
    # the account's owner may, whatever their role; the task is theirs
    owner = setup.browser("dana@x.example", "viewer")
    assert "Log a touchpoint" in owner.get("/accounts/a1").text
    r = owner.post(
        "/accounts/a1/touchpoints",
        data={"csrf_token": _csrf(owner), "kind": "note", "note": "Met at the fair"},
    )
    assert r.status_code == 303, r.text
    [row] = setup.rows()
    assert (row["author"], row["note"]) == ("user:dana@x.example", "Met at the fair")
    # but not with an account they do not own
    r = owner.post("/accounts/a2/touchpoints", data={"csrf_token": _csrf(owner), "kind": "call"})
    assert r.status_code == 403
    assert setup.rows("a2") == []


def test_the_page_shows_key_contacts_the_champion_and_last_activity(setup: Setup) -> None:
    setup.p.log_touchpoint("a1", "call", author="user:ed", note="Kick-off", contact_id="c-exec")
    b = setup.browser("vic@corp.example", "viewer")
    data = b.get("/accounts/a1", params={"format": "json"}).json()["relationship"]
    assert [(c["id"], c["role"], c["champion"], c["last_active"]) for c in data["contacts"]] == [
        ("c-champ", "champion", True, "2026-11-20T16:45:00"),
        ("c-exec", "executive", False, "2026-10-01T08:00:00"),
        ("c-quiet", "admin", False, None),
        ("c-user", "user", False, "2026-11-25T12:00:00"),
    ]
    assert [(t["kind"], t["note"], t["persona"]) for t in data["touchpoints"]] == [
        ("call", "Kick-off", "executive")
    ]
    assert [s["comment"] for s in data["comments"]] == ["Love the <b>reports</b>"]

    page = b.get("/accounts/a1").text
    people = page[page.index('<h2 id="people">') : page.index('<h3 id="comments">')]
    rows = [
        (bool(champion), cells.split("</td>")[0], cells.split("<td>")[-1].removesuffix("</td>"))
        for champion, cells in re.findall(r'<tr( class="champion")?><td>(.*?)</tr>', people)
    ]
    assert rows == [
        (
            True,
            'Cara Champion <strong class="badge">champion</strong>',
            '<time datetime="2026-11-20T16:45:00">2026-11-20 16:45</time>',
        ),
        (False, "Ed Exec", '<time datetime="2026-10-01T08:00:00">2026-10-01 08:00</time>'),
        (False, "Quinn Quiet", "never"),
        (False, "Uma User", '<time datetime="2026-11-25T12:00:00">2026-11-25 12:00</time>'),
    ]
    assert "<q>Love the &lt;b&gt;reports&lt;/b&gt;</q>" in page
    assert "Bo Beta" not in page  # another account's champion


def test_forgetting_a_contact_erases_them_from_notes_and_next_steps(setup: Setup) -> None:
    setup.p.log_touchpoint(
        "a1",
        "call",
        author="user:ed",
        contact_id="c-champ",
        note="Cara Champion (cara@acme.example) will sponsor the rollout",
        next_step="Send Cara Champion the plan",
    )
    setup.p.forget(contact_id="c-champ")
    [row] = setup.rows()
    assert (row["contact_id"], row["note"]) == (
        None,
        "[erased] ([erased]) will sponsor the rollout",
    )
    assert [t.title for t in setup.p.tasks()] == ["Send [erased] the plan"]
