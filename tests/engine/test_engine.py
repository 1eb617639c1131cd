"""The engine's guarantees: no leakage from after the as-of date, backfills equal single
runs, runs are atomic and versioned, compiled SQL is pinned. Each holds on both stores
(DuckDB and Postgres)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest

from stethoscope.engine.scoring import score_frame
from stethoscope.errors import DataError, EngineError, ModelError
from stethoscope.model.loader import load_model
from stethoscope.project import Project
from stethoscope.store import compiled
from stethoscope.store.database import PostgresConnection
from tests.conftest import STORES, golden_project
from tests.engine.test_golden import AS_OF, GOLDEN, load_golden

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture(params=STORES)
def golden(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with golden_project(request, request.param, tmp_path) as project:
        yield project


@pytest.fixture
def golden_duckdb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with golden_project(request, "duckdb", tmp_path) as project:
        yield project


def frame_rows(project: Project, as_of: dt.date) -> list[dict[str, Any]]:
    con = project.store.con
    backend = (
        con.ibis() if isinstance(con, PostgresConnection) else ibis.duckdb.from_connection(con)
    )
    f = score_frame(backend, project.load_model(), as_of)
    return f.order_by("account_id").to_pyarrow().to_pylist()  # type: ignore[no-any-return]


def test_data_after_the_as_of_date_never_changes_a_score(golden: Project, tmp_path: Path) -> None:
    before = frame_rows(golden, AS_OF)
    later = tmp_path / "later"
    later.mkdir()
    # the day after, and far after: events, answers, tickets, talks, goals, churn, inputs
    (later / "events.csv").write_text(
        "account_id,user_id,event,timestamp\n"
        "g1,u1,login,2024-07-01T00:00:00Z\ng3,u5,login,2024-07-01T00:00:00.000001Z\n"
        "g4,u7,export,2025-01-01T10:00:00Z\n"
    )
    (later / "surveys.csv").write_text(
        "account_id,kind,score,responded_at\ng2,nps,10,2024-07-01T00:00:00Z\n"
    )
    (later / "tickets.csv").write_text("id,account_id,opened_at\nt9,g1,2024-07-01T00:00:00Z\n")
    (later / "outcomes.csv").write_text(
        "account_id,kind,date,arr_change\ng1,churned,2024-07-01,-12000\n"
    )
    for table in ("events", "surveys", "tickets", "outcomes"):
        golden.import_file(table, later / f"{table}.csv")
    golden.store.con.execute(
        "INSERT INTO csm_inputs (id, account_id, name, value_number, author, reason, "
        "created_at) VALUES ('late', 'g4', 'gut_check', 1, 'x', 'y', '2024-07-01 00:00:00')"
    ).fetchall()
    assert frame_rows(golden, AS_OF) == before
    # ... while the day after sees them
    after = {r["account_id"]: r for r in frame_rows(golden, AS_OF + dt.timedelta(days=1))}
    assert "g1" not in after  # churned on 2024-07-01
    assert after["g2"]["m__nps"] == 10


def test_backfill_equals_single_runs(golden: Project) -> None:
    golden.run(start=AS_OF - dt.timedelta(days=5), end=AS_OF)
    backfilled = golden.scores(as_of=AS_OF - dt.timedelta(days=3))
    golden.run(as_of=AS_OF - dt.timedelta(days=3))
    assert golden.scores(as_of=AS_OF - dt.timedelta(days=3)) == backfilled
    # trends come from the stored history
    rows = {r.account_id: r for r in golden.scores(as_of=AS_OF)}
    assert rows["g1"].change_7d is None  # no score 7 days before
    golden.run(as_of=AS_OF - dt.timedelta(days=7))
    rows = {r.account_id: r for r in golden.scores(as_of=AS_OF)}
    past = {r.account_id: r for r in golden.scores(as_of=AS_OF - dt.timedelta(days=7))}
    assert rows["g1"].change_7d == pytest.approx(rows["g1"].score - past["g1"].score)
    # explain carries the same trend, and one per group score
    e = golden.explain("g1", as_of=AS_OF)
    assert e.trends["score"][7] == round(rows["g1"].score - past["g1"].score, 1)
    assert e.trends["score"][90] is None
    assert e.trends["adoption"][7] is not None


def test_a_failed_run_leaves_earlier_results_untouched(golden: Project) -> None:
    golden.run(as_of=AS_OF)
    before = golden.scores(as_of=AS_OF)
    # break the data under the engine: the next run fails part-way and must not write
    golden.store.con.execute("ALTER TABLE surveys RENAME TO surveys_gone").fetchall()
    with pytest.raises(EngineError, match="the run failed"):
        golden.run(start=AS_OF - dt.timedelta(days=1), end=AS_OF)
    golden.store.con.execute("ALTER TABLE surveys_gone RENAME TO surveys").fetchall()
    assert golden.scores(as_of=AS_OF) == before
    runs = golden.runs()
    assert runs[0].status == "failed"
    assert "surveys" in (runs[0].error or "")
    assert runs[1].status == "ok"


def test_model_versions_keep_their_own_history_and_diff(golden: Project, tmp_path: Path) -> None:
    golden.run(as_of=AS_OF)
    old = golden.load_model()
    old_scores = golden.scores(as_of=AS_OF)
    model_file = tmp_path / "model.yaml"
    (tmp_path / "old.yaml").write_text(model_file.read_text())
    # weigh support far more: g2 (3 open tickets) and g4 fall, g1 stays green
    model_file.write_text(
        model_file.read_text().replace(
            "standard: {engagement: 50, voice: 30, support: 20}",
            "standard: {engagement: 20, voice: 10, support: 70}",
        )
    )
    new = golden.load_model()
    assert new.version != old.version
    golden.run(as_of=AS_OF)
    assert golden.scores(as_of=AS_OF, model=tmp_path / "old.yaml") == old_scores
    assert golden.scores(as_of=AS_OF) != old_scores
    d = golden.diff(tmp_path / "old.yaml", as_of=AS_OF)
    # g4: 0.2 * 77.5 + 0.1 * 50 + 0.7 * 50 = 55.5 -> red (was 63.8 yellow)
    assert d.changed_band == 1
    assert d.into_band == {"red": 1, "yellow": -1}
    assert d.transitions["yellow"] == {"red": 1}
    top = d.movers[0]
    assert (top.account_id, top.score_old, top.score_new) == ("g4", 63.8, 55.5)


def test_explain_change_adds_up_to_the_change(golden: Project) -> None:
    golden.run(start=AS_OF - dt.timedelta(days=20), end=AS_OF)
    for account in ("g1", "g2", "g4"):
        c = golden.explain_change(account, vs=AS_OF - dt.timedelta(days=20), as_of=AS_OF)
        assert c.change is not None
        assert round(sum(line.change for line in c.lines), 1) == c.change


def test_inputs_count_until_they_expire_and_need_a_declared_name(golden: Project) -> None:
    with pytest.raises(DataError, match=r"^the model declares no input 'mood'"):
        golden.add_input("g3", "mood", "5", reason="r", author="ann")
    with pytest.raises(DataError, match=r"^input 'gut_check' must be from 0 to 10"):
        golden.add_input("g3", "gut_check", "11", reason="r", author="ann")
    with pytest.raises(DataError, match=r"^a reason is required"):
        golden.add_input("g3", "gut_check", "5", reason=" ", author="ann")
    with pytest.raises(DataError, match=r"^unknown account 'nope'"):
        golden.add_input("nope", "gut_check", "5", reason="r", author="ann")
    today = dt.datetime.now(dt.UTC).date()
    row = golden.add_input(
        "g3",
        "gut_check",
        "7",
        reason="kickoff went well",
        author="ann",
        expires=today + dt.timedelta(days=30),
    )
    assert (row["author"], row["reason"], row["value_number"]) == ("ann", "kickoff went well", 7.0)
    e = golden.explain("g3", as_of=today)
    assert golden._frame_row(golden.store.con, golden.load_model(), "g3", today)["m__gut"] == 7.0
    assert e.account_id == "g3"
    # after it expires it counts as missing, not as its old value
    later = today + dt.timedelta(days=30)
    assert golden._frame_row(golden.store.con, golden.load_model(), "g3", later)["m__gut"] is None
    golden.revoke_input(row["id"], by="bo", reason="wrong account")
    assert golden._frame_row(golden.store.con, golden.load_model(), "g3", today)["m__gut"] is None
    audit = golden.inputs("g3")
    assert audit[0]["revoked_by"] == "bo"
    assert audit[0]["revoke_reason"] == "wrong account"


def test_unknown_score_and_missing_model(golden: Project, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"^the model has no score 'nps'"):
        golden.scores(score="nps")
    (tmp_path / "model.yaml").unlink()
    with pytest.raises(ModelError, match=r"^no model file at"):
        golden.run()


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_compiled_sql_snapshot(golden_duckdb: Project, dialect: str) -> None:
    """The SQL the golden model compiles to, per dialect: a compiler change shows as a
    diff. Refresh with STETHOSCOPE_UPDATE_SNAPSHOTS=1 after checking the change."""
    backend = ibis.duckdb.from_connection(golden_duckdb.store.con)
    sql = (
        ibis.to_sql(score_frame(backend, load_model(GOLDEN / "model.yaml"), AS_OF), dialect=dialect)
        + "\n"
    )
    path = SNAPSHOTS / f"golden.{dialect}.sql"
    if os.environ.get("STETHOSCOPE_UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(sql)
    assert sql == path.read_text()


BIG_MODEL = """
name: big
metrics:
  arr: {attribute: arr}
  logins: {table: events, aggregate: count, window: 30d}
