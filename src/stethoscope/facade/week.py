"""The VP's week (stethoscope.week): ARR at risk and red renewals week by week, by segment
and owner; gross and net revenue retention from outcomes. The churn forecast they read
beside it is kept by a backtest (stethoscope.facade.backtests, ``latest_forecast``).

Both read every scored account of several dates (100,000 accounts: a few hundred ms of
processor time), and change only when the store does: where this process is the store's
only writer, each answer is kept until the next write (the write generation,
stethoscope.write_lock), so the Portfolio reads them at the cost of a lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from stethoscope.facade.core import ProjectCore

# answers kept (per owner, dates and score): the book's, and a few owners' own books
KEPT = 64


class Week(ProjectCore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._week_kept: dict[tuple[Any, ...], tuple[int, list[dict[str, Any]]]] = {}
        self._week_guard = threading.Lock()

    def _kept(
        self, key: tuple[Any, ...], read: Callable[[], list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """``read()``, or what it answered at this write generation (see the module)."""
        if not self.sole_writer:
            return read()
        generation = self.generation  # before the read: a write meanwhile makes it stale
        with self._week_guard:
            found = self._week_kept.get(key)
        if found is not None and found[0] == generation:
            return found[1]
        rows = read()
        with self._week_guard:
            if len(self._week_kept) >= KEPT:
                self._week_kept.clear()
            self._week_kept[key] = (generation, rows)
        return rows

    def risk_weeks(
        self, days: Sequence[date], *, score: str = "health", owner: str | None = None
    ) -> list[dict[str, Any]]:
        """ARR at risk (in the model's worst band) and red renewals on each of ``days``,
        for the book, per segment and per owner (``by``); only ``owner``'s accounts when
        given."""
        from stethoscope import week

        m = self.load_model()
        if not m.bands:
            return []

        def read() -> list[dict[str, Any]]:
            with self._reading() as con:
                return week.risk_weeks(
                    con, m.version, score, list(days), m.bands[0].name, owner=owner
                )

        return self._kept(("risk", m.version, score, tuple(days), owner), read)

    def retention(
        self, end: date, *, days: int = 365, owner: str | None = None
    ) -> list[dict[str, Any]]:
        """Gross and net revenue retention over the ``days`` up to ``end``, for the book,
        per segment and per owner (``by``)."""
        from stethoscope import week

        def read() -> list[dict[str, Any]]:
            with self._reading() as con:
                return week.retention(con, end, days=days, owner=owner)

        return self._kept(("retention", end, days, owner), read)
