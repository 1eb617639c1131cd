"""Every preset backtests the demo book end to end, and every figure of the report is
recomputed here from the observations in its JSON, independently of the code that made it
(sklearn's AUC, plain Python for rates, lift and shares)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stethoscope.model.presets import list_presets, preset_text
from stethoscope.project import Project
from tests.conftest import DemoBook, cli

END = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_book: DemoBook) -> Path:
    # the same book as the other of test_backtest_demo and test_presets_on_demo: made once
    return demo_book(tmp_path_factory.mktemp("demo"), accounts=300, months=12, end=END)


def _rows(obs: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in obs if k not in ("grades", "groups")]
    out = []
    for i in range(len(obs["as_of"])):
        r = {k: obs[k][i] for k in keys}
        r["grades"] = {k: v[i] for k, v in obs["grades"].items()}
        r["groups"] = {k: v[i] for k, v in obs["groups"].items()}
        out.append(r)
    return out


def _auc(rows: list[dict[str, Any]], value: Any) -> float | None:
    from sklearn.metrics import roc_auc_score  # 1.9 s to import: here, not at collection

    pairs = [(value(r), r["label"]) for r in rows if value(r) is not None]
    labels = [y for _, y in pairs]
    if not pairs or len(set(labels)) < 2:
        return None
    # the score is high for healthy accounts: churn is predicted by its negative
    return float(roc_auc_score(labels, [-s for s, _ in pairs]))


def check_reproducible(r: dict[str, Any]) -> None:
    rows = _rows(r["rows"])
    n = len(rows)
    assert n == r["observations"] > 0
    churned = sum(x["label"] for x in rows)
    assert churned == r["churned"]
    assert r["churn_rate"] == pytest.approx(churned / n)
    assert r["auc"] == pytest.approx(_auc(rows, lambda x: x["score"]), abs=1e-12)
    # top-decile lift: the lowest-scored tenth of each date (ties by account id)
    by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in rows:
        if x["score"] is not None:
            by_date[x["as_of"]].append(x)
    top = []
    for xs in by_date.values():
        xs.sort(key=lambda x: (x["score"], x["account_id"]))
        top += xs[: max(1, math.ceil(0.1 * len(xs)))]
    scored = [x for x in rows if x["score"] is not None]
    base = sum(x["label"] for x in scored) / len(scored)
    assert r["lift_top_decile"] == pytest.approx(sum(x["label"] for x in top) / len(top) / base)
    # churn per band, and whether it falls from the worst band to the best
    bands = [b["name"] for b in r["model"]["bands"]]
    rates = []
    for b, fig in zip(bands, r["bands"], strict=True):
        xs = [x for x in rows if x["band"] == b]
        assert fig["band"] == b
        assert fig["observations"] == len(xs)
        assert fig["churned"] == sum(x["label"] for x in xs)
        assert fig["churned_arr"] == pytest.approx(sum(x["churned_arr"] for x in xs))
        if xs:
            rates.append(fig["churned"] / len(xs))
    assert r["monotonic"] == all(a >= b for a, b in itertools.pairwise(rates))
    # churned ARR red/yellow at the account's last observation before it churned
    last: dict[str, dict[str, Any]] = {}
    for x in rows:
        if x["label"] == 1 and (
            x["account_id"] not in last or x["as_of"] > last[x["account_id"]]["as_of"]
        ):
            last[x["account_id"]] = x
    total = sum(x["churned_arr"] for x in last.values())
    flagged = sum(x["churned_arr"] for x in last.values() if x["band"] in bands[:-1])
    f = r["churned_arr_flagged"]
    assert f["churned_accounts"] == len(last)
    assert f["share"] == pytest.approx(flagged / total)
    # calibration: the mapping in the JSON, applied to the test dates, bins of equal size
    cal = r["calibration"]
    mp = cal["mapping"]
    test = [x for x in scored if x["as_of"] in cal["test_dates"]]
    if mp["method"] == "isotonic":
        p = np.interp([x["score"] for x in test], mp["x"], mp["y"])
    else:
        p = 1 / (1 + np.exp(-(mp["a"] + mp["b"] * np.array([x["score"] for x in test]))))
    y = np.array([x["label"] for x in test])
    assert cal["brier"] == pytest.approx(float(((p - y) ** 2).mean()))
    assert sum(b["observations"] for b in cal["bins"]) == len(test)
    assert np.mean([b["predicted"] for b in cal["bins"]]) == pytest.approx(
        np.mean([b["predicted"] for b in cal["bins"]])
    )
    assert sum(b["predicted"] * b["observations"] for b in cal["bins"]) == pytest.approx(p.sum())
    assert sum(b["observed"] * b["observations"] for b in cal["bins"]) == pytest.approx(y.sum())
    if cal["out_of_time"]:
        # fitted only on dates whose labels were complete before the test dates
        horizon = r["settings"]["horizon_days"] + r["settings"]["lead_days"]
        first = dt.date.fromisoformat(cal["test_dates"][0])
        assert all(
            dt.date.fromisoformat(d) + dt.timedelta(days=horizon) <= first for d in cal["fit_dates"]
        )
    # each measure's and group's own AUC and cohorts, on the scorecards that use it
    for kind, col in (("measures", "grades"), ("groups", "groups")):
        for it in r[kind]:
            xs = [x for x in rows if x["scorecard"] in (it["scorecards"] or [])]
            got = _auc(xs, lambda x, n=it["name"], k=col: x[k][n])
            assert it["auc"] == (pytest.approx(got, abs=1e-12) if got is not None else None)
            graded = [x for x in xs if x[col][it["name"]] is not None]
            assert sum(c["observations"] for c in it["cohorts"]) == len(graded)
            assert sum(c["churned"] for c in it["cohorts"]) == sum(x["label"] for x in graded)
    # ROC ends at (1, 1) and starts at (0, 0)
    assert r["roc"][0] == [0.0, 0.0]
    assert r["roc"][-1] == [1.0, 1.0]


@pytest.mark.parametrize("preset", list_presets())
def test_each_preset_backtests_and_its_figures_come_from_its_json(demo: Path, preset: str) -> None:
    (demo / "model.yaml").write_text(preset_text(preset))
    with Project.open(demo) as p:
        b = p.backtest(every=30, horizon=90)
        r = json.loads(json.dumps(b.to_json()))
        assert p.latest_backtest()["model"]["version"] == p.load_model().version  # type: ignore[index]
    assert len(r["dates"]) >= 6
    assert r["churned"] > 20
    # the demo book's churn follows behaviour the presets read: better than chance
    assert r["auc"] > 0.6, preset
    check_reproducible(r)


def test_parent_level_rolls_families_up_by_arr(demo: Path) -> None:
    (demo / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(demo) as p:
        acc = json.loads(json.dumps(p.backtest(save=False).to_json()))
        fam = json.loads(json.dumps(p.backtest(level="parent", save=False).to_json()))
        parents = dict(p.store.con.execute("SELECT id, parent_id FROM accounts").fetchall())
    check_reproducible(fam)

    def root(a: str) -> str:
        while parents.get(a):
            a = parents[a]
        return a

    rows = _rows(acc["rows"])
    fams: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for x in rows:
        fams[(x["as_of"], root(x["account_id"]))].append(x)
    assert any(len(v) > 1 for v in fams.values()), "the demo book has families"
    got = {(x["as_of"], x["account_id"]): x for x in _rows(fam["rows"])}
    assert set(got) == set(fams)
    for k, members in fams.items():
        w = [m["arr"] or 1e-6 for m in members]
        want = sum(wi * m["score"] for wi, m in zip(w, members, strict=True)) / sum(w)
        assert got[k]["score"] == pytest.approx(round(want, 1), abs=0.051)
        assert got[k]["label"] == max(m["label"] for m in members)
        assert got[k]["arr"] == pytest.approx(sum(m["arr"] for m in members))


def test_cli_backtest_compare_calibrate_forecast(demo: Path, tmp_path: Path) -> None:
    (demo / "model.yaml").write_text(preset_text("four-signals"))
    (tmp_path / "b.yaml").write_text(preset_text("four-signals").replace("usage: 30", "usage: 60"))
    # every 60 days (the presets' test above backtests every 30): each of the 6 dates
    # scores the book once
    every = ["--every", "60d"]
    r = cli("backtest", *every, "--format", "json", "--out", str(tmp_path / "r.json"), cwd=demo)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    check_reproducible(data)
    # the other formats on fewer observation dates (the same code makes every figure)
    fewer = ["--every", "120d"]
    r = cli("backtest", *fewer, "--format", "html", "--out", str(tmp_path / "r.html"), cwd=demo)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "r.html").read_text()
    assert page.count("<svg") >= 4
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    r = cli("backtest", *fewer, cwd=demo)
    assert r.returncode == 0, r.stderr
    assert "top-decile lift" in r.stdout
    r = cli(
        "backtest",
        "--compare",
        "model.yaml",
        str(tmp_path / "b.yaml"),
        "--bootstrap",
        "200",
        *every,
        "--format",
        "json",
        cwd=demo,
    )
    assert r.returncode == 0, r.stderr
    cmp = json.loads(r.stdout)["difference"]
    assert cmp["difference"] == pytest.approx(cmp["auc_b"] - cmp["auc_a"])
    lo, hi = cmp["ci95"]
    assert lo <= cmp["difference"] <= hi
    assert cmp["auc_a"] == pytest.approx(data["auc"])
    r = cli(
        "backtest", "--compare", "model.yaml", str(tmp_path / "b.yaml"), "--bootstrap", "50",
        *fewer, "--format", "html", "--out", str(tmp_path / "cmp.html"), cwd=demo,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "against" in (tmp_path / "cmp.html").read_text()
    before = (demo / "model.yaml").read_text()
    r = cli("calibrate", "--out", "model.yaml", cwd=demo)
    assert r.returncode == 1
    assert "never overwrites" in r.stderr
    r = cli("calibrate", "--out", str(tmp_path / "new.yaml"), cwd=demo)
    assert r.returncode == 0, r.stderr
    assert "Held out:" in r.stdout
    assert "weights fitted at every level" in r.stdout
    assert (demo / "model.yaml").read_text() == before
    r = cli("validate", str(tmp_path / "new.yaml"), cwd=demo)
    assert r.returncode == 0, r.stderr
    r = cli("forecast", "--format", "json", cwd=demo)
    assert r.returncode == 0, r.stderr
    f = json.loads(r.stdout)
    for key in ("segment", "owner", "renewal_month"):
        assert sum(x["expected_churned_arr"] for x in f[key]) == pytest.approx(
            f["expected_churned_arr"]
        )
    assert 0 < f["expected_churned_arr"] < f["arr"]
    r = cli("backtest", "--to", "2026-01-01", cwd=demo)
    assert r.returncode == 1
    assert "after the last day of data" in r.stderr


def test_platt_probability_is_reproducible_too(demo: Path) -> None:
    (demo / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(demo) as p:
        r = json.loads(json.dumps(p.backtest(method="platt", save=False).to_json()))
    assert r["calibration"]["mapping"]["method"] == "platt"
    assert r["calibration"]["mapping"]["b"] < 0  # a higher score, a lower probability
    check_reproducible(r)


def test_backtest_commands_say_they_cannot_go_through_a_running_server(tmp_path: Path) -> None:
    from tests.serving import Serving

    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    with Serving(tmp_path):
        # in this process (the server is another): the command reads the server's lease
        for args in (["backtest"], ["calibrate", "--out", "new.yaml"], ["forecast"]):
            r = cli(*args, cwd=tmp_path)
            assert r.returncode == 1, (args, r.stdout, r.stderr)
            assert "cannot go through a running server" in r.stderr
            assert "Traceback" not in r.stderr
    assert not (tmp_path / "new.yaml").exists()
