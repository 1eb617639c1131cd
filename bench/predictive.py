"""Predictive power on random books: discover, then calibrate, against the oracle.

    python bench/predictive.py [--seeds 0 1 2 3 4] [--accounts 2000] [--months 12]
                               [--json bench/out/predictive.json]

For each seed, a ``stethoscope demo --causes random`` book (issue 18's first "Done when"
line): ``discover`` reads the first eight calendar months only (``--to`` their last day, so
every label window it learns from ends by then) and writes a starter model; ``calibrate``
fits that model on the same months; both are then backtested on the observation dates of
the last four months (horizon 90 days, monthly, the oracle's very dates), and compared with
the oracle: a logistic regression on the drawn causes' true features and the contract
columns, fitted and tested on the same split (``contract.demo_oracle.oracle_auc``).

Per seed it prints the AUCs (all test observations, and those where a term ends inside the
horizon, where only behaviour tells who leaves), the gap to the oracle, for each drawn
cause the model measure whose grade follows its true feature most closely (|Spearman| on
the test observations, the measure's fitted weight) and whether that grade points the
way the cause runs, and the churn rate per band. Nothing here informs discover or
calibrate: the side file is read only to judge them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from stethoscope.contract.demo import generate_book
from stethoscope.contract.demo_causes import read_causes
from stethoscope.contract.demo_oracle import (
    connect_book,
    monthly_dates,
    observe,
    oracle_auc,
)
from stethoscope.model.types import Model
from stethoscope.project import Project
from stethoscope.steps import add_months

HORIZON = 90
# the 15th: every month has it, so monthly dates never clamp and the oracle's dates and the
# backtest's are the same days
END = dt.date(2025, 6, 15)
FIT_MONTHS = 8
# a cause is "represented" when a measure's grade follows its feature this closely
REPRESENTED = 0.5
CANDIDATE_KEYS = ("name", "auc", "auc_held_out", "direction", "group", "caveat", "coverage")


def weights(model: Model) -> dict[str, float]:
    """Each measure's effective share (0-1) of the first score's first scorecard: the
    product of the weight shares along its path."""
    card = model.scorecards[model.scores[next(iter(model.scores))].segments[0].scorecard]
    out: dict[str, float] = {}

    def walk(items: tuple[Any, ...], share: float) -> None:
        total = sum(i.weight for i in items) or 1.0
        for i in items:
            w = share * i.weight / total
            if i.kind == "measure":
                out[i.name] = out.get(i.name, 0.0) + w
            else:
                walk(model.groups[i.name].items, w)

    walk(card.items, 1.0)
    return out


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """AUC of the score read the healthy way (a low score, churn)."""
    if label.min() == label.max():
        return float("nan")
    return float(roc_auc_score(label, -score))


def judge(
    p: Project, model_file: Path, dates: list[dt.date], truth: Any, causes: Any
) -> dict[str, Any]:
    """Backtest ``model_file`` on ``dates`` and read it against the oracle's features."""
    b = p.backtest(
        model=model_file, start=dates[0], end=dates[-1], every="1mo", horizon=HORIZON, save=False
    )
    o = b.observations
    model = p.load_model(model_file)
    key = {
        (str(a), str(t)): i
        for i, (a, t) in enumerate(zip(truth.account_id, truth.as_of.astype(str), strict=True))
    }
    rows = np.array(
        [
            key.get((str(a), str(t)), -1)
            for a, t in zip(o["account_id"], o.as_of.astype(str), strict=True)
        ]
    )
    found = rows >= 0
    score, label = o.score[found].astype(float), o.label[found].astype(int)
    at = rows[found]
    term_end = truth.x["term_end"][at] > 0
    w = weights(model)
    out: dict[str, Any] = {
        "auc": auc(score, label),
        "auc_at_term_end": auc(score[term_end], label[term_end]),
        "matched": int(found.sum()),
        "rows": len(o),
        "bands": [
            {"band": r["band"], "count": r["observations"], "churn_rate": r["churn_rate"]}
            for r in b.report["bands"]
        ],
        "measures": {m: round(w.get(m, 0.0), 3) for m in sorted(w, key=lambda k: -w.get(k, 0.0))},
        "causes": {},
    }
    rates = [r["churn_rate"] for r in b.report["bands"] if r["observations"]]
    out["falls_band_by_band"] = all(a > c for a, c in itertools.pairwise(rates))
    for c in causes.causes:
        feature = truth.x[c.name][at]
        best: tuple[float, str] = (0.0, "")
        for m, g in o.grades.items():
            grade = g[found]
            ok = ~np.isnan(grade) & ~np.isnan(feature)
            if ok.sum() < 50 or np.nanstd(grade[ok]) == 0:
                continue
            rho = float(spearmanr(grade[ok], feature[ok]).statistic)
            if abs(rho) > abs(best[0]):
                best = (rho, m)
        rho, measure = best
        out["causes"][c.name] = {
            "direction": c.direction,
            "reversed": c.reversed,
            "measure": measure,
            "metric": model.measures[measure].metric if measure else None,
            "rho": round(rho, 3),
            "weight": round(w.get(measure, 0.0), 3),
            "represented": bool(abs(rho) >= REPRESENTED and w.get(measure, 0.0) > 0),
            # a healthy grade falls as a churn-raising feature rises
            "right_way": bool(measure) and bool(np.sign(rho) == -c.direction),
        }
    return out


