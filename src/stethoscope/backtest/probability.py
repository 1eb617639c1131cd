"""A churn probability from the score, fitted on backtest observations, and the revenue it
puts at risk.

The mapping is monotone: a lower score never means a lower probability. ``isotonic``
(the default) fits a step-wise decreasing curve to the observed churn (pool adjacent
violators), read between its steps by linear interpolation; ``platt`` fits a logistic
curve ``p = 1 / (1 + exp(-(a + b * score)))``. Both are stored as plain numbers, so a
probability can be recomputed from a report's JSON. The probability is of churning within
the backtest's horizon after the date scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Method = Literal["isotonic", "platt"]


@dataclass(frozen=True)
class ChurnMapping:
    method: Method
    # isotonic: the curve's knots (x ascending)
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    # platt: intercept and slope
    a: float = 0.0
    b: float = 0.0
    horizon_days: int = 0

    def predict(self, score: np.ndarray) -> np.ndarray:
        s = np.asarray(score, dtype=float)
        if self.method == "isotonic":
            p = np.interp(s, np.array(self.x), np.array(self.y))
        else:
            p = 1.0 / (1.0 + np.exp(-(self.a + self.b * s)))
        return np.where(np.isnan(s), np.nan, p)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "x": list(self.x),
            "y": list(self.y),
            "a": self.a,
            "b": self.b,
            "horizon_days": self.horizon_days,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChurnMapping:
        return cls(
            data["method"],
            tuple(data["x"]),
            tuple(data["y"]),
            float(data["a"]),
            float(data["b"]),
            int(data.get("horizon_days", 0)),
        )


def fit(
    score: np.ndarray, label: np.ndarray, method: Method = "isotonic", horizon: int = 0
) -> ChurnMapping:
    """The mapping fitted on scored observations (those without a score are left out)."""
    ok = ~np.isnan(score)
    s, y = score[ok], label[ok]
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(increasing=False, out_of_bounds="clip", y_min=0.0, y_max=1.0)
        iso.fit(s, y)
        xs = tuple(float(v) for v in iso.X_thresholds_)
        ys = tuple(float(v) for v in iso.y_thresholds_)
        return ChurnMapping("isotonic", xs, ys, horizon_days=horizon)
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=1000).fit(s.reshape(-1, 1), y.astype(int))
    return ChurnMapping(
        "platt", a=float(lr.intercept_[0]), b=float(lr.coef_[0, 0]), horizon_days=horizon
    )


def expected_loss(
    prob: np.ndarray, arr: np.ndarray, by: dict[str, np.ndarray]
) -> dict[str, list[dict[str, Any]]]:
    """Expected churned ARR (sum of probability x ARR) per value of each ``by`` column,
    largest first; accounts without a probability count in ``unscored``."""
    out: dict[str, list[dict[str, Any]]] = {}
    a = np.nan_to_num(arr)
    for name, key in by.items():
        keys = np.array(["(none)" if k is None else str(k) for k in key], dtype=object)
        rows: list[dict[str, Any]] = []
        for k in np.unique(keys):
            m = keys == k
            scored = m & ~np.isnan(prob)
            rows.append(
                {
                    name: str(k),
                    "accounts": int(m.sum()),
                    "unscored": int((m & np.isnan(prob)).sum()),
                    "arr": float(a[m].sum()),
                    "expected_churned_arr": float((prob[scored] * a[scored]).sum()),
                    "mean_probability": float(prob[scored].mean()) if scored.any() else None,
                }
            )
        key_name = name
        if name == "renewal_month":
            rows.sort(key=lambda r: str(r[key_name]))
        else:
            rows.sort(key=lambda r: (-float(r["expected_churned_arr"]), str(r[key_name])))
        out[name] = rows
    return out
