"""Saving an input scores that account again at once (stethoscope.rescore), and the number
is the one a run of the whole book gives it: the same detail row (every measure, weight and
contribution), the same history and current scores, under a model that ranks accounts
within their segment. The rest of the book keeps its scores until the next run. On both
stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope import clock
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.store.results import detail_table
from tests.conftest import STORES, open_project


@pytest.fixture(params=STORES, scope="module")
def scored(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    """A small demo book under four-signals (percentile and tertile grading within the
    segment, a gut-check input), scored as of today."""
    folder = tmp_path_factory.mktemp("rescore")
    with open_project(request, request.param, folder) as p:
        p.model_path().write_text(preset_text("four-signals"))
        p.load_demo(accounts=60, months=3, end=clock.today())
        p.run(as_of=clock.today())
        yield p


def _rows(p: Project, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = p.store.con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _stored(p: Project, account: str) -> dict[str, Any]:
    """The account's stored scores of today: detail row, history, current (no run ids)."""
    version = p.load_model().version
    today = clock.today()
    detail = _rows(
        p,
        f'SELECT * FROM "{detail_table(version)}" WHERE account_id = ? AND as_of = ?',
        [account, today],
    )
    history = _rows(
        p,
        "SELECT * FROM score_history WHERE account_id = ? AND as_of = ? ORDER BY score_name",
        [account, today],
    )
    now = _rows(p, "SELECT * FROM current_scores WHERE account_id = ?", [account])
    for r in [*detail, *history]:
        r.pop("run_id")
    return {"detail": detail, "history": history, "current": now}


def test_an_input_rescores_its_account_at_once_as_a_full_run_would(scored: Project) -> None:
    p = scored
    book = p.scores(sort="arr", descending=True)
    account = book[0].account_id
    before = {r.account_id: r.score for r in book}
    runs = len(p.runs())

    row = p.add_input(account, "gut_check", "0", reason="sponsor left", author="ann", rescore=True)
    done = row["rescored"]
    assert (done.not_now, done.as_of, done.before["health"]) == (
        None,
        clock.today().isoformat(),
        before[account],
    )
    assert done.scores["health"] != before[account]  # the gut check counts now
    # the page reads it at once; the rest of the book keeps the last run's scores
    after = {r.account_id: r.score for r in p.scores()}
    assert after == before | {account: done.scores["health"]}
    [one] = p.runs(1)
    assert (len(p.runs()), one.accounts, one.status) == (runs + 1, 1, "ok")
    rescored = _stored(p, account)

    # a run of the whole book gives the account exactly what scoring it alone did
    p.run(as_of=clock.today())
    assert _stored(p, account) == rescored
    assert p.scores(limit=1000, sort="score")[0].score is not None


def test_not_now_says_why(scored: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    account = scored.scores(limit=1)[0].account_id
    today = clock.today()
    # tomorrow, the book was last scored yesterday: an input of today does not count there
    later = clock.now() + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    done = scored.score_account(account)
    assert (done.run_id, done.not_now) == (
        None,
        f"the book was last scored as of {today}; what was entered today counts from the next run",
    )
    monkeypatch.undo()
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(tmp_path) as empty:
        empty.model_path().write_text(preset_text("four-signals"))
        assert empty.score_account("a1").not_now == "the book has not been scored yet"