measures:
  size: {metric: arr, linear: [0, 100000]}
  use: {metric: logins, thresholds: [[0, 0], [1, 100]]}
scorecards:
  main: {size: 1, use: 1}
scores:
  health:
    segments:
      - {name: all, scorecard: main}
"""


def test_the_first_run_of_a_version_keeps_all_its_rows_past_one_row_group(
    tmp_path: Path,
) -> None:
    """DuckDB writes a large insert to disk before commit; rows written so into a table
    created in the same transaction cannot be read back before the commit. The first run
    of a model version (which creates its table) must still save every account's history."""
    n = 130_000  # more than one DuckDB row group (122,880 rows)
    (tmp_path / "model.yaml").write_text(BIG_MODEL)
    with Project.open(tmp_path) as p:
        p.store.con.execute(
            "INSERT INTO accounts (id, name, arr, customer_since) SELECT 'a' || range, "
            "'Account ' || range, range % 100000, DATE '2024-01-01' FROM range(?)",
            [n],
        )
        p.store.con.execute(
            "INSERT INTO events (account_id, event, timestamp, message_id) SELECT 'a' || range,"
            " 'login', TIMESTAMP '2024-06-20 10:00:00', 'm' || range FROM range(0, ?, 2)",
            [n],
        )
        summary = p.run(as_of=dt.date(2024, 6, 30))
        assert summary.accounts == n
        assert sum(summary.bands["health"].values()) == n
        history = p.store.con.execute(
            "SELECT count(*), count(score) FROM score_history WHERE run_id = ?", [summary.run_id]
        ).fetchone()
        assert history == (n, n)


