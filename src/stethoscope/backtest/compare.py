"""Two models on the same observations: each one's AUC, the difference, and a bootstrap
confidence interval of the difference.

Both models score the same (date, account) pairs: which accounts are active on a date does
not depend on the model. The interval resamples *accounts* with replacement (all of an
account's observations go together, since one account's observations at successive dates
are not independent), recomputes both AUCs on each resample and takes the 2.5th and 97.5th
percentiles of the difference. A resample is a weight per observation (how many times its
account was drawn), so each replicate costs a few passes over arrays already sorted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stethoscope.backtest import metrics
from stethoscope.backtest.observations import Observations
from stethoscope.errors import DataError


def aligned(a: Observations, b: Observations) -> tuple[Observations, Observations]:
    """The observations both models scored, in the same order."""
    ka = np.char.add(a.as_of.astype(str).astype("U10"), a["account_id"].astype(str))
    kb = np.char.add(b.as_of.astype(str).astype("U10"), b["account_id"].astype(str))
    common, ia, ib = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
    if not len(common):
        raise DataError("the two models share no observation to compare")
    a, b = a.take(ia), b.take(ib)
    both = ~np.isnan(a.score) & ~np.isnan(b.score)
    return a.take(both), b.take(both)


def difference(
    a: Observations, b: Observations, *, replicates: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """AUC of b minus AUC of a on aligned observations, with its bootstrap interval."""
    y = a.label
    auc_a, auc_b = metrics.auc(a.score, y), metrics.auc(b.score, y)
    if auc_a is None or auc_b is None:
        raise DataError(
            "the observations hold no churned account, or only churned ones: no AUC to compare",
            hint="widen the span (--from/--to) or the --horizon",
        )
    accounts, who = np.unique(a["account_id"].astype(str), return_inverse=True)
    ga = np.unique(a.score, return_inverse=True)[1]
    gb = np.unique(b.score, return_inverse=True)[1]
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(replicates):
        drawn = np.bincount(rng.integers(0, len(accounts), len(accounts)), minlength=len(accounts))
        w = drawn[who].astype(float)
        ra, rb = metrics.auc_grouped(ga, y, w), metrics.auc_grouped(gb, y, w)
        if ra is not None and rb is not None:
            diffs.append(rb - ra)
    d = np.array(diffs)
    return {
        "observations": len(a),
        "churned": int(y.sum()),
        "auc_a": auc_a,
        "auc_b": auc_b,
        "difference": auc_b - auc_a,
        "ci95": [float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))] if len(d) else None,
        "b_better_share": float((d > 0).mean()) if len(d) else None,
        "bootstrap": {"replicates": len(d), "seed": seed, "resampled": "accounts"},
    }
