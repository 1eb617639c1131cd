"""Runs computed on Spark (compute = "spark") store exactly what the store computes itself.

One local Spark session for the run (tests/conftest.py ``spark_session``) and one small demo
book with CSM inputs, copied into two projects that differ only in ``compute``: every
preset, the golden book and a book of rounding ties score alike, every stored column equal
(the frame's metric values and ages, grades, group scores, weights and contributions; the
history's scores, bands, coverage, segments and scorecards; the current scores). A run
interrupted mid-way publishes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.errors import DataError, EngineError
from stethoscope.model.presets import list_presets, preset_text
from stethoscope.project import Project
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import TEST_JVM, open_project
from tests.engine.test_golden import AS_OF, GOLDEN, load_golden
from tests.engine.test_rounding import ACCOUNTS as TIE_ACCOUNTS
from tests.engine.test_rounding import MODEL as TIE_MODEL

pytestmark = [pytest.mark.spark, pytest.mark.slow]

END = dt.date(2025, 6, 30)
SPARK = 'compute = "spark"\nspark_master = "local[2]"\n'
# the demo book's contract tables that Spark reads in place (the CSM inputs and account
# versions still travel from the store each run)
MAPPED = (
    "accounts",
    "contacts",
    "events",
    "goals",
    "outcomes",
    "subscriptions",
    "surveys",
    "tickets",
    "touchpoints",
)


def pair(store: Path, root: Path, name: str) -> dict[str, Project]:
    """Two projects on copies of the store file ``store``: one computing in the store, one
    on Spark (the test run's session: same master)."""
    out = {}
    for compute in ("store", "spark"):
        folder = root / f"{name}-{compute}"
        folder.mkdir()
        shutil.copyfile(store, folder / "stethoscope.duckdb")
        extra = SPARK if compute == "spark" else ""
        (folder / "stethoscope.toml").write_text(f'database_url = "stethoscope.duckdb"\n{extra}')
        out[compute] = Project.open(folder)
    return out


@pytest.fixture(scope="module")
def demo(
    spark_session: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Project]]:
    """The demo book with gut checks that CSMs entered, computed in the store and on Spark."""
    folder = tmp_path_factory.mktemp("book")
    with Project.open(folder) as p:
        p.load_demo(accounts=80, months=6, end=END, seed=7)
        (folder / "model.yaml").write_text(preset_text("successscore"))
        for i, r in enumerate(p.accounts(limit=6).items):
            p.add_input(r.id, "gut_check", str(i * 2), reason="checked", author="t")
        # entered before the dates scored, so that they count
        p.store.con.execute(
            "UPDATE csm_inputs SET created_at = ?", [dt.datetime(2025, 6, 1, 9, 30)]
        ).fetchall()
        # the book's tables as views of the session, registered once for every test
        # (copied from the store per run, they cost seconds a run): mapped in
        # spark_tables, they are read in place, as a lakehouse's tables are
        from stethoscope.compute.spark import _store_rows

        for table in MAPPED:
            df = spark_session.createDataFrame(_store_rows(p.store.con, table)).cache()
            df.createOrReplaceTempView(f"demo_{table}")
    projects = pair(folder / "stethoscope.duckdb", tmp_path_factory.mktemp("demo"), "demo")
    mapped = ", ".join(f'{t} = "demo_{t}"' for t in MAPPED)
    with projects["spark"] as p:  # reopened with the tables mapped
        toml = p.settings.project_dir / "stethoscope.toml"
        toml.write_text(f"{toml.read_text()}spark_tables = {{{mapped}}}\n")
    projects["spark"] = Project.open(p.settings.project_dir)
    yield projects
    for name in MAPPED:
        spark_session.catalog.dropTempView(f"demo_{name}")
    for p in projects.values():
        p.close()


def stored(p: Project, dates: tuple[dt.date, ...]) -> dict[str, list[dict[str, Any]]]:
    """Every row a run stored for ``dates`` under the current model, but the run's id."""
    model = p.load_model()
    con = p.store.con
    marks = ", ".join("?" * len(dates))
    tables = {
        "detail": f'SELECT * FROM "{detail_table(model.version)}" WHERE as_of IN ({marks}) '
        "ORDER BY as_of, account_id",
        "history": f"SELECT * FROM score_history WHERE model_version = ? AND as_of IN ({marks}) "
        "ORDER BY as_of, account_id, score_name",
        "current": "SELECT * FROM current_scores WHERE model_version = ? "
        "ORDER BY account_id, score_name",
    }
    out = {}
    for name, sql in tables.items():
        params: list[Any] = [*dates] if name == "detail" else [model.version, *dates]
        params = params[: sql.count("?")]
        rows = row_dicts(con, sql, params)
        out[name] = [{k: v for k, v in r.items() if k != "run_id"} for r in rows]
    return out


