"""The Model and Runs pages on the real app and a real scored book."""

from __future__ import annotations

import datetime as dt
import re

from stethoscope.model.presets import preset_text
from tests.web.conftest import Book


def test_model_page_says_the_model_in_words_with_coverage(book: Book) -> None:
    b = book.browser("viewer")
    p = book.project
    model = p.load_model()
    data = b.get("/model?format=json").json()
    assert data["model"]["version"] == model.version
    assert [m["name"] for m in data["model"]["measures"]] == list(model.measures)
    # coverage: per measure, the accounts of the latest date whose grade is known
    day = p.latest_as_of()
    assert data["as_of"] == str(day)
    scored = p.count_scores(as_of=day)
    cov = {c["measure"]: c for c in data["coverage"]["measures"]}
    frame = p.scores(as_of=day)
    # gut_check is on every scorecard: it applies to every account, graded where entered
    gut = cov["gut_check"]
    assert gut["applies"] == scored
    assert gut["graded"] == sum(
        1
        for r in frame
        if p.explain(r.account_id).measures
        and any(
            m.measure == "gut_check" and m.grade is not None
            for m in p.explain(r.account_id).measures
        )
    )
    # each measure applies to the accounts whose scorecard holds it
    cards = {r.scorecard for r in frame}
    for c in cov.values():
        assert c["applies"] == sum(1 for r in frame if r.scorecard in c["scorecards"])
        assert 0 <= c["graded"] <= c["applies"]
    assert cards
    conf = data["coverage"]["confidence"]
    assert conf["accounts"] == scored
    assert conf["full_coverage"] == sum(1 for r in frame if r.coverage >= 0.999999)
    assert conf["full_coverage"] + conf["most"] + conf["half"] + conf["little"] == scored
    # the weights of each scorecard's items are shares adding up to 1
    for card in data["model"]["scorecards"]:
        assert abs(sum(i["share"] for i in card["items"]) - 1) < 1e-9
    html = b.get("/model").text
    assert f"<code>{model.version[:12]}</code>" in html
    assert "higher is better" in html or "lower is better" in html
    assert f'id="full-coverage">{conf["full_coverage"]}<' in html
    assert html.count("<meter ") == len(cov)


def test_model_page_diffs_a_stored_version(fresh: Book) -> None:
    p = fresh.project
    old = p.load_model().version
    text = preset_text("successscore").replace("{name: red, below: 50", "{name: red, below: 55", 1)
    assert text != preset_text("successscore")
    p.model_path().write_text(text)
    p.run(as_of=p.latest_as_of())
    new = p.load_model().version
    assert new != old
    b = fresh.browser("viewer")
    data = b.get("/model?format=json").json()
    assert [v["version"] for v in data["versions"]][:2] == [new, old]
    shown = b.get(f"/model?format=json&diff={old[:12]}").json()["diff"]
    assert "-  - {name: red, below: 50, label: At risk}" in shown["text"]
    assert "+  - {name: red, below: 55, label: At risk}" in shown["text"]
    assert shown["impact"] is None
    impact = b.get(f"/model?format=json&diff={old[:12]}&impact=1").json()["diff"]["impact"]
    expected = p.diff(p.stored_model(old), p.load_model(), as_of=p.latest_as_of())
    assert impact["changed_band"] == expected.changed_band
    assert impact["transitions"] == expected.transitions
    html = b.get(f"/model?diff={old[:12]}&impact=1").text
    assert f'id="changed-band">{expected.changed_band}<' in html
    missing = b.get("/model?format=json&diff=zzzzzzzz").json()
    assert missing["diff"] is None
    assert "no stored model version" in missing["diff_problem"]


def test_runs_page_lists_runs_with_duration(book: Book) -> None:
    b = book.browser("viewer")
    runs = book.project.runs(100)
    data = b.get("/runs?format=json").json()
    assert [r["id"] for r in data["runs"]] == [r.id for r in runs]
    first = data["runs"][0]
    started = dt.datetime.fromisoformat(first["started_at"])
    finished = dt.datetime.fromisoformat(first["finished_at"])
    assert first["seconds"] == (finished - started).total_seconds()
    assert b.get("/runs?format=json&status=failed").json()["runs"] == []
    html = b.get("/runs").text
    for r in runs:
        assert f'id="run-{r.id}"' in html
    # a viewer may not start a run: no form, and a form sent anyway is refused
    assert 'action="/runs"' in html  # the filter
    assert 'method="post" action="/runs"' not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', b.get("/signin").text)
    r = b.post("/runs", data={"csrf_token": token.group(1) if token else ""})
    assert r.status_code == 403
    assert len(book.project.runs(100)) == len(runs)


def test_an_editor_scores_the_book_again(fresh: Book) -> None:
    b = fresh.browser("editor")
    before = fresh.project.runs(100)
    page = b.get("/runs").text
    assert 'method="post" action="/runs"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    r = b.post("/runs", data={"csrf_token": token.group(1), "back": "/accounts/acc_000001#why"})
    assert r.status_code == 303
    after = fresh.project.runs(100)
    assert len(after) == len(before) + 1
    assert after[0].trigger == "api"
    assert after[0].status == "ok"
    assert r.headers["location"] == f"/accounts/acc_000001?rescored={after[0].id}"
    # a form from elsewhere goes home, not to another site
    r = b.post("/runs", data={"csrf_token": token.group(1), "back": "//evil.example/x"})
    assert r.headers["location"].startswith("/runs?rescored=")
