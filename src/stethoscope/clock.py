"""The wall clock, as the store writes its times: UTC without a zone.

One place for "now", so that every table holds its times the same way (the store's
``TIMESTAMP`` columns carry no zone) and so that a test moves every clock at once with
``monkeypatch.setattr(clock, "now", ...)``. Callers therefore write ``clock.now()``,
never ``from stethoscope.clock import now``, which would keep the unpatched function.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current time: naive, in UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def now_to_the_second() -> dt.datetime:
    """The current time in whole seconds, for what people read back (keys, users, inputs)."""
    return now().replace(microsecond=0)


def today() -> dt.date:
    """Today's date in UTC: the default as-of date of a score and the day a snooze ends."""
    return now().date()