def score_both(projects: dict[str, Project], model: str, dates: tuple[dt.date, ...]) -> None:
    """Score ``dates`` with ``model`` on both projects, and compare all they stored."""
    got = {}
    for compute, p in projects.items():
        p.model_path().write_text(model)
        p.run(start=dates[0], end=dates[-1])
        got[compute] = stored(p, dates)
    store, spark = got["store"], got["spark"]
    assert len(store["detail"]) > 0
    for table in ("detail", "history", "current"):
        assert len(spark[table]) == len(store[table]), table
        for a, b in zip(store[table], spark[table], strict=True):
            assert b == a, (table, a.get("account_id"), {k for k in a if a[k] != b.get(k)})


def test_a_backtest_on_spark_observes_what_the_store_observes(demo: dict[str, Project]) -> None:
    """Two observation dates: the backtest's frames are computed on Spark (its rows staged
    there as a backfill's are) and only the columns it keeps come back; its figures and
    every observation (score, band, grades, group scores, label) equal the store's."""
    got = {}
    for compute, p in demo.items():
        p.model_path().write_text(preset_text("successscore"))
        b = p.backtest(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31), every=30, horizon=60)
        got[compute] = {k: v for k, v in b.to_json().items() if k not in ("seconds", "model")}
    assert len(got["store"]["rows"]["account_id"]) > 80  # two dates of the book
    assert got["store"]["rows"]["grades"]
    assert got["spark"] == got["store"]


@pytest.mark.parametrize("preset", [p for p in list_presets() if p != "successscore"])
def test_a_preset_scores_the_demo_book_on_spark_as_in_the_store(
    demo: dict[str, Project], preset: str
) -> None:
    score_both(demo, preset_text(preset), (END,))


def test_a_backfill_on_spark_stores_what_the_store_computes(demo: dict[str, Project]) -> None:
    """successscore reads the CSM inputs (which travel to Spark per run) and decays; its
    backfill stages the rows of its dates as Spark's cached tables."""
    score_both(demo, preset_text("successscore"), (END - dt.timedelta(days=1), END))
    detail = stored(demo["spark"], (END,))["detail"]
    assert any(r["m__gut_check"] is not None for r in detail)  # the inputs were read


