"""The storage decision: a CLI command and a running server share a project without a
raw lock error ever reaching the user (docs/concepts/storage.md)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from stethoscope.store.lease import lease_path, read_lease
from tests.conftest import ACCOUNTS_CSV, cli, run_cli
from tests.serving import Serving

HOLD = """
import select, sys
from stethoscope.project import Project
p = Project.open(sys.argv[1])
p.store
print("ready", flush=True)
# keep the file until told to let go (a line on stdin), or for at most argv[2] seconds
select.select([sys.stdin], [], [], float(sys.argv[2]))
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
    return tmp_path


def hold(folder: Path, seconds: float = 60) -> subprocess.Popen[str]:
    """Another process that opens the project's database and keeps it until released."""
    p = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "ready"
    return p


def release(holder: subprocess.Popen[str]) -> None:
    holder.communicate("go\n", timeout=10)
    assert holder.returncode == 0


def wait_for_line(stream: IO[str] | None, text: str) -> str:
    """Read ``stream`` until a line holding ``text`` (a process telling it is waiting)."""
    assert stream is not None
    seen = ""
    while line := stream.readline():
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"no line with {text!r} in {seen!r}")


@pytest.fixture
def server(folder: Path) -> Iterator[subprocess.Popen[str]]:
    with Serving(folder) as s:
        yield s.process


