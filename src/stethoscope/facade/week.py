"""The VP's week (stethoscope.week): ARR at risk and red renewals week by week, by segment
and owner; gross and net revenue retention from outcomes. The churn forecast they read
beside it is kept by a backtest (stethoscope.facade.backtests, ``latest_forecast``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from stethoscope.facade.core import ProjectCore


class Week(ProjectCore):
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
        with self._reading() as con:
            return week.risk_weeks(con, m.version, score, list(days), m.bands[0].name, owner=owner)

    def retention(
        self, end: date, *, days: int = 365, owner: str | None = None
    ) -> list[dict[str, Any]]:
        """Gross and net revenue retention over the ``days`` up to ``end``, for the book,
        per segment and per owner (``by``)."""
        from stethoscope import week

        with self._reading() as con:
            return week.retention(con, end, days=days, owner=owner)
