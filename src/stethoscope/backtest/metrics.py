"""The figures of a backtest, from observation arrays (numpy, no loop over rows).

A health score is high for healthy accounts, so it predicts churn when churned
observations score *lower*: every AUC here is the probability that a churned observation
scores below one that did not churn (ties count half), the area under the ROC curve of
"flag every account at or below a score". 0.5 is chance, 1.0 a perfect ranking.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np


def _grouped(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, inverse = np.unique(score, return_inverse=True)
    return values, inverse


def auc(score: np.ndarray, label: np.ndarray, weight: np.ndarray | None = None) -> float | None:
    """See the module doc; observations without a score are left out; None when there
    is no churned or no retained observation. ``weight`` counts an observation that many
    times (a bootstrap resample)."""
    ok = ~np.isnan(score)
    s, y = score[ok], label[ok]
    w = np.ones(len(s)) if weight is None else weight[ok]
    _, inverse = _grouped(s)
    return auc_grouped(inverse, y, w)


def auc_grouped(inverse: np.ndarray, y: np.ndarray, w: np.ndarray) -> float | None:
    """AUC from observations already grouped by score (``inverse``: the rank of each
    observation's score among the distinct scores, ascending)."""
    n = int(inverse.max()) + 1 if len(inverse) else 0
    pos = np.bincount(inverse, weights=y * w, minlength=n)
    neg = np.bincount(inverse, weights=(1 - y) * w, minlength=n)
    p, q = pos.sum(), neg.sum()
    if p <= 0 or q <= 0:
        return None
    above = q - np.cumsum(neg)  # retained observations scoring higher than this score
    return float((pos * (above + 0.5 * neg)).sum() / (p * q))


def roc(score: np.ndarray, label: np.ndarray, points: int = 200) -> list[list[float]]:
    """[false positive rate, true positive rate] of flagging every observation at or
    below each score, from (0, 0) to (1, 1); at most ``points`` + 1 points."""
    ok = ~np.isnan(score)
    s, y = score[ok], label[ok]
    _, inverse = _grouped(s)
    n = int(inverse.max()) + 1 if len(inverse) else 0
    pos = np.cumsum(np.bincount(inverse, weights=y, minlength=n))
    neg = np.cumsum(np.bincount(inverse, weights=1 - y, minlength=n))
    if not n or pos[-1] == 0 or neg[-1] == 0:
        return []
    fpr = np.concatenate([[0.0], neg / neg[-1]])
    tpr = np.concatenate([[0.0], pos / pos[-1]])
    keep = np.unique(np.linspace(0, len(fpr) - 1, min(points + 1, len(fpr))).round().astype(int))
    return [[round(float(fpr[i]), 6), round(float(tpr[i]), 6)] for i in keep]


def flagged_first(
    score: np.ndarray, as_of: np.ndarray, account_id: np.ndarray, share: float = 0.1
) -> np.ndarray:
    """A mask of the lowest-scored ``share`` of the observations of each date (at least
    one), ties broken by account id so the choice is reproducible."""
    mask = np.zeros(len(score), dtype=bool)
    ok = ~np.isnan(score)
    for d in np.unique(as_of):
        idx = np.flatnonzero((as_of == d) & ok)
        if not len(idx):
            continue
        order = idx[np.lexsort((account_id[idx].astype(str), score[idx]))]
        mask[order[: max(1, math.ceil(share * len(idx)))]] = True
    return mask


def lift(
    score: np.ndarray,
    label: np.ndarray,
    as_of: np.ndarray,
    account_id: np.ndarray,
    share: float = 0.1,
) -> float | None:
    """Top-decile lift: the churn rate of the lowest-scored 10% at each date, over the
    churn rate of all scored observations."""
    ok = ~np.isnan(score)
    base = label[ok].mean() if ok.any() else 0.0
    if base <= 0:
        return None
    top = flagged_first(score, as_of, account_id, share)
    return float(label[top].mean() / base)


def band_rates(
    band: np.ndarray,
    label: np.ndarray,
    arr: np.ndarray,
    churned_arr: np.ndarray,
    order: list[str],
) -> list[dict[str, Any]]:
    """Per band (in the model's order, worst first): observations, churned, churn rate,
    ARR and churned ARR."""
    out = []
    for b in order:
        m = band == b
        n = int(m.sum())
        out.append(
            {
                "band": b,
                "observations": n,
                "churned": int(label[m].sum()),
                "churn_rate": float(label[m].mean()) if n else None,
                "arr": float(np.nansum(arr[m])),
                "churned_arr": float(np.nansum(churned_arr[m])),
            }
        )
    return out


def monotonic(rates: list[dict[str, Any]]) -> bool | None:
    """Whether the churn rate never rises from the worst band to the best (bands without
    observations are passed over); None when fewer than two bands hold observations, as
    there is nothing to compare (every account red is not a score that sorts churn)."""
    r = [b["churn_rate"] for b in rates if b["churn_rate"] is not None]
    if len(r) < 2:
        return None
    return all(a >= b for a, b in itertools.pairwise(r))


def churned_arr_flagged(
    account_id: np.ndarray,
    as_of: np.ndarray,
    band: np.ndarray,
    label: np.ndarray,
    churned_arr: np.ndarray,
    flagged: list[str],
) -> dict[str, Any]:
    """Of the ARR that churned, the share whose account was in a ``flagged`` band (e.g.
    red or yellow) at its last observation before it churned."""
    idx = np.flatnonzero(label == 1)
    # the last observation of each churned account: sort by account, then date
    idx = idx[np.lexsort((as_of[idx], account_id[idx].astype(str)))]
    last = idx[np.r_[account_id[idx][1:] != account_id[idx][:-1], True]] if len(idx) else idx
    total = float(np.nansum(churned_arr[last]))
    hit = last[np.isin(band[last], flagged)]
    caught = float(np.nansum(churned_arr[hit]))
    return {
        "bands": flagged,
        "churned_accounts": len(last),
        "flagged_accounts": len(hit),
        "churned_arr": total,
        "flagged_arr": caught,
        "share": caught / total if total > 0 else None,
    }


def calibration(prob: np.ndarray, label: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Reliability of churn probabilities: observations sorted by probability in equal
    bins, each bin's mean probability against its churn rate; the Brier score and the
    expected calibration error (bin-size-weighted mean gap)."""
    ok = ~np.isnan(prob)
    p, y = prob[ok], label[ok]
    if not len(p):
        return {"bins": [], "brier": None, "ece": None, "observations": 0}
    order = np.lexsort((y, p))
    rows = []
    gap = 0.0
    for part in np.array_split(order, min(bins, len(p))):
        mp, my = float(p[part].mean()), float(y[part].mean())
        rows.append({"predicted": mp, "observed": my, "observations": len(part)})
        gap += len(part) * abs(mp - my)
    return {
        "bins": rows,
        "brier": float(((p - y) ** 2).mean()),
        "ece": gap / len(p),
        "observations": len(p),
    }


# a grade with this many distinct values or fewer is shown value by value (NPS: 0/50/100)
DISTINCT_COHORTS = 6
COHORTS = 5


def cohorts(grade: np.ndarray, label: np.ndarray) -> dict[str, Any]:
    """Churn rate by the grade's cohorts: one per value when it takes few values, else
    quintiles of the grade; and the cohort without a grade (missing)."""
    ok = ~np.isnan(grade)
    g, y = grade[ok], label[ok]
    values = np.unique(g)
    if len(values) <= DISTINCT_COHORTS:
        edges = np.concatenate([values, [np.inf]])
    else:
        edges = np.unique(np.quantile(g, np.linspace(0, 1, COHORTS + 1)))
        edges[-1] = np.inf
    which = np.searchsorted(edges, g, side="right") - 1
    out = []
    for i in range(len(edges) - 1):
        m = which == i
        if not m.any():
            continue
        out.append(
            {
                "low": float(g[m].min()),
                "high": float(g[m].max()),
                "mean_grade": float(g[m].mean()),
                "observations": int(m.sum()),
                "churned": int(y[m].sum()),
                "churn_rate": float(y[m].mean()),
            }
        )
    miss = ~ok
    return {
        "cohorts": out,
        "missing": {
            "observations": int(miss.sum()),
            "churned": int(label[miss].sum()),
            "churn_rate": float(label[miss].mean()) if miss.any() else None,
        },
    }


def item(name: str, grade: np.ndarray, label: np.ndarray) -> dict[str, Any]:
    """A measure's or group's own figures: AUC of its grade, coverage, cohorts."""
    return {
        "name": name,
        "auc": auc(grade, label),
        "coverage": float((~np.isnan(grade)).mean()) if len(grade) else None,
        **cohorts(grade, label),
    }
