"""Issue 18's first "Done when" line on a small random book: discover, then calibrate, fitted
on the first eight months and judged on the last four, against the oracle fitted on the true
causes with the same split (bench/predictive.py runs the same on five 2,000-account books;
the figures are in docs/benchmarks.md).

The side file is read only to judge: discover and calibrate see the store alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# a random book small enough for the suite (about 15 s); the bench's books are 2,000
ACCOUNTS = 800
SEED = 1


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from bench.predictive import run_seed  # scikit-learn and SciPy: not at collection

    return run_seed(SEED, ACCOUNTS, 12, Path(tmp_path_factory.mktemp("predictive")))


def test_discover_then_calibrate_comes_near_the_oracle_out_of_time(
    result: dict[str, Any],
) -> None:
    oracle = result["oracle"]["auc"]
    found = result["calibrate"]["auc"]
    assert result["test"]["churned"] >= 30, result["test"]
    assert oracle > 0.85, result["oracle"]
    # issue 18's target: within 0.03 of the oracle. This book measured 0.004 (oracle 0.922,
    # discover 0.914, + calibrate 0.918; 0.860 where a term ends); five 2,000-account books
    # 0.010 to 0.031 (docs/benchmarks.md)
    assert oracle - found < 0.03, (oracle, found)
    assert result["calibrate"]["auc_at_term_end"] > 0.8, result["calibrate"]
    # calibrating the starter model on the same months does not lose what discover found
    assert found > result["discover"]["auc"] - 0.03


def test_drawn_causes_are_among_the_measures_and_point_the_right_way(
    result: dict[str, Any],
) -> None:
    causes = result["calibrate"]["causes"]
    represented = [name for name, c in causes.items() if c["represented"]]
    # seed 1 draws contract_term (reversed), seat_utilisation, tickets and champion_loss;
    # champions going quiet (champions_still_active) follows champion_loss closely, but on
    # 800 accounts it is too weak to enter the model (about 0.57 of AUC on its own)
    assert {"contract_term", "seat_utilisation", "tickets"} <= set(represented), causes
    for name in represented:
        assert causes[name]["right_way"], (name, causes[name])
    reversed_ = [name for name, c in causes.items() if c["reversed"]]
    assert reversed_, causes
    assert all(causes[n]["represented"] and causes[n]["right_way"] for n in reversed_), causes


def test_churn_falls_band_by_band(result: dict[str, Any]) -> None:
    bands = [b for b in result["calibrate"]["bands"] if b["count"]]
    assert len(bands) >= 2, bands
    assert result["calibrate"]["falls_band_by_band"], bands