def run_seed(
    seed: int, accounts: int, months: int, work: Path, every: str = "1mo"
) -> dict[str, Any]:
    first = add_months(END, -months)
    split = add_months(first, FIT_MONTHS)
    folder = work / f"book-{seed}"
    started = time.perf_counter()
    generate_book(folder, accounts=accounts, months=months, seed=seed, end=END, causes="random")
    causes = read_causes(folder / "causes.json")
    oracle = oracle_auc(
        folder, causes, start=first, end=END, fit_until=split, test_from=split,
        horizon_days=HORIZON,
    )  # fmt: skip
    test_dates = [d for d in monthly_dates(first, END, HORIZON) if d >= split]
    truth = observe(connect_book(folder), test_dates, HORIZON, first)

    project = work / f"project-{seed}"
    project.mkdir()
    (project / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(project) as p:
        p.load_demo(accounts=accounts, months=months, seed=seed, end=END, causes="random")
        starter, calibrated = project / "starter.yaml", project / "calibrated.yaml"
        d = p.discover(out=starter, every=every, horizon=HORIZON, to=split)
        p.calibrate(
            out=calibrated,
            model=starter,
            end=split - dt.timedelta(days=HORIZON),
            every=every,
            horizon=HORIZON,
        )
        ranked = [{k: c.get(k) for k in CANDIDATE_KEYS} for c in d.to_json()["candidates"]]
        return {
            "seed": seed,
            "causes": [
                {"name": c.name, "direction": c.direction, "strength": c.strength}
                for c in causes.causes
            ],
            "oracle": {"auc": oracle.auc, "auc_at_term_end": oracle.auc_at_term_end},
            "test": {"rows": oracle.test_rows, "churned": oracle.test_churned},
            "discover": judge(p, starter, test_dates, truth, causes),
            "calibrate": judge(p, calibrated, test_dates, truth, causes),
            "discover_top": ranked[:40],
            "seconds": round(time.perf_counter() - started, 1),
        }


def show(r: dict[str, Any]) -> None:
    o, dsc, cal = r["oracle"], r["discover"], r["calibrate"]
    drawn = ", ".join(f"{c['name']} {c['direction'] * c['strength']:+.2f}" for c in r["causes"])
    print(f"\nseed {r['seed']}: {drawn}  ({r['seconds']} s)")
    print(f"  test rows {r['test']['rows']:,}, churned {r['test']['churned']}")
    print("                 AUC    gap   term ends  gap")
    for name, x in (("oracle", o), ("discover", dsc), ("+ calibrate", cal)):
        print(
            f"  {name:<12} {x['auc']:.3f} {o['auc'] - x['auc']:+.3f}"
            f"   {x['auc_at_term_end']:.3f}  {o['auc_at_term_end'] - x['auc_at_term_end']:+.3f}"
        )
    for name, c in cal["causes"].items():
        print(
            f"  cause {name:<17} {'reversed ' if c['reversed'] else ''}-> {c['measure']} "
            f"({c['metric']}, rho {c['rho']:+.2f}, weight {c['weight']:.2f}): "
            + (
                f"represented, {'right way' if c['right_way'] else 'WRONG WAY'}"
                if c["represented"]
                else "MISSED"
            )
        )
    bands = ", ".join(
        f"{b['band']} {b['churn_rate'] * 100:.1f}% ({b['count']})"
        for b in cal["bands"]
        if b["count"]
    )
    print(f"  bands: {bands}: {'falls' if cal['falls_band_by_band'] else 'DOES NOT FALL'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--accounts", type=int, default=2000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--every", default="1mo", help="the step of discover's and calibrate's fit dates"
    )
    a = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in a.seeds:
            r = run_seed(seed, a.accounts, a.months, Path(tmp), a.every)
            show(r)
            results.append(r)
            sys.stdout.flush()
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
