"""A backtest started from the dashboard while the server serves: only an editor or admin
may start it; it runs in the background on a read snapshot, so a scoring run and the pages
go on while it is in progress (held there by the test); its progress shows on the Model
page, and once done its headline in words on the Model page and the Portfolio, with the
churn forecast fitted on it. Before the first, the backtest page keeps the site's frame."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest

from stethoscope.backtest import replay
from tests.web.conftest import END, Book


def _join_job() -> None:
    for t in threading.enumerate():
        if t.name == "stethoscope-backtest":
            t.join()


def test_a_backtest_from_the_dashboard(fresh: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    p = fresh.project
    viewer, editor = fresh.browser("viewer"), fresh.browser("editor")
    # nothing yet: the page keeps the site's frame and says what to do
    none = viewer.get("/model/backtest")
    assert none.status_code == 404
    assert 'class="skip"' in none.text or "<nav" in none.text
    assert "An editor or an admin can start one" in none.text
    assert 'id="start-backtest"' in editor.get("/model/backtest").text
    assert "No forecast yet" in viewer.get("/").text
    # a viewer may not start one
    token = re.search(r'name="csrf_token" value="([^"]+)"', viewer.get("/model").text)
    assert token
    r = viewer.post("/model/backtest/run", data={"csrf_token": token.group(1)})
    assert r.status_code == 403
    assert p.backtest_job() is None

    # the backtest holds its snapshot open while a run scores and pages answer
    held, release = threading.Event(), threading.Event()
    summarize = replay.summary.summarize

    def slow(*args: Any, **kwargs: Any) -> Any:
        held.set()
        assert release.wait(60)
        return summarize(*args, **kwargs)

    monkeypatch.setattr(replay.summary, "summarize", slow)
    job = p.start_backtest(actor="user:ed", every=7, horizon=30)
    assert job.status == "running"
    assert held.wait(60)
    running = editor.get("/model").text
    assert 'id="backtest-job"' in running
    assert "is running: scoring dates" in running
    assert 'id="start-backtest"' not in running  # one at a time
    summary = p.run(as_of=END + dt.timedelta(days=1))  # not blocked by the backtest
    assert summary.accounts > 0
    assert viewer.get("/").status_code == 200
    release.set()
    _join_job()
    done = p.backtest_job()
    assert done is not None
    assert (done.status, done.error) == ("done", None)

    # its headline in words, on the Model page and the Portfolio
    report = p.latest_backtest()
    assert report is not None
    assert report["settings"]["to"] <= END.isoformat()  # the snapshot, before the run
    worst = report["bands"][0]
    words = f"{worst['band']} accounts churned {worst['churn_rate'] * 100:.1f}% within 30 days"
    model = viewer.get("/model").text
    assert words in model.replace("Red accounts", "red accounts")
    auc = report["auc"]
    assert ("no account churned, so no AUC yet" if auc is None else f"AUC {auc:.2f}") in model
    portfolio = viewer.get("/").text
    assert f"In the latest backtest, {words}" in portfolio
    assert viewer.get("/model/backtest").status_code == 200
    forecast = p.latest_forecast()
    if forecast is not None:  # fitted when the backtest saw churn
        assert 'id="forecast-words"' in portfolio
