"""A real local SMTP server (aiosmtpd), a real local HTTP receiver, and a small project whose
scores the tests set day by day (an account attribute graded 0-100 is the whole score)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project
from tests.conftest import STORES, open_project

MODEL = """\
name: alerts-test
bands:
  - {name: red, below: 60}
  - {name: yellow, below: 75}
  - {name: green}
metrics:
  level: {attribute: attributes.level, kind: number}
measures:
  level: {metric: level, linear: [0, 100]}
scorecards:
  main: {level: 1}
"""

DAY0 = dt.date(2025, 3, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


class Receiver:
    """A local HTTP server that records every POST (path, headers, body)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                posts.append((self.path, dict(self.headers), self.rfile.read(n)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def json(self, i: int) -> Any:
        return json.loads(self.posts[i][2])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(free_port())
    yield r
    r.stop()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Book:
    """A project of a few accounts whose score on each day the test chooses."""

    def __init__(self, folder: Path, project: Project) -> None:
        self.folder = folder
        self.project = project
        self.owners = {"a1": "dana@x.example", "a2": "lee@x.example", "a3": ""}
        self.segments = {"a1": "smb", "a2": "enterprise", "a3": "smb"}
        self.since = {a: "2024-01-01" for a in self.owners}

    def load(self, table: str, csv: str) -> None:
        path = self.folder / f"{table}.csv"
        path.write_text(csv)
        self.project.import_file(table, path)

    def score(self, day: dt.date, **levels: float) -> None:
        """Set each account's score (its level) from ``day`` on and run as of ``day``."""
        self.put(at=day, **levels)
        self.project.run(as_of=day)

    def put(self, at: dt.date | None = None, **levels: float) -> None:
        """Write the accounts with these levels (no run), in force from ``at`` (the
        accounts keep their history: a level written today would not be the level of a
        date scored in the past); without ``at``, from each account's customer_since."""
        lines = ["id,name,owner,segment,customer_since,renewal_date,level,updated_at"]
        for acc, level in levels.items():
            renewal = (DAY0 + dt.timedelta(days=40)).isoformat()
            lines.append(
                f"{acc},Acct {acc},{self.owners[acc]},{self.segments[acc]},{self.since[acc]},"
                f"{renewal},{level},{at or self.since[acc]}"
            )
        path = self.folder / "accounts.csv"
        path.write_text("\n".join(lines) + "\n")
        self.project.import_file("accounts", path, mode="upsert")


@pytest.fixture
def book_factory(
    request: pytest.FixtureRequest, store: str, tmp_path: Path
) -> Iterator[Callable[..., Book]]:
    made: list[Project] = []

    def make(rules: str, settings: str = "") -> Book:
        (tmp_path / "model.yaml").write_text(MODEL + rules)
        project = open_project(request, store, tmp_path)
        if settings:
            toml = (tmp_path / "stethoscope.toml").read_text() + settings
            (tmp_path / "stethoscope.toml").write_text(toml)
            project.close()
            project = Project.open(tmp_path)
        made.append(project)
        return Book(tmp_path, project)

    yield make
    for p in made:
        p.close()
