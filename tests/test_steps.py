"""The one parser of time steps (run, backtest, calibrate --every) and calendar schedules."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stethoscope.errors import DataError
from stethoscope.steps import Step, add_months, backward, forward, parse_step


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("7d", Step(7, "d")),
        ("1w", Step(7, "d")),
        ("2w", Step(14, "d")),
        ("1mo", Step(1, "mo")),
        ("3mo", Step(3, "mo")),
        ("1y", Step(12, "mo")),
        (" 30D ", Step(30, "d")),
    ],
)
def test_steps_as_people_write_them(text: str, step: Step) -> None:
    assert parse_step(text) == step


@pytest.mark.parametrize("text", ["month", "", "0d", "7", "d", "-1w", "1.5mo", "1m", "7 d"])
def test_a_bad_step_says_what_was_expected(text: str) -> None:
    with pytest.raises(DataError) as e:
        parse_step(text)
    assert e.value.message == f"--every: expected a step like 7d, 2w or 1mo, got '{text}'"


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99_999), st.sampled_from(["d", "w", "mo", "y"]))
def test_every_step_written_reads_back_as_written(n: int, unit: str) -> None:
    step = parse_step(f"{n}{unit}")
    assert parse_step(str(step)) == step
    assert step.count == n * {"d": 1, "w": 7, "mo": 1, "y": 12}[unit]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=8))
def test_any_text_is_a_step_or_a_data_error(text: str) -> None:
    import re

    if re.fullmatch(r"\s*[1-9][0-9]{0,5}(d|w|mo|y|D|W|MO|Mo|mO|Y)\s*", text):
        step = parse_step(text)
        assert step.count >= 1
        assert step.unit in ("d", "mo")
    else:
        with pytest.raises(DataError, match=r"^--every: expected a step like 7d, 2w or 1mo"):
            parse_step(text)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 1, 31), 3, dt.date(2025, 4, 30)),
        (dt.date(2025, 11, 15), 2, dt.date(2026, 1, 15)),
        (dt.date(2025, 1, 15), -13, dt.date(2023, 12, 15)),
    ],
)
def test_months_keep_the_day_clamped_to_the_months_end(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


@settings(max_examples=300, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)), st.integers(-600, 600))
def test_adding_months_moves_the_month_and_clamps_the_day(day: dt.date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])


def test_monthly_dates_never_drift_from_the_31st() -> None:
    dates = forward(dt.date(2025, 1, 31), dt.date(2025, 8, 31), parse_step("1mo"))
    assert [d.isoformat() for d in dates] == [
        "2025-01-31",
        "2025-02-28",
        "2025-03-31",
        "2025-04-30",
        "2025-05-31",
        "2025-06-30",
        "2025-07-31",
        "2025-08-31",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.integers(0, 800),
    st.sampled_from(["1d", "7d", "2w", "1mo", "3mo", "1y"]),
)
def test_a_schedule_stays_in_its_span_and_keeps_its_step(
    start: dt.date, span: int, text: str
) -> None:
    step = parse_step(text)
    end = start + dt.timedelta(days=span)
    dates = forward(start, end, step)
    assert dates[0] == start
    assert dates[-1] <= end < step.shift(start, len(dates))
    assert dates == [step.shift(start, k) for k in range(len(dates))]
    assert dates == sorted(set(dates))
    back = backward(end, start, step)
    assert back[-1] == end
    assert back[0] >= start > step.shift(end, -len(back))
    assert backward(end, start, step, limit=3) == back[-3:]
