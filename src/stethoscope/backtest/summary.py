"""A backtest report: every figure, computed from the observations alone.

``summarize`` reads nothing but an ``Observations`` and the model's bands, so the same
function recomputes a report from the observations in its JSON.

The probability mapping shown for calibration is fitted out of time: on the earlier
observation dates whose labels were complete before the later dates begin, and judged on
those later dates. The mapping used for forecasts is fitted on every observation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest import metrics, probability
from stethoscope.backtest.calibrate_curves import reversed_
from stethoscope.backtest.observations import Observations

if TYPE_CHECKING:
    from stethoscope.model.types import Model


def split_dates(
    dates: list[dt.date], horizon: int, lead: int = 0
) -> tuple[list[dt.date], list[dt.date]]:
    """(earlier dates to fit on, later dates to test on): the later half of the dates is
    the test, and only dates whose label window closed by the first test date are fitted
    on (so no outcome the test could see was known when fitting). Fit is empty when no
    date qualifies."""
    if len(dates) < 2:
        return [], list(dates)
    test = dates[len(dates) // 2 :]
    fit = [d for d in dates if d + dt.timedelta(days=horizon + lead) <= test[0]]
    return fit, test


def summarize(
    obs: Observations,
    bands: list[str],
    *,
    horizon: int,
    lead: int = 0,
    method: probability.Method = "isotonic",
    uses: dict[str, list[str]] | None = None,
    pooled: bool = False,
) -> dict[str, Any]:
    """The figures of a backtest (see docs/concepts/backtesting.md). A measure's or
    group's own figures read the observations whose scorecard uses it (``uses``: name to
    scorecards; all observations when not given). ``pooled``: the top decile is taken
    over all observations, not per date (anchored observations: a date holds a few
    accounts, whose lowest tenth would be all of them)."""
    y, s = obs.label, obs.score
    scored = ~np.isnan(s)
    n = len(obs)
    dates = obs.dates
    rates = metrics.band_rates(obs["band"], y, obs["arr"], obs["churned_arr"], bands)
    by_date = []
    for d in dates:
        m = obs.as_of == np.datetime64(d)
        by_date.append(
            {
                "as_of": d.isoformat(),
                "observations": int(m.sum()),
                "churned": int(y[m].sum()),
                "churn_rate": float(y[m].mean()) if m.any() else None,
                "auc": metrics.auc(s[m], y[m]),
            }
        )
    calib: dict[str, Any] = {"method": method}
    fit_dates, test_dates = split_dates(dates, horizon, lead)
    if fit_dates and scored.any():
        fit_m = np.isin(obs.as_of, np.array(fit_dates, dtype="datetime64[D]")) & scored
        test_m = np.isin(obs.as_of, np.array(test_dates, dtype="datetime64[D]")) & scored
        if 0 < y[fit_m].sum() < fit_m.sum():
            mapping = probability.fit(s[fit_m], y[fit_m], method, horizon)
            calib |= {
                "out_of_time": True,
                "fit_dates": [d.isoformat() for d in fit_dates],
                "test_dates": [d.isoformat() for d in test_dates],
                "mapping": mapping.to_json(),
                **metrics.calibration(mapping.predict(s[test_m]), y[test_m]),
            }
    if "mapping" not in calib and scored.any() and 0 < y[scored].sum() < scored.sum():
        mapping = probability.fit(s[scored], y[scored], method, horizon)
        calib |= {
            "out_of_time": False,
            "fit_dates": [d.isoformat() for d in dates],
            "test_dates": [d.isoformat() for d in dates],
            "mapping": mapping.to_json(),
            **metrics.calibration(mapping.predict(s[scored]), y[scored]),
        }
    full = (
        probability.fit(s[scored], y[scored], method, horizon).to_json()
        if scored.any() and 0 < y[scored].sum() < scored.sum()
        else None
    )
    return {
        "observations": n,
        "scored": int(scored.sum()),
        "accounts": len(np.unique(obs["account_id"].astype(str))),
        "dates": [d.isoformat() for d in dates],
        "churned": int(y.sum()),
        "churn_rate": float(y.mean()) if n else None,
        "auc": metrics.auc(s, y),
        "lift_top_decile": metrics.lift(
            s, y, np.zeros_like(obs.as_of) if pooled else obs.as_of, obs["account_id"]
        ),
        "bands": rates,
        "monotonic": metrics.monotonic(rates),
        "churned_arr_flagged": metrics.churned_arr_flagged(
            obs["account_id"], obs.as_of, obs["band"], y, obs["churned_arr"], bands[:-1]
        ),
        "roc": metrics.roc(s, y),
        "calibration": calib,
        "probability": full,
        "by_date": by_date,
        "measures": [_item(obs, k, v, uses) for k, v in obs.grades.items()],
        "groups": [_item(obs, k, v, uses) for k, v in obs.groups.items()],
    }


def _item(
    obs: Observations, name: str, grade: np.ndarray, uses: dict[str, list[str]] | None
) -> dict[str, Any]:
    m = np.ones(len(obs), dtype=bool)
    if uses is not None:
        m = np.zeros(len(obs), dtype=bool)
        for card in uses.get(name, []):
            m |= obs["scorecard"] == card
    figures = metrics.item(name, grade[m], obs.label[m])
    known = ~np.isnan(grade[m])
    churned = int(obs.label[m][known].sum())
    # the grade ranks churners higher: `calibrate` offers to turn it round
    backwards = reversed_(figures["auc"], churned, int(known.sum()) - churned)
    return {**figures, "reversed": backwards, "scorecards": (uses or {}).get(name)}


def uses(model: Model, score: str) -> dict[str, list[str]]:
    """Each measure and group of a score: the scorecards that use it."""
    from stethoscope.engine.rollup import members

    out: dict[str, set[str]] = {}
    for seg in model.scores[score].segments:
        ms, gs = members(model, seg.scorecard)
        for n in ms + gs:
            out.setdefault(n, set()).add(seg.scorecard)
    return {k: sorted(v) for k, v in out.items()}


def band_names(model: Model) -> list[str]:
    return [b.name for b in model.bands]
