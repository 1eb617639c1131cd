"""The one wall clock: what the store writes follows it, so a test can move it once."""

from __future__ import annotations

import datetime as dt

import pytest

from stethoscope import clock
from stethoscope.project import Project


def test_the_clock_is_naive_utc_and_whole_seconds_where_people_read_it() -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    now = clock.now()
    assert now.tzinfo is None
    assert before <= now <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert clock.now_to_the_second().microsecond == 0
    assert clock.today() == dt.datetime.now(dt.UTC).date()


def test_moving_the_clock_moves_what_the_store_writes(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dt.datetime(2031, 2, 3, 4, 5, 6, 789)
    monkeypatch.setattr(clock, "now", lambda: at)
    assert clock.today() == dt.date(2031, 2, 3)
    assert project.create_key("reader", "viewer").key.created_at == "2031-02-03 04:05:06"
    assert project.create_user("ana", "viewer", "a long enough password").created_at == (
        "2031-02-03 04:05:06"
    )
