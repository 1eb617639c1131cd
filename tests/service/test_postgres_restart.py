"""A Postgres restart under a running `stethoscope serve`: nothing acknowledged is lost,
and the server goes on by itself (its writer opens a new session, its readers' pool
replaces theirs; store.database, store.readers).

The restart is of a Postgres of the test's own (initdb and pg_ctl, in a folder under
/tmp, on a free port, trust authentication), never of the shared server at
127.0.0.1:5432 that other tests and people use. Without those programs the test skips;
on CI (CI=true) it fails instead.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from stethoscope.project import Project

pytestmark = pytest.mark.slow

BIN = Path("/usr/local/bin")


@dataclass
class Instance:
    """A throwaway Postgres server: ``url``, and ``pg_ctl(...)`` to act on it."""

    folder: Path
    port: int
    user: str | None  # who runs it (pg_ctl refuses to run as root)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str, timeout: float = 120) -> None:
        command = [str(BIN / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, (command, done.stdout, done.stderr, self.log())

    def pg_ctl(self, *args: str) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-w", *args)

    def log(self) -> str:
        path = self.folder / "postgres.log"
        return path.read_text()[-3000:] if path.exists() else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres() -> Iterator[Instance]:
    """One throwaway server for the module (initdb and a start take a second): the restart
    test migrates its ``postgres`` database, the pool test only opens sessions, so neither
    depends on what the other left."""
    missing = [name for name in ("initdb", "pg_ctl") if not (BIN / name).exists()]
    if missing:
        message = f"no {' or '.join(missing)} in {BIN}: cannot start a Postgres of the test's own"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="stethoscope-pg-", dir="/tmp"))
    if user:
        shutil.chown(folder, user, user)
    instance = Instance(folder, _free_port(), user)
    instance.run(
        "initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"
    )
    options = f"-p {instance.port} -c listen_addresses=127.0.0.1 -k {folder}"
    try:
        instance.pg_ctl("-o", options, "-l", str(folder / "postgres.log"), "start")
        yield instance
    finally:
        try:
            instance.pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Sent:
    """What the ingest senders were told: acknowledged message ids, and other answers."""

    acknowledged: set[str] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)  # answer -> how many
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, answer: str) -> None:
        with self.lock:
            self.refused[answer] = self.refused.get(answer, 0) + 1


def _send(url: str, key: str, sent: Sent, stop: threading.Event) -> None:
    """A tracking client: batches of 20 track calls, each sent until acknowledged (as
    Segment's libraries retry a 5xx or a lost connection)."""
    basic = base64.b64encode(f"{key}:".encode()).decode()
    with httpx.Client(base_url=url, headers={"Authorization": f"Basic {basic}"}) as client:
        while not stop.is_set():
            ids = [uuid.uuid4().hex for _ in range(20)]
            batch = {
                "batch": [
                    {"type": "track", "userId": "u1", "event": "Clicked", "messageId": i}
                    for i in ids
                ]
            }
            while True:
                try:
                    r = client.post("/v1/batch", json=batch, timeout=30)
                except httpx.TransportError as e:
                    sent.note(type(e).__name__)
                else:
                    if r.status_code == 200:
                        with sent.lock:
                            sent.acknowledged.update(ids)
                        break
                    sent.note(f"{r.status_code} {r.json().get('type')}")
                if stop.is_set():
                    return
                time.sleep(0.05)


def _serve(folder: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`stethoscope serve` with JSON logs into ``log``, and its URL (read from its log: a
    Postgres store has no lease)."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "stethoscope", "serve", "--port", "0", "--log-format", "json"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        for line in log.read_text().splitlines():
            record = json.loads(line)
            if "url" in record:
                return process, record["url"]
        time.sleep(0.05)
    raise AssertionError("the server did not start")


def _stored(url: str) -> set[str]:
    with psycopg.connect(url) as con:
        rows = con.execute(
            "SELECT message_id FROM events UNION ALL SELECT message_id FROM pending_events"
        ).fetchall()
    return {r[0] for r in rows}


def test_a_postgres_restart_loses_nothing_acknowledged_and_the_server_recovers(
    postgres: Instance, tmp_path: Path
) -> None:
    (tmp_path / "stethoscope.toml").write_text(
        f'database_url = "{postgres.url}"\nschedule = ""\nread_model = false\n'
    )
    with Project.open(tmp_path) as project:  # migrates the store
        ingest_key = project.create_key("tracker", "ingest").secret
        viewer_key = project.create_key("reader", "viewer").secret
    log = tmp_path / "serve.log"
    process, url = _serve(tmp_path, log)
    sent, stop = Sent(), threading.Event()
    senders = [threading.Thread(target=_send, args=(url, ingest_key, sent, stop)) for _ in range(3)]
    reads = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {viewer_key}"})
    try:
        for t in senders:
            t.start()
        while len(sent.acknowledged) < 400:
            assert process.poll() is None
            time.sleep(0.05)
        assert reads.get("/api/status").status_code == 200
        before = len(sent.acknowledged)

        # -w: returns once the server takes connections again
        postgres.pg_ctl("-m", "fast", "-l", str(postgres.folder / "postgres.log"), "restart")

        # reads recover at once: the readers' pool replaces the sessions the restart ended
        # before it lends them, so not one read fails for them
        r = reads.get("/api/status", timeout=30)
        assert r.status_code == 200, r.text
        r = httpx.get(f"{url}/readyz", timeout=30)
        assert r.json() == {"ok": True, "store": "ok", "migrations": "current"}
        # and ingest goes on, in the same server process
        deadline = time.monotonic() + 60
        while len(sent.acknowledged) < before + 400:
            assert time.monotonic() < deadline, ("ingest did not recover", sent.refused)
            time.sleep(0.05)
    finally:
        stop.set()
        for t in senders:
            t.join(timeout=60)
        reads.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert process.returncode == 0, log.read_text()[-3000:]
    missing = sent.acknowledged - _stored(postgres.url)
    assert not missing, f"{len(missing)} acknowledged events are not stored"
    # what was not acknowledged was refused as a busy store or a cut connection (and
    # sent again), never as the sender's fault: a 4xx would make a tracker drop its batch
    assert all(a.startswith("503 ") or not a[0].isdigit() for a in sent.refused), sent.refused
    # the log says so, a JSON object a line, under the id of the request that met it
    # (the writer's new session is opened in a worker thread: the id follows it there)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    reopened = [r for r in records if r["logger"] == "stethoscope.store.database"]
    assert reopened, records
    assert all(r.get("request_id") for r in reopened), reopened
    lost = [r for r in records if r["logger"] == "stethoscope.service.errors"]
    assert all(r.get("request_id") for r in lost), lost


def test_the_readers_pool_lends_no_session_the_restart_ended(postgres: Instance) -> None:
    from stethoscope.store.readers import PostgresReaders

    readers = PostgresReaders(postgres.url, size=3)
    try:
        with readers.connection() as a, readers.connection() as b, readers.connection() as c:
            pids = {con.execute("SELECT pg_backend_pid()").fetchone() for con in (a, b, c)}
        assert len(pids) == 3  # three idle sessions in the pool
        postgres.pg_ctl("-m", "fast", "-l", str(postgres.folder / "postgres.log"), "restart")
        for _ in range(2):  # every borrow after the restart reads, none meets a dead session
            with readers.connection() as a, readers.connection() as b, readers.connection() as c:
                after = {con.execute("SELECT pg_backend_pid()").fetchone() for con in (a, b, c)}
            assert len(after) == 3
            assert not after & pids
    finally:
        readers.close()
