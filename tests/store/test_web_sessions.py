"""Dashboard sessions and sign-in attempts in the store, on DuckDB and on Postgres."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.project import Project
from stethoscope.store import web_sessions
from tests.conftest import STORES, open_project


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with open_project(request, request.param, tmp_path) as p:
        yield p


def test_a_session_lives_until_signed_out_or_expired(project: Project) -> None:
    user = project.create_user("dana@x.example", "editor", "correct horse")
    sid = project.open_session(user.id, lasts=dt.timedelta(hours=1), address="10.0.0.1")
    assert project.session_user(sid) == user
    assert project.session_user(sid + "x") is None
    assert project.close_session(sid) is True
    assert project.session_user(sid) is None
    assert project.close_session(sid) is False  # once
    short = project.open_session(user.id, lasts=dt.timedelta(seconds=-1), address="10.0.0.1")
    assert project.session_user(short) is None  # already expired
    # only a hash of the id is kept
    rows = project.store.con.execute("SELECT id_sha256 FROM web_sessions").fetchall()
    stored = [r[0] for r in rows]
    assert sid not in stored
    assert len(stored) == 2


def test_failed_sign_ins_wait_then_clear(project: Project) -> None:
    user = project.create_user("dana@x.example", "editor", "correct horse")
    for _ in range(web_sessions.NAME_LIMIT - 1):
        project.signin_failed("dana@x.example", "10.0.0.1")
    assert project.signin_wait("dana@x.example", "10.0.0.1") == 0
    project.signin_failed("dana@x.example", "10.0.0.1")
    wait = project.signin_wait("dana@x.example", "10.0.0.1")
    assert 0 < wait <= web_sessions.WINDOW.total_seconds()
    assert project.signin_wait("lee@x.example", "10.0.0.1") == 0
    # signing in forgives the name's failures from that address
    project.open_session(user.id, lasts=dt.timedelta(hours=1), address="10.0.0.1")
    assert project.signin_wait("dana@x.example", "10.0.0.1") == 0


def test_a_name_alone_cannot_lock_its_user_out(project: Project) -> None:
    """Failures for a name, from however many other addresses, never make its user wait:
    the name is limited per address (issue 17)."""
    for n in range(3 * web_sessions.NAME_LIMIT):
        address = f"10.0.1.{n // web_sessions.NAME_LIMIT}"
        project.signin_failed("dana@x.example", address)
    assert project.signin_wait("dana@x.example", "10.0.1.0") > 0  # the guessers wait
    assert project.signin_wait("dana@x.example", "10.0.1.2") > 0
    assert project.signin_wait("dana@x.example", "192.168.7.7") == 0  # dana does not
