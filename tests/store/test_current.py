"""The current scores a run keeps (store.current) are what score_history says, after runs,
backfills, re-runs of old dates, accounts no longer scored, a new model version and an
erasure; on DuckDB and on Postgres. And readers get right answers while a run writes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.rows import CurrentScore
from stethoscope.store import current
from stethoscope.store.database import Connection, dialect
from stethoscope.store.results import row_dicts
from tests.conftest import STORES, filled_project

END = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)


def expected(con: Connection) -> list[dict[str, Any]]:
    """Every account's current scores, computed from score_history as the API did before
    the table existed: the rows of the account's latest date per model version, and each
    score's change since the same score 7, 30 and 90 days before."""
    pg = dialect(con) == "postgres"

    def change(n: int) -> str:
        days = f"INTERVAL '{n} days'" if pg else f"INTERVAL {n} DAY"
        before = (
            "(SELECT p.score FROM score_history p WHERE p.model_version = h.model_version "
            "AND p.score_name = h.score_name AND p.account_id = h.account_id AND p.as_of = "
            f"h.as_of - {days})"
        )
        if pg:
            return f"CAST(round(CAST(h.score - {before} AS NUMERIC), 6) AS DOUBLE PRECISION)"
        return f"round(h.score - {before}, 6)"

    return row_dicts(
        con,
        f"SELECT {', '.join('h.' + c for c in current.COLUMNS[:-3])}, "
        f"{', '.join(f'{change(n)} AS change_{n}d' for n in current.TREND_DAYS)} "
        "FROM score_history h WHERE h.as_of = (SELECT max(l.as_of) FROM score_history l "
        "WHERE l.model_version = h.model_version AND l.account_id = h.account_id) "
        "ORDER BY h.model_version, h.account_id, h.score_name",
    )


def kept(con: Connection) -> list[dict[str, Any]]:
    return row_dicts(
        con,
        f"SELECT {', '.join(current.COLUMNS)} FROM current_scores "
        "ORDER BY model_version, account_id, score_name",
    )


def agrees(p: Project) -> int:
    want = expected(p.store.con)
    assert kept(p.store.con) == want
    return len(want)


def _demo(p: Project) -> None:
    p.load_demo(accounts=40, months=4, end=END, seed=3)


@pytest.fixture
def book(request: pytest.FixtureRequest, store: str, tmp_path: Path) -> Iterator[Project]:
    """The demo book on ``store`` (loaded once per store kind and copied), unscored."""
    p = filled_project(request, store, tmp_path, "current-demo", _demo)
    (tmp_path / "model.yaml").write_text(preset_text("successscore"))
    yield p
    p.close()


@pytest.fixture
def store() -> str:
    return "duckdb"


@pytest.mark.parametrize("store", STORES)
def test_current_scores_agree_with_the_history_through_a_projects_life(book: Project) -> None:
    p = book
    con = p.store.con
    p.run(as_of=END - 10 * DAY)
    assert agrees(p) > 40  # two scores per scored account
    p.run(as_of=END)
    agrees(p)
    # backfills of older dates: the current date's trends change with each
    for back in (7, 30, 90):
        p.run(as_of=END - back * DAY)
        agrees(p)
    latest = [r for r in kept(con) if r["as_of"] == END and r["score"] is not None]
    assert latest
    for n in current.TREND_DAYS:
        assert any(r[f"change_{n}d"] is not None for r in latest)
    # a re-run of a span of old dates, before the current date
    p.run(start=END - 12 * DAY, end=END - 8 * DAY)
    agrees(p)

    # an account that a re-run no longer scores on its current date falls back to its
    # older history
    victim = _scored_on(con, END)
    _not_a_customer_yet(con, victim)
    p.run(start=END - 1 * DAY, end=END)
    agrees(p)
    assert {r["as_of"] for r in kept(con) if r["account_id"] == victim} == {END - 7 * DAY}

    # a new model version keeps the old version's rows and adds its own
    old = p.load_model().version
    (p.settings.project_dir / "model.yaml").write_text(preset_text("four-signals"))
    p.run(as_of=END - 2 * DAY)
    agrees(p)
    new = p.load_model().version
    assert {r["model_version"] for r in kept(con)} == {old, new}
    account = _scored_on(con, END - 2 * DAY, new)
    assert [r.score_name for r in p.current_scores(account)] == ["health"]
    assert p.current_scores(account)[0].as_of == END - 2 * DAY
    # one that its only date no longer scores has no current scores under the version
    _not_a_customer_yet(con, account)
    p.run(as_of=END - 2 * DAY)
    agrees(p)
    assert p.current_scores(account) == []
    assert [r for r in kept(con) if r["account_id"] == account and r["model_version"] == old]

    # a failed run changes nothing
    before = kept(con)
    con.execute("ALTER TABLE events RENAME TO events_gone").fetchall()
    with pytest.raises(Exception, match="events"):
        p.run(as_of=END + DAY)
    con.execute("ALTER TABLE events_gone RENAME TO events").fetchall()
    assert kept(con) == before

    # forget erases an account's current scores with its history
    gone = _scored_on(con, END, old)
    p.forget(account_id=gone)
    agrees(p)
    assert not [r for r in kept(con) if r["account_id"] == gone]

    # rebuilding from the history gives the same rows
    current.rebuild(con)
    agrees(p)


def _scored_on(con: Connection, day: dt.date, version: str | None = None) -> str:
    """An account whose latest scores are of ``day`` (under ``version``, if given)."""
    row = con.execute(
        "SELECT min(account_id) FROM current_scores WHERE as_of = ? "
        "AND (CAST(? AS VARCHAR) IS NULL OR model_version = ?)",
        [day, version, version],
    ).fetchone()
    assert row
    assert row[0]
    return str(row[0])


def _not_a_customer_yet(con: Connection, account: str) -> None:
    """From now on the account is scored on no date of the tests."""
    con.execute(
        "UPDATE accounts SET customer_since = ? WHERE id = ?", [END + 30 * DAY, account]
    ).fetchall()


@pytest.mark.parametrize("store", STORES)
def test_readers_see_committed_scores_while_a_run_writes(book: Project) -> None:
    """Reads on other threads do not wait for a run and see the scores as they were
    before it, then after it, never half of it."""
    p = book
    # a backfill of two dates: the backfill's query is compiled and kept before the
    # readers start, so the run they read through spends its time writing, not compiling
    p.run(start=END - 2 * DAY, end=END - DAY)
    ids = [r["account_id"] for r in expected(p.store.con)][:20]
    before = {a: p.current_scores(a) for a in ids}
    stop = threading.Event()
    seen: list[tuple[str, list[CurrentScore]]] = []
    finished: list[float] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                for a in ids:
                    seen.append((a, p.current_scores(a)))
                    finished.append(time.monotonic())
        except BaseException as e:
            failures.append(e)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    started = time.monotonic()
    # a week of dates: three readers keep the run's thread waiting (a 21-day run took
    # 9.6 s among 8,640 reads), and one transaction of 7 dates is as whole as one of 21
    p.run(start=END - 6 * DAY, end=END)
    ended = time.monotonic()
    after = {a: p.current_scores(a) for a in ids}
    stop.set()
    for t in readers:
        t.join()
    assert not failures
    assert before != after
    # reads that waited for the run would all finish as it ends
    during = [t for t in finished if started < t < ended - 0.2 * (ended - started)]
    assert len(during) > 10, "reads waited for the run"
    assert all(rows in (before[a], after[a]) for a, rows in seen)
