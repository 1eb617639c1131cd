"""The account page's recent activity, audit trail and model-version markers, and a gut
check that an editor sees change the score once the book is scored again."""

from __future__ import annotations

import datetime as dt

from stethoscope.model.presets import preset_text
from tests.web.conftest import END, Book


def test_recent_activity_is_the_accounts_own(book: Book) -> None:
    b = book.browser("viewer")
    con = book.project.store.con
    account = book.project.scores(sort="arr", descending=True, limit=1)[0].account_id
    data = b.get(f"/accounts/{account}?format=json").json()["activity"]
    start = END - dt.timedelta(days=90)
    until = END + dt.timedelta(days=1)
    events = con.execute(
        'SELECT count(*) FROM events WHERE account_id = ? AND "timestamp" >= ? AND "timestamp" < ?',
        [account, start, until],
    ).fetchone()[0]
    assert sum(u["events"] for u in data["usage"]) == events > 0
    counts = {
        kind: con.execute(
            f"SELECT count(*) FROM {table} WHERE account_id = ? AND {col} >= ? AND {col} < ?",
            [account, start, until],
        ).fetchone()[0]
        for kind, table, col in (
            ("ticket", "tickets", "opened_at"),
            ("survey", "surveys", "responded_at"),
            ("conversation", "touchpoints", "occurred_at"),
        )
    }
    shown = [i["kind"] for i in data["items"]]
    assert len(shown) == min(30, sum(counts.values()))
    assert all(shown.count(k) <= n for k, n in counts.items())
    times = [i["happened_at"] for i in data["items"]]
    assert times == sorted(times, reverse=True)
    html = b.get(f"/accounts/{account}").text
    assert '<h2 id="activity">' in html


def test_a_gut_check_is_audited_and_counts_at_once(fresh: Book) -> None:
    p = fresh.project
    p.run(as_of=dt.datetime.now(dt.UTC).date())
    b = fresh.browser("editor")
    editor = next(u for u in p.users() if u.role == "editor")
    account = p.scores(sort="score", descending=True, limit=1)[0].account_id
    before = b.get(f"/accounts/{account}?format=json").json()["explanation"]["score"]
    token = b.csrf(f"/accounts/{account}")
    r = b.post(
        f"/accounts/{account}/inputs",
        data={"csrf_token": token, "name": "gut_check", "value": "0", "reason": "churn risk"},
    )
    assert r.status_code == 303
    page = b.get(r.headers["location"]).text
    # the audit line names the user, not the id the log keeps
    audit = b.get(f"/accounts/{account}?format=json").json()["audit"]
    assert audit[0]["action"] == "input.add"
    assert audit[0]["actor"] == f"user:{editor.id}"
    assert audit[0]["who"] == editor.name
    assert f"<td>{editor.name}</td><td>input.add</td>" in page
    # scored again at once: no second step
    assert 'id="rescored"' in page
    assert "Score the book as of today" not in page
    data = b.get(f"/accounts/{account}?format=json").json()
    assert data["explanation"]["score"] < before
    gut = next(m for m in data["explanation"]["measures"] if m["measure"] == "gut_check")
    assert gut["value"] == 0


def test_model_versions_are_marked_on_the_accounts_trend(fresh: Book) -> None:
    p = fresh.project
    account = p.scores(limit=1)[0].account_id
    old = p.load_model().version
    p.model_path().write_text(
        preset_text("successscore").replace("{name: red, below: 50", "{name: red, below: 55", 1)
    )
    p.run(start=END - dt.timedelta(days=2), end=END)
    data = fresh.browser("viewer").get(f"/accounts/{account}?format=json").json()
    markers = data["version_markers"]
    assert [m["version"] for m in markers] == [old, p.load_model().version]
    assert markers[1]["as_of"] == str(END - dt.timedelta(days=2))
    assert markers[1]["current"] is True
    assert [v["version"] for v in data["older_versions"]] == [old]
    assert len(data["timeline"]) == 3
    html = fresh.browser("viewer").get(f"/accounts/{account}").text
    assert html.count('class="marker">') == 2
    assert f"From {END - dt.timedelta(days=2)}: model" in html
