"""How the dashboard writes numbers, money and dates for a person: the templates' filters.

Money is whole currency units with thousands separators ("$6,312,400"); where a column or a
tile is narrow, a compact form ("$6.3M", "$840K") inside a ``<data>`` element whose value is
the exact amount and whose title shows it written out (the page's JSON twin has it too). A
renewal reads as a distance from the scores' date ("in 4 days", "4 days ago") in a
``<time>`` element carrying the date itself.

The dashboard is in English and ARR has no currency column in the contract (it is "in your
currency"): the symbol is the one of the demo book's dollars."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

CURRENCY = "$"
# (threshold, suffix) from the largest: 1,250,000 -> 1.2M
_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def num(v: float | None, decimals: int = 1) -> str:
    return "" if v is None else f"{v:,.{decimals}f}"


def signed(v: float | None, decimals: int = 1) -> str:
    return "" if v is None else f"{v:+,.{decimals}f}"


def pct(v: float | None) -> str:
    return "" if v is None else f"{v * 100:.0f}%"


def pct1(v: float | None) -> str:
    """A share to one decimal: ``94.1%`` (retention, churn rates)."""
    return "" if v is None else f"{v * 100:.1f}%"


def money(v: float | None) -> str:
    """The exact amount in whole units: ``$6,312,400``; a negative one ``-$1,200``."""
    if v is None:
        return ""
    sign = "-" if round(v) < 0 else ""
    return f"{sign}{CURRENCY}{abs(v):,.0f}"


def compact_money(v: float | None) -> str:
    """The amount to two or three significant digits with a K, M, B or T suffix:
    ``$6.3M``, ``$840K``, ``$12.5M``, ``$950``. Whole units below a thousand."""
    if v is None:
        return ""
    sign = "-" if round(v) < 0 else ""
    amount = abs(v)
    for size, suffix in _UNITS:
        # from 99.95% of a unit on: 999,600 rounds to $1M, never to "$1000K"
        if amount >= size * 0.9995:
            scaled = amount / size
            text = f"{scaled:.1f}" if scaled < 99.95 else f"{scaled:.0f}"
            return f"{sign}{CURRENCY}{text.removesuffix('.0')}{suffix}"
    return f"{sign}{CURRENCY}{amount:,.0f}"


def money_short(v: float | None) -> Markup:
    """The compact amount in a ``<data>`` element: its value the exact number, its title
    the exact amount written out, for whoever hovers (or reads the markup)."""
    if v is None:
        return Markup("")
    return Markup('<data value="{}" title="{}">{}</data>').format(
        f"{v:.2f}".removesuffix(".00"), money(v), compact_money(v)
    )


def relative_days(day: dt.date, reference: dt.date) -> str:
    """``day`` seen from ``reference``: "in 4 days", "4 days ago", "today", "tomorrow",
    "yesterday"; in months past 60 days and in years past two years (rounded)."""
    days = (day - reference).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    n = abs(days)
    if n < 60:
        amount, unit = n, "day"
    elif n < 730:
        amount, unit = round(n / 30.44), "month"
    else:
        amount, unit = round(n / 365.25), "year"
    words = f"{amount} {unit}{'s' if amount != 1 else ''}"
    return f"in {words}" if days > 0 else f"{words} ago"


def when(day: Any, reference: Any) -> Markup:
    """A date as a ``<time>`` element reading as its distance from ``reference`` (the
    scores' date), with the date itself as its title; the date alone without a reference."""
    if day is None or day == "":
        return Markup("")
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if isinstance(day, dt.datetime):
        day = day.date()
    iso = day.isoformat()
    if reference is None:
        return Markup('<time datetime="{}">{}</time>').format(iso, iso)
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        iso, iso, relative_days(day, reference)
    )


def value(v: Any) -> str:
    """A metric's raw value as a person reads it: missing, a word, or a number with at most
    two decimals."""
    if v is None:
        return "missing"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


FILTERS = {
    "num": num,
    "signed": signed,
    "pct": pct,
    "money": money,
    "money_short": money_short,
    "pct1": pct1,
    "when": when,
    "value": value,
}
