"""A score that lands on a tie of its scale's decimals (8.35 on a 0-10 scale with one
decimal, held as the double 8.3499999999999996) is rounded the same way on every store,
half away from zero, and so falls in the same band."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import STORES, open_project

END = dt.date(2025, 6, 30)
# seats graded linearly from 0 to 200: 167 seats grade 83.5, which is 8.35 on 0-10
MODEL = """\
name: ties
scale: {min: 0, max: 10, decimals: 1}
bands:
  - {name: red, below: 8.4}
  - {name: green}
metrics:
  seats: {attribute: seats}
measures:
  seats: {metric: seats, linear: [0, 200]}
scorecards:
  standard: {seats: 1}
scores:
  health:
    segments:
      - {name: everyone, scorecard: standard}
"""
ACCOUNTS = """\
id,name,seats,customer_since
tie_up,Tie up,167,2024-01-01
tie_small,Tie small,17,2024-01-01
tie_low,Tie low,5,2024-01-01
plain,Plain,100,2024-01-01
"""


@pytest.mark.parametrize("store", STORES)
def test_a_tie_is_rounded_half_away_from_zero_on_every_store(
    request: pytest.FixtureRequest, store: str, tmp_path: Path
) -> None:
    # the double the score is computed as lies below the tie
    assert Decimal(10 * 83.5 / 100) < Decimal("8.35")
    with open_project(request, store, tmp_path) as p:
        p.model_path().write_text(MODEL)
        (tmp_path / "accounts.csv").write_text(ACCOUNTS)
        p.import_file("accounts", tmp_path / "accounts.csv")
        p.run(as_of=END)
        got = {r.account_id: (r.score, r.band) for r in p.scores(as_of=END)}
    assert got == {
        "tie_up": (8.4, "green"),  # 8.35: DuckDB's ROUND of the double said 8.3, red
        "tie_small": (0.9, "red"),  # 0.85, held as 0.84999999999999998
        "tie_low": (0.3, "red"),  # 2.5 -> 0.25 -> 0.3
        "plain": (5.0, "red"),
    }
