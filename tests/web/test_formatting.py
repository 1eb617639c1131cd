"""The dashboard's money and date filters, and the pages that use them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stethoscope.service.web.formatting import (
    compact_money,
    money,
    money_short,
    relative_days,
    when,
)
from tests.web.conftest import Book


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "$0"),
        (950, "$950"),
        (999.4, "$999"),
        (999.6, "$1K"),
        (840_000, "$840K"),
        (999_400, "$999K"),
        (999_600, "$1M"),
        (6_312_400, "$6.3M"),
        (12_450_000, "$12.4M"),
        (99_960, "$100K"),
        (250_000_000, "$250M"),
        (1.2e9, "$1.2B"),
        (-1_200, "-$1.2K"),
        (None, ""),
    ],
)
def test_compact_money(amount: float | None, text: str) -> None:
    assert compact_money(amount) == text


@given(st.floats(min_value=0.5, max_value=1e14))
def test_compact_money_rounds_to_what_it_shows(amount: float) -> None:
    """A tenth of the unit below 100 of it ($6.3M), whole units above ($250M), never more
    than three digits; whole currency units below a thousand."""
    m = re.fullmatch(r"\$(\d+(?:\.\d)?)([KMBT]?)", compact_money(amount))
    assert m, compact_money(amount)
    digits, suffix = m.groups()
    scale = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[suffix]
    step = scale * (0.1 if suffix and float(digits) < 100 else 1)
    assert abs(float(digits) * scale - amount) <= step / 2 + 1e-9 * amount
    assert len(digits.replace(".", "")) <= 3


def test_money_is_exact_and_the_short_form_carries_it() -> None:
    assert money(6_312_400.4) == "$6,312,400"
    assert money(-1200) == "-$1,200"
    assert str(money_short(6_312_400.4)) == (
        '<data value="6312400.40" title="$6,312,400">$6.3M</data>'
    )
    assert str(money_short(None)) == ""


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "today"),
        (1, "tomorrow"),
        (-1, "yesterday"),
        (4, "in 4 days"),
        (-4, "4 days ago"),
        (59, "in 59 days"),
        (60, "in 2 months"),
        (-400, "13 months ago"),
        (800, "in 2 years"),
    ],
)
def test_relative_days(days: int, text: str) -> None:
    day = dt.date(2025, 6, 30)
    assert relative_days(day + dt.timedelta(days=days), day) == text


def test_when_keeps_the_date() -> None:
    assert str(when(dt.date(2025, 7, 4), dt.date(2025, 6, 30))) == (
        '<time datetime="2025-07-04" title="2025-07-04">in 4 days</time>'
    )
    assert str(when("2025-07-04", None)) == '<time datetime="2025-07-04">2025-07-04</time>'
    assert str(when(None, dt.date(2025, 6, 30))) == ""


def test_the_pages_write_money_and_renewals_for_people(book: Book) -> None:
    b = book.browser("viewer")
    data = b.get("/?format=json").json()
    html = b.get("/").text
    # the tile: compact, with the exact amount in its title and value
    risk = data["at_risk"]["arr"]
    tile = re.search(r'id="arr-at-risk"><data value="([^"]+)" title="([^"]+)">([^<]+)<', html)
    assert tile, html
    assert float(tile.group(1)) == pytest.approx(risk)
    assert tile.group(2) == money(risk)
    assert tile.group(3) == compact_money(risk)
    # the soonest renewals: how far from the scores' date, the date in the element
    as_of = dt.date.fromisoformat(data["as_of"])
    for r in data["renewals_due"]:
        day = dt.date.fromisoformat(r["renewal_date"])
        element = f'<time datetime="{day}" title="{day}">{relative_days(day, as_of)}</time>'
        assert element in html
    # the accounts' ARR column and the JSON twin, which keeps the exact numbers
    accounts = b.get("/accounts?sort=arr&order=desc&format=json").json()["items"]
    listing = b.get("/accounts?sort=arr&order=desc").text
    top = accounts[0]
    assert isinstance(top["arr"], float | int)
    assert f'title="{money(top["arr"])}">{compact_money(top["arr"])}</data>' in listing