def test_a_run_compiles_once_per_model_version_and_code(
    golden: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = golden.store.con
    golden.run(as_of=AS_OF)
    kept = con.execute("SELECT key, model_version, sql FROM compiled_queries").fetchall()
    assert [(k[1]) for k in kept] == [golden.load_model().version]
    # the date is a variable of the session, not a constant of the SQL
    if isinstance(con, PostgresConnection):
        assert "CURRENT_SETTING('stethoscope.as_of')" in kept[0][2]
    else:
        assert "GETVARIABLE('stethoscope_as_of')" in kept[0][2]
    assert "2024" not in kept[0][2]
    # a second run reads the kept SQL: the same key, no second entry
    golden.run(as_of=AS_OF - dt.timedelta(days=1))
    assert con.execute("SELECT key FROM compiled_queries").fetchall() == [(kept[0][0],)]
    # a kept query is what a fresh compile gives: same scores either way
    stored = con.execute(
        "SELECT account_id, score FROM score_history WHERE as_of = ? ORDER BY 1, 2", [AS_OF]
    ).fetchall()
    con.execute("DELETE FROM compiled_queries")
    # nor does this process remember it (store.compiled keeps what it compiled, for any store)
    assert compiled.recall(kept[0][0]) == kept[0][2]
    monkeypatch.setattr(compiled, "_SEEN", type(compiled._SEEN)())
    golden.run(as_of=AS_OF)
    assert (
        con.execute(
            "SELECT account_id, score FROM score_history WHERE as_of = ? ORDER BY 1, 2", [AS_OF]
        ).fetchall()
        == stored
    )


def test_another_store_runs_what_this_process_compiled(
    golden_duckdb: Project,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    golden_duckdb.run(as_of=AS_OF)
    folder = tmp_path_factory.mktemp("second")
    shutil.copy(GOLDEN / "model.yaml", folder / "model.yaml")
    with Project.open(folder) as second:
        load_golden(second)

        def no_compile(*args: object, **kwargs: object) -> None:
            raise AssertionError("compiled again")

        monkeypatch.setattr("stethoscope.engine.scoring.score_frame", no_compile)
        second.run(as_of=AS_OF)
        # and keeps it, for the next process on that store
        assert second.store.con.execute("SELECT count(*) FROM compiled_queries").fetchone() == (1,)
        scores = "SELECT account_id, score FROM score_history ORDER BY 1"
        assert (
            second.store.con.execute(scores).fetchall()
            == golden_duckdb.store.con.execute(scores).fetchall()
        )


TIES_MODEL = """
name: ties
metrics:
  days: {table: events, aggregate: active_days, window: 7d}
  tickets: {table: tickets, aggregate: count, window: 30d}
measures:
  usage: {metric: days, percentile: {within: all}}
  support: {metric: tickets, percentile: {within: all}, direction: lower}
scorecards:
  main: {usage: 1, support: 1}
scores:
  health:
    segments:
      - {name: all, scorecard: main}
"""


def test_accounts_tied_at_a_value_share_the_best_percentile_of_the_tie(tmp_path: Path) -> None:
    """Most accounts active every day of the week: each of them grades 100, not the rank of
    the first of them; with direction lower, the many accounts without a ticket all rank top."""
    (tmp_path / "model.yaml").write_text(TIES_MODEL)
    days = {"a": 7, "b": 7, "c": 7, "d": 3, "e": 1}
    tickets = {"a": 0, "b": 0, "c": 2, "d": 0, "e": 5}
    with Project.open(tmp_path) as p:
        con = p.store.con
        for acc in days:
            con.execute(
                "INSERT INTO accounts (id, name, customer_since) VALUES (?, ?, '2024-01-01')",
                [acc, acc],
            )
            con.execute(
                "INSERT INTO events (account_id, event, timestamp) SELECT ?, 'login', "
                "TIMESTAMP '2024-06-30 12:00:00' - INTERVAL (range) DAY FROM range(?)",
                [acc, days[acc]],
            )
            con.execute(
                "INSERT INTO tickets (id, account_id, opened_at) SELECT ? || range, ?, "
                "TIMESTAMP '2024-06-20 09:00:00' FROM range(?)",
                [acc, acc, tickets[acc]],
            )
        p.run(as_of=dt.date(2024, 6, 30))
        grades = {
            r["account_id"]: (r["g__usage"], r["g__support"])
            for r in frame_rows(p, dt.date(2024, 6, 30))
        }
    # usage: a, b, c tied at the top; d above e. support: a, b, d tied at 0 tickets (best)
    assert grades == {
        "a": (100.0, 100.0),
        "b": (100.0, 100.0),
        "c": (100.0, 25.0),
        "d": (25.0, 100.0),
        "e": (0.0, 0.0),
    }


def test_a_run_refuses_a_span_of_more_than_ten_years(golden: Project) -> None:
    with pytest.raises(EngineError, match="is more than 3,660 dates; a run scores at most 3,660"):
        golden.run(start=AS_OF - dt.timedelta(days=3660), end=AS_OF)
    assert golden.runs() == []


def test_a_book_spark_reads_in_place_is_not_computed_from_the_stores_copy(
    tmp_path: Path,
) -> None:
    """With tables read in place by Spark, the store's copies need not be the whole book:
    explaining a date no run stored, or a model diff, would compute wrong numbers from them
    without saying so, and are refused instead (nothing here starts Spark)."""
    shutil.copy(GOLDEN / "model.yaml", tmp_path / "model.yaml")
    (tmp_path / "stethoscope.toml").write_text(
        'compute = "spark"\nspark_tables = {events = "parquet:/lake/events"}\n'
    )
    with Project.open(tmp_path) as p:
        load_golden(p)
        with pytest.raises(DataError, match="events are read in place by Spark") as e:
            p.explain("g1", as_of=AS_OF)
        assert "explain a date a run stored" in (e.value.hint or "")
        with pytest.raises(DataError, match="a model diff computes from the store's tables"):
            p.diff(tmp_path / "model.yaml")
