"""A run whose process is killed mid-run (SIGKILL: no clean-up of any kind) does not stay
`running`: opening the store, or starting the next run, marks it failed as interrupted,
with the time it was found; a live run is never marked. On both stores, with a real
process."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stethoscope import runner
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from tests.conftest import STORES, open_project

END = dt.date(2025, 6, 30)
# a run that stops for good once it has scored its date, inside its transaction
MID_RUN = f"""
import sys, time
from datetime import date
from stethoscope.project import Project

def tick(phase, done, total):
    if phase == "scoring" and done == 1:
        print("mid-run", flush=True)
        time.sleep(120)

Project.open(sys.argv[1]).run(as_of=date({END.year}, {END.month}, {END.day}), progress=tick)
"""


def _book(request: pytest.FixtureRequest, store: str, folder: Path) -> Project:
    p = open_project(request, store, folder)
    p.model_path().write_text(preset_text("successscore"))
    p.load_demo(accounts=5, months=1, end=END)
    if store == "duckdb":
        # the model's query compiled and kept in the store, as any earlier run leaves it:
        # the process started mid-run reads it rather than importing Ibis and compiling
        # (2 s). Not on Postgres: there the next run, no longer compiling, can come before
        # the server has ended the killed process's session, whose run lock it still holds
        runner.frame_sql(p.store.con, p.load_model())
    return p


def _start_mid_run(folder: Path) -> subprocess.Popen[str]:
    """A process that runs and stops mid-run (its row is ``running``)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", MID_RUN, str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "mid-run\n", proc.communicate()
    return proc


def _kill(proc: subprocess.Popen[str]) -> dt.datetime:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _assert_interrupted(p: Project, pid: int, killed: dt.datetime) -> None:
    (run,) = [r for r in p.runs() if r.status != "ok"]
    assert run.status == "failed"
    assert run.error is not None
    assert run.error.startswith(
        f"interrupted: process {pid} on {socket.gethostname()} ended before the run finished"
    )
    assert run.finished_at is not None
    found = dt.datetime.fromisoformat(run.finished_at)
    assert killed - dt.timedelta(seconds=1) <= found <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert f"(found {found:%Y-%m-%d %H:%M:%S} UTC)" in run.error
    # nothing of the killed run was written
    assert p.store.con.execute("SELECT count(*) FROM score_history").fetchone() == (0,)


@pytest.mark.parametrize("store", STORES)
def test_a_killed_run_is_marked_interrupted_when_the_store_is_opened(
    request: pytest.FixtureRequest, store: str, tmp_path: Path
) -> None:
    _book(request, store, tmp_path).close()
    proc = _start_mid_run(tmp_path)
    killed = _kill(proc)
    with Project.open(tmp_path) as p:
        _assert_interrupted(p, proc.pid, killed)
        # a later run succeeds, and the interrupted one stays what it was
        p.run(as_of=END)
        statuses = sorted(r.status for r in p.runs())
        assert statuses == ["failed", "ok"]
        assert p.runs(status="running") == []


@pytest.mark.postgres
def test_a_live_run_is_left_alone_and_the_next_run_finds_it_dead(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with _book(request, "postgres", tmp_path) as p:
        proc = _start_mid_run(tmp_path)
        try:
            # the run is live (its session holds the run lock): opening the store leaves it
            with Project.open(tmp_path) as other:
                (live,) = other.runs()
                assert live.status == "running"
            assert p.runs()[0].status == "running"
        finally:
            killed = _kill(proc)
        # this project's store was opened before: its next run finds the dead one
        p.run(as_of=END)
        _assert_dead_then_ok(p, proc.pid, killed)


def _assert_dead_then_ok(p: Project, pid: int, killed: dt.datetime) -> None:
    ok, dead = p.runs()
    assert ok.status == "ok"
    assert dead.status == "failed"
    assert dead.error is not None
    assert dead.error.startswith(f"interrupted: process {pid} on ")
    assert dt.datetime.fromisoformat(dead.finished_at or "") >= killed - dt.timedelta(seconds=1)


def test_this_process_own_running_row_is_not_taken_for_dead(tmp_path: Path) -> None:
    """On DuckDB a row of this very process may be a run another thread is making: opening
    the store again in the same process leaves it."""
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(tmp_path) as p:
        p.store.con.execute(
            "INSERT INTO runs (id, model_version, as_of_from, as_of_to, started_at, status, "
            "trigger, host, pid) VALUES ('r1', 'v', ?, ?, now(), 'running', 'cli', ?, ?)",
            [END, END, socket.gethostname(), os.getpid()],
        )
    with Project.open(tmp_path) as p:
        assert [r.status for r in p.runs()] == ["running"]


# a process that holds the run lock and is killed in the middle of a long statement
IN_A_STATEMENT = """
import sys
from stethoscope.store.database import connect_postgres, run_lock

con = connect_postgres(sys.argv[1])
with run_lock(con):
    print("locked", flush=True)
    con.execute("SELECT pg_sleep(300)").fetchall()
"""


@pytest.mark.postgres
def test_a_run_killed_in_a_statement_frees_the_run_lock_within_seconds(
    new_postgres_database: Any,
) -> None:
    """The server notices within a second that the statement's process is gone
    (client_connection_check_interval): it stops the statement and frees the run lock,
    rather than scoring on for nobody while every next run is refused."""
    import time

    from stethoscope.errors import RunInProgressError
    from stethoscope.store.database import connect_postgres, run_lock

    url = new_postgres_database(empty=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", IN_A_STATEMENT, url], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "locked\n"
    con = connect_postgres(url)
    try:
        for _ in range(100):  # the statement has started
            active = con.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                "AND query LIKE 'SELECT pg_sleep(300)%'"
            ).fetchone()
            if active == (1,):
                break
            time.sleep(0.05)
        assert active == (1,)
        with pytest.raises(RunInProgressError), run_lock(con):
            pass
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        killed = time.monotonic()
        while True:
            try:
                with run_lock(con):
                    break
            except RunInProgressError:
                assert time.monotonic() - killed < 10, "the killed statement still holds it"
                time.sleep(0.1)
        assert con.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(300)%'"
        ).fetchone() == (0,)
    finally:
        proc.kill()
        proc.communicate()
        con.close()