@pytest.mark.postgres
def test_the_golden_book_on_spark_stores_in_postgres_what_duckdb_computes(
    spark_session: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The golden book (scored by hand) on Spark: its tables travel from a Postgres store
    (JSONB as text), and the frames come back into it by COPY; every stored row equals
    DuckDB's own run. (The DuckDB store's travel to Spark is the demo book's tests.)"""
    (tmp_path / "duck").mkdir()
    (tmp_path / "pg").mkdir()
    got = {}
    for name, store in (("duck", "duckdb"), ("pg", "postgres")):
        with open_project(request, store, tmp_path / name) as p:
            load_golden(p)
            p.model_path().write_text((GOLDEN / "model.yaml").read_text())
        if store == "postgres":
            toml = tmp_path / name / "stethoscope.toml"
            toml.write_text(toml.read_text() + SPARK)
        with Project.open(tmp_path / name) as p:
            p.run(as_of=AS_OF)
            got[name] = stored(p, (AS_OF,))
    assert got["pg"]["detail"]
    assert got["pg"] == got["duck"]


@pytest.fixture(scope="module")
def ties_book(spark_session: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store file of a two-account book whose scores land on rounding ties, with the
    ties model: the cheapest book to score on Spark."""
    folder = tmp_path_factory.mktemp("ties")
    (folder / "accounts.csv").write_text(TIE_ACCOUNTS)
    with Project.open(folder) as p:
        p.import_file("accounts", folder / "accounts.csv")
        p.model_path().write_text(TIE_MODEL)
    return folder / "stethoscope.duckdb"


@pytest.fixture(scope="module")
def ties(ties_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Project]]:
    projects = pair(ties_book, tmp_path_factory.mktemp("ties-pair"), "ties")
    yield projects
    for p in projects.values():
        p.close()


def test_rounding_ties_round_alike_on_spark(ties: dict[str, Project]) -> None:
    score_both(ties, TIE_MODEL, (END,))
    got = {r.account_id: (r.score, r.band) for r in ties["spark"].scores(as_of=END)}
    assert got["tie_up"] == (8.4, "green")  # 8.35, held as 8.3499999999999996
    assert got["tie_small"] == (0.9, "red")


def test_a_run_interrupted_on_spark_publishes_nothing(ties: dict[str, Project]) -> None:
    p = ties["spark"]
    p.model_path().write_text(TIE_MODEL)
    p.run(as_of=END)  # scores the run must leave as they are
    dates = (END - dt.timedelta(days=4), END - dt.timedelta(days=3))
    before = stored(p, dates)

    def stop(step: str, done: int, total: int) -> None:
        if step == "scoring" and done == 1:  # the first date is in the transaction
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        p.run(start=dates[0], end=dates[1], progress=stop)
    assert stored(p, dates) == before
    assert before["history"] == []  # these dates were never scored
    failed = p.runs(limit=1)[0]
    assert (failed.status, failed.error) == ("failed", "KeyboardInterrupt: ")
    # nothing of the run is left in the session: the next run starts clean
    # (SHOW TABLES: the catalog's listTables fails on the demo book's cached views)
    from stethoscope.compute.spark import _collecting

    with _collecting():
        views = p._compute_engine().spark.sql("SHOW TABLES").collect()  # type: ignore[union-attr]
    assert [r.tableName for r in views if not r.tableName.startswith("demo_")] == []


def test_a_run_on_spark_killed_mid_way_leaves_no_trace(ties_book: Path, tmp_path: Path) -> None:
    """`stethoscope run` over two dates in a process of its own (its own Spark session,
    a JVM child), SIGKILLed once its progress shows the first date scored: no history,
    detail or current score of it is left, the run is marked interrupted when the store
    is opened again, its JVM went with it, and the next run succeeds."""
    folder = tmp_path / "killed"
    folder.mkdir()
    shutil.copyfile(ties_book, folder / "stethoscope.duckdb")
    (folder / "model.yaml").write_text(TIE_MODEL)
    (folder / "stethoscope.toml").write_text(
        'database_url = "stethoscope.duckdb"\ncompute = "spark"\nspark_master = "local[1]"\n'
        f'spark_conf = {{"spark.driver.extraJavaOptions" = "{TEST_JVM}"}}\n'
    )
    first, last = END - dt.timedelta(days=1), END
    proc, jvms = _run_until_first_date(folder, first, last)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL  # killed before it could finish
    _gone(jvms)  # the session's JVM ends when its Python process does
    with Project.open(folder) as p:
        (run,) = p.runs()
        assert run.status == "failed"
        assert (run.error or "").startswith(f"interrupted: process {proc.pid} ")
        model = p.load_model()
        con = p.store.con
        for table in ("score_history", "current_scores", detail_table(model.version)):
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (0,), table
    # the next run (on this test run's session) stores the dates
    (folder / "stethoscope.toml").write_text(f'database_url = "stethoscope.duckdb"\n{SPARK}')
    with Project.open(folder) as p:
        p.run(start=first, end=last)
        assert [r.status for r in p.runs()] == ["ok", "failed"]
        accounts = len(TIE_ACCOUNTS.splitlines()) - 1
        assert len(stored(p, (first, last))["history"]) == accounts * 2  # two dates


def _run_until_first_date(
    folder: Path, first: dt.date, last: dt.date
) -> tuple[subprocess.Popen[bytes], list[int]]:
    """`stethoscope run --from first --to last` in ``folder`` on a terminal (so that it
    draws its progress), once its progress shows the first date scored; with the pids of
    its children (the JVM)."""
    import pty
    import select

    main, term = pty.openpty()
    cmd = [sys.executable, "-m", "stethoscope", "run", "--from", str(first), "--to", str(last)]
    proc = subprocess.Popen(
        cmd,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=term,
        stderr=term,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(term)
    seen = b""
    try:
        while b"1/2" not in seen:
            ready, _, _ = select.select([main], [], [], 120)
            assert ready, f"no progress in 120 s: {seen[-500:]!r}"
            seen += os.read(main, 4096)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        os.close(main)
    return proc, [int(c) for c in children]


def _gone(pids: list[int]) -> None:
    import time

    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    for pid in left:  # not to leave it running whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert left == [], "the killed run's JVM outlived it"


def test_a_backfill_keeps_its_detail_in_the_lakehouse_and_publishes_once(
    ties: dict[str, Project], ties_book: Path, tmp_path: Path
) -> None:
    """spark_detail_path: each date's frame is a Parquet partition run_id=R/as_of=D; the
    store holds the history, current scores and the last date's detail, equal to the
    store's own backfill, and the run records the folder. A run that fails after writing
    a partition publishes nothing and leaves no partition. Forgetting an account rewrites
    the partitions' files without its rows, files that Spark still reads."""
    lake = tmp_path / "lake"
    (tmp_path / "p").mkdir()
    shutil.copyfile(ties_book, tmp_path / "p" / "stethoscope.duckdb")
    toml = f'database_url = "stethoscope.duckdb"\n{SPARK}spark_detail_path = "parquet:{lake}"\n'
    (tmp_path / "p" / "stethoscope.toml").write_text(toml)
    dates = (END - dt.timedelta(days=1), END)
    ties["store"].model_path().write_text(TIE_MODEL)
    ties["store"].run(start=dates[0], end=dates[-1])
    want = stored(ties["store"], dates)
    with Project.open(tmp_path / "p") as p:
        p.model_path().write_text(TIE_MODEL)

        def stop(step: str, done: int, total: int) -> None:
            if step == "scoring" and done == 1:  # a partition written
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            p.run(start=dates[0], end=dates[-1], progress=stop)
        assert list(lake.iterdir()) == []  # the failed run's partitions were removed
        assert stored(p, dates)["history"] == []
        summary = p.run(start=dates[0], end=dates[-1])
        got = stored(p, dates)
        (location,) = p.store.con.execute(
            "SELECT detail_location FROM runs WHERE id = ?", [summary.run_id]
        ).fetchone()
        with pytest.raises(DataError, match=rf"^the detail of {dates[0]} is in the lakehouse"):
            p.explain("tie_up", as_of=dates[0])
        assert p.explain("tie_up", as_of=END)  # the last date's detail is in the store
        assert location == f"{lake}/run_id={summary.run_id}"
        assert sorted(x.name for x in Path(location).iterdir()) == [f"as_of={d}" for d in dates]
        assert got["history"] == want["history"]
        assert got["current"] == want["current"]
        assert got["detail"] == [r for r in want["detail"] if r["as_of"] == END]
        assert _lake_rows(location) == [{**r, "as_of": str(r["as_of"])} for r in want["detail"]]

        erased = p.forget(account_id="tie_up", actor="t")
        left = [r for r in want["detail"] if r["account_id"] != "tie_up"]
        assert len(left) < len(want["detail"])
        assert _lake_rows(location) == [{**r, "as_of": str(r["as_of"])} for r in left]
        assert erased.deleted["score_detail (lakehouse)"] == len(want["detail"]) - len(left)
        assert not [f for f in Path(location).rglob("*") if f.name.startswith(".forget")]
        spark = p._compute_engine().spark  # type: ignore[union-attr]
        from stethoscope.compute.spark import _collecting

        with _collecting():  # every column read back
            read = spark.read.parquet(location).collect()
        assert sorted((r.account_id, str(r.as_of)) for r in read) == sorted(
            (r["account_id"], str(r["as_of"])) for r in left
        )
        again = p.forget(account_id="tie_up", actor="t")
        assert "score_detail (lakehouse)" not in again.deleted


def _lake_rows(location: str) -> list[dict[str, Any]]:
    """The rows of a run's lakehouse detail (as_of from the partition's name), by date and
    account, without the run's id."""
    import pyarrow.dataset as ds

    rows = ds.dataset(location, format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(
        ({k: _plain(v) for k, v in r.items() if k != "run_id"} for r in rows),
        key=lambda r: (r["as_of"], r["account_id"]),
    )


def _plain(v: Any) -> Any:
    from decimal import Decimal

    return float(v) if isinstance(v, Decimal) else v


def test_a_mapped_table_that_is_no_table_or_path_is_refused(tmp_path: Path) -> None:
    from stethoscope.compute.spark import mapped_source
    from stethoscope.errors import ConfigError

    assert mapped_source("events", "lake.events") == ("table", "lake.events")
    assert mapped_source("events", "parquet:/data/events") == ("parquet", "/data/events")
    with pytest.raises(ConfigError, match=r"^spark_tables.events: expected a catalog table"):
        mapped_source("events", "events; DROP TABLE x")


def test_spark_without_java_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from stethoscope.compute.spark import session
    from stethoscope.settings import Settings

    pytest.importorskip("pyspark")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError, match=r"needs Java 17"):
        session(Settings(project_dir=tmp_path, compute="spark", spark_master="local[1]"))
