"""The backtest's AUC against scikit-learn's, with ties, weights and missing scores."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stethoscope.backtest import metrics


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 6).map(float)),
            st.booleans(),
            st.integers(1, 3),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_auc_is_sklearns_on_the_negated_score(rows: list[tuple[float | None, bool, int]]) -> None:
    from sklearn.metrics import roc_auc_score  # 1.9 s to import: here, not at collection

    score = np.array([np.nan if s is None else s for s, _, _ in rows])
    label = np.array([float(y) for _, y, _ in rows])
    weight = np.array([float(w) for _, _, w in rows])
    ok = ~np.isnan(score)
    got = metrics.auc(score, label, weight)
    if len(set(label[ok])) < 2:
        assert got is None
        return
    want = roc_auc_score(label[ok], -score[ok], sample_weight=weight[ok])
    assert got is not None
    assert abs(got - want) < 1e-12


def test_lift_and_monotonic_by_hand() -> None:
    score = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    label = np.array([1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    as_of = np.array(["2025-01-01"] * 10, dtype="datetime64[D]")
    ids = np.array([f"a{i}" for i in range(10)], dtype=object)
    # the lowest tenth is one account, and it churned: 100% against 20%
    assert metrics.lift(score, label, as_of, ids) == 5.0
    rates = [{"churn_rate": 0.3}, {"churn_rate": None}, {"churn_rate": 0.1}]
    assert metrics.monotonic(rates)
    assert not metrics.monotonic([{"churn_rate": 0.1}, {"churn_rate": 0.2}])
    # every observation in one band: nothing to compare, not "yes" (issue 17 item 9)
    assert metrics.monotonic([{"churn_rate": 0.3}, {"churn_rate": None}]) is None
    assert metrics.monotonic([]) is None
