"""Time steps between dates: ``7d``, ``2w``, ``1mo``, ``3mo``, ``1y``.

One parser for every command that walks dates (``run --every``, ``backtest --every``,
``calibrate --every``). A step of days or weeks is a fixed number of days; a step of months
(or years, twelve months) is a calendar step: the same day of the month, clamped to the
month's last day when the month is shorter. Each date of a schedule is counted from the
schedule's anchor (``anchor + k steps``), never from the date before it, so monthly dates
from January 31 are Feb 28 (29), Mar 31, Apr 30, ... and never drift to the 28th.

Kept free of heavy imports: the CLI parses options with it before loading the data stack.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from stethoscope.errors import DataError

Unit = Literal["d", "mo"]

_STEP = re.compile(r"^([1-9][0-9]{0,5})(d|w|mo|y)$")
# how a written unit is kept: (unit, multiplier)
_UNITS: dict[str, tuple[Unit, int]] = {
    "d": ("d", 1),
    "w": ("d", 7),
    "mo": ("mo", 1),
    "y": ("mo", 12),
}


@dataclass(frozen=True)
class Step:
    """``count`` days or ``count`` calendar months between two dates of a schedule."""

    count: int
    unit: Unit

    def __str__(self) -> str:
        if self.unit == "mo" and self.count % 12 == 0:
            return f"{self.count // 12}y"
        return f"{self.count}{self.unit}"

    @property
    def days(self) -> int | None:
        """The step in days, or None for a calendar step (months have no fixed length)."""
        return self.count if self.unit == "d" else None

    def shift(self, anchor: dt.date, k: int) -> dt.date:
        """The date ``k`` steps from ``anchor`` (negative: before it)."""
        if self.unit == "d":
            return anchor + dt.timedelta(days=k * self.count)
        return add_months(anchor, k * self.count)


DAY = Step(1, "d")


def parse_step(text: str, option: str = "--every") -> Step:
    """A step as written: ``7d``, ``2w`` (14 days), ``1mo``, ``3mo``, ``1y`` (12 months)."""
    m = _STEP.match(text.strip().lower())
    if not m:
        raise DataError(
            f"{option}: expected a step like 7d, 2w or 1mo, got '{text}'",
            hint="days (d), weeks (w), calendar months (mo) or years (y), e.g. --every 1mo",
        )
    unit, times = _UNITS[m.group(2)]
    return Step(int(m.group(1)) * times, unit)


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by ``months`` calendar months, on the same day of the month, or on the
    month's last day when it has fewer days (Jan 31 + 1 month = Feb 28, or 29)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise DataError(f"{d} moved by {months} months is outside the calendar")
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(d.day, last))


def forward(start: dt.date, end: dt.date, step: Step, limit: int | None = None) -> list[dt.date]:
    """``start``, ``start + step``, ... up to ``end`` (inclusive); at most ``limit`` dates."""
    return _walk(start, step, 1, lambda d: d <= end, limit)


def backward(stop: dt.date, first: dt.date, step: Step, limit: int | None = None) -> list[dt.date]:
    """``stop``, ``stop - step``, ... down to ``first`` (inclusive), in date order; at most
    ``limit`` dates (the latest ones)."""
    return _walk(stop, step, -1, lambda d: d >= first, limit)[::-1]


def _walk(
    anchor: dt.date, step: Step, sign: int, within: Callable[[dt.date], bool], limit: int | None
) -> list[dt.date]:
    out: list[dt.date] = []
    k = 0
    while limit is None or len(out) < limit:
        try:
            d = step.shift(anchor, sign * k)
        except (OverflowError, DataError):
            break
        if not within(d):
            break
        out.append(d)
        k += 1
    return out