def test_cli_waits_for_another_process_then_proceeds(folder: Path) -> None:
    holder = hold(folder)
    waiting = subprocess.Popen(
        [sys.executable, "-m", "stethoscope", "import", "accounts", "accounts.csv"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # the command waits, and tells the user who holds the file (not DuckDB's lock error)
    said = wait_for_line(waiting.stderr, "waiting:")
    release(holder)
    out, err = waiting.communicate(timeout=60)
    err = said + err
    assert waiting.returncode == 0, err
    assert "Imported 2 of 2 rows into accounts" in out
    assert "in use by `python -c ...`" in err
    assert f"(PID {holder.pid})" in err
    assert "IO Error" not in err
    assert "Traceback" not in err


def test_cli_gives_up_after_lock_timeout_with_a_clear_error(folder: Path) -> None:
    holder = hold(folder, 30)
    try:
        r = run_cli("status", cwd=folder, env={"STETHOSCOPE_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.communicate()
    assert r.returncode == 1
    assert "Error: the database" in r.stderr
    assert f"(PID {holder.pid})" in r.stderr
    assert "Hint: waited 1 s" in r.stderr
    assert "Traceback" not in r.stderr
    assert "IO Error" not in r.stderr


def test_cli_goes_through_a_running_server(folder: Path, server: subprocess.Popen[str]) -> None:
    r = cli("import", "accounts", "accounts.csv", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert "Imported 2 of 2 rows into accounts" in r.stdout
    r = cli("status", cwd=folder)
    assert r.returncode == 0, r.stderr
    lease = read_lease(folder / "stethoscope.duckdb")
    assert lease is not None
    assert f"Served by {lease.url}" in r.stdout
    assert "│ accounts      │    2 │" in r.stdout
    # the server's read model: none without a model file, then renewed after the import
    assert "In memory" in r.stdout
    deadline = time.monotonic() + 30
    while "In memory nothing: no model file at" not in (r := cli("status", cwd=folder)).stdout:
        assert time.monotonic() < deadline, r.stdout
    r = cli("init", "--preset", "four-signals", cwd=folder)
    assert r.returncode == 0, r.stderr
    while "In memory 2 accounts" not in (r := cli("status", cwd=folder)).stdout:
        assert time.monotonic() < deadline + 30, r.stdout
    # errors come back as the same message a local import gives, and exit 1
    (folder / "e.csv").write_text("account_id,event,timestamp\na1,x,2024-05-01\nzz,x,2024-05-01\n")
    r = cli("import", "events", "e.csv", cwd=folder)
    assert r.returncode == 1
    assert "e.csv row 3  account_id: unknown account 'zz'" in r.stderr
    r = cli("import", "events", "e.csv", "--skip-bad", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert (folder / "e.rejects.csv").read_text().splitlines()[1].startswith('3,"zz",')


def test_demo_goes_through_a_running_server(folder: Path, server: subprocess.Popen[str]) -> None:
    r = cli("demo", "--accounts", "30", "--months", "3", "--end", "2025-06-30", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert re.search(r"│ accounts +│ +30 │", r.stdout), r.stdout
    # the store now holds data: a second demo needs --force, and says so through the server
    r = cli("demo", "--accounts", "30", "--months", "3", cwd=folder)
    assert r.returncode == 1
    assert "pass --force to replace it" in r.stderr


def test_server_requires_its_token(folder: Path, server: subprocess.Popen[str]) -> None:
    lease = read_lease(folder / "stethoscope.duckdb")
    assert lease is not None
    assert httpx.get(f"{lease.url}/healthz").json() == {"ok": True}
    r = httpx.get(f"{lease.url}/api/status")
    assert r.status_code == 401
    assert r.json()["ok"] is False
    assert r.json()["error"] == "a credential is required"
    r = httpx.get(f"{lease.url}/api/status", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    # the lease holds a secret: only its owner may read it
    assert oct(lease_path(folder / "stethoscope.duckdb").stat().st_mode & 0o777) == "0o600"


def test_server_started_while_cli_holds_the_file_waits_for_it(folder: Path) -> None:
    holder = hold(folder)
    p = subprocess.Popen(
        [sys.executable, "-m", "stethoscope", "serve", "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = wait_for_line(p.stderr, "waiting:")
        assert read_lease(folder / "stethoscope.duckdb") is None  # no lease while waiting
        release(holder)
        deadline = time.monotonic() + 30
        while read_lease(folder / "stethoscope.duckdb") is None:
            assert p.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=15)
    err = said + err
    assert "waiting: the database" in err
    assert f"(PID {holder.pid})" in err
    assert "Stethoscope serving" in err, (p.returncode, out, err)
    # a clean stop takes its lease away
    assert not lease_path(folder / "stethoscope.duckdb").exists()


def test_stale_lease_of_a_dead_server_is_ignored(folder: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lease_path(folder / "stethoscope.duckdb").write_text(
        json.dumps(
            {
                "pid": dead.pid,
                "url": "http://127.0.0.1:9",
                "token": "x",
                "database": str(folder / "stethoscope.duckdb"),
                "started_at": "2026-01-01T00:00:00",
            }
        )
    )
    r = cli("import", "accounts", "accounts.csv", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert os.path.exists(folder / "stethoscope.duckdb")


def test_scoring_commands_go_through_a_running_server(tmp_path: Path) -> None:
    from stethoscope.model.presets import preset_text

    # no schedule: the test's own runs are the only ones
    (tmp_path / "stethoscope.toml").write_text('database_url = "s.duckdb"\nschedule = ""\n')
    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    (tmp_path / "other.yaml").write_text(preset_text("dear"))
    with Serving(tmp_path, "s.duckdb"):
        ok = cli("validate", cwd=tmp_path)
        assert ok.returncode == 0, ok.stderr
        r = cli("demo", "--accounts", "40", "--months", "4", "--end", "2025-06-30", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        r = cli("run", "--from", "2025-06-20", "--to", "2025-06-30", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "scored 40 accounts as of 2025-06-20 to 2025-06-30 (11 days)" in r.stdout
        r = cli("scores", "--format", "json", "--as-of", "2025-06-30", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        rows = json.loads(r.stdout)
        assert rows
        assert {"account_id", "score", "band", "change_7d"} <= set(rows[0])
        one = rows[0]["account_id"]
        r = cli("explain", one, "--as-of", "2025-06-30", "--format", "json", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        e = json.loads(r.stdout)
        assert e["score"] == rows[0]["score"]
        r = cli("explain", one, "--vs", "2025-06-20", "--as-of", "2025-06-30", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        r = cli("input", one, "gut_check", "2", "--reason", "quiet champion", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert f"for {one} by local" in r.stdout
        # the server scores the account again when it can: not on a book of 2025
        assert "It counts from the next run: the book was last scored as of 2025-06-30" in r.stdout
        # another model file cannot be sent to the server: said plainly
        r = cli("run", "--model", "other.yaml", cwd=tmp_path)
        assert r.returncode == 1
        assert "--model other.yaml cannot go through it" in r.stderr
        # an unknown account comes back as the error a local command gives
        r = cli("explain", "nobody", "--as-of", "2025-06-30", cwd=tmp_path)
        assert r.returncode == 1
        assert "nobody" in r.stderr
