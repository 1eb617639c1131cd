"""CSV injection (docs/concepts/security.md): every CSV Stethoscope writes escapes a text
cell that a spreadsheet would run as a formula, and leaves numbers alone."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stethoscope.spreadsheet import FORMULA_STARTS, cell, write_csv

FORMULAS = [
    '=HYPERLINK("http://evil.example","Acme")',
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = ["Acme", "a=b", "O'Brien", "", "-5", "+3", "-12.5e3", ".5", "1-1", 'say "hi"; =1']


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_is_written_as_text_behind_a_quote(value: str) -> None:
    assert cell(value).startswith("\"'")
    out = io.StringIO()
    write_csv(out, ["name"], [[value]])
    assert read_back(out.getvalue()) == [["name"], ["'" + value]]


@pytest.mark.parametrize("value", PLAIN)
def test_other_text_comes_back_as_written(value: str) -> None:
    out = io.StringIO()
    write_csv(out, ["name"], [[value]])
    assert read_back(out.getvalue()) == [["name"], [value]]
    assert cell(value).startswith('"')


@pytest.mark.parametrize(
    ("value", "written"),
    [(-1200.5, "-1200.5"), (-3, "-3"), (Decimal("-0.25"), "-0.25"), (None, ""), (True, '"True"')],
)
def test_a_number_stays_a_number(value: Any, written: str) -> None:
    assert cell(value) == written


@given(st.lists(st.one_of(st.text(), st.floats(allow_nan=False), st.integers()), min_size=1))
def test_any_row_reads_back_whole_and_no_cell_starts_a_formula(values: list[Any]) -> None:
    out = io.StringIO()
    write_csv(out, [f"c{i}" for i in range(len(values))], [values])
    # newline="" as a CSV reader should: a cell may hold a line break
    [_, back] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    for v, b in zip(values, back, strict=True):
        if not isinstance(v, str):
            # an integer past 2**53 reads back whole as an integer, not as a float
            assert (int(b) if isinstance(v, int) else float(b)) == v
            continue
        assert b in (v, "'" + v)
        if b.startswith(FORMULA_STARTS):  # only a plain number may
            float(b)
