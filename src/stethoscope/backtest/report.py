"""A backtest (or a comparison of two models) for people: a terminal summary, and a
self-contained HTML page with its figures as inline SVG (no script, no network).

Both read only the report's JSON (``Backtest.to_json``), so what they show is what the
JSON holds.
"""

from __future__ import annotations

from html import escape
from typing import Any

from stethoscope.backtest import svg


def pct(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{v * 100:.{digits}f}%"


def num(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def money(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f}"


def _dates(r: dict[str, Any]) -> str:
    s = r["settings"]
    span = f"{len(r['dates'])}: {s['from']} to {s['to']}"
    if s.get("anchor", "calendar") != "calendar":
        return f"{span}, each account {s['lead_days']}d before each of its term ends"
    # reports kept before calendar steps say every_days only
    return f"{span}, every {s.get('every') or str(s['every_days']) + 'd'}"


def falls(monotonic: bool | None) -> str:
    """The answer to "does churn fall band by band?" in words."""
    if monotonic is None:
        return "not enough bands (fewer than two hold observations)"
    return "yes" if monotonic else "NO"


def headline(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures a summary leads with, as (label, text)."""
    s = r["settings"]
    flagged = r["churned_arr_flagged"]
    cal = r["calibration"]
    return [
        ("model", f"{r['model']['name']} ({r['model']['version'][:12]})"),
        ("score / level", f"{s['score']} / {s['level']}"),
        ("observation dates", _dates(r)),
        ("horizon / lead", f"{s['horizon_days']}d / {s['lead_days']}d"),
        (
            "observations",
            f"{r['observations']:,} ({r['accounts']:,} accounts, {r['scored']:,} scored)",
        ),
        ("churned", f"{r['churned']:,} ({pct(r['churn_rate'])})"),
        ("AUC", num(r["auc"])),
        (
            "top-decile lift",
            "-" if r["lift_top_decile"] is None else f"{r['lift_top_decile']:.2f}x",
        ),
        ("churn falls band by band", falls(r["monotonic"])),
        (
            f"churned ARR {'/'.join(flagged['bands'])} beforehand",
            f"{pct(flagged['share'])} of {money(flagged['churned_arr'])}",
        ),
        (
            "calibration (Brier / ECE)",
            f"{num(cal.get('brier'), 4)} / {num(cal.get('ece'), 4)}"
            + ("" if cal.get("out_of_time", True) else " (in sample)"),
        ),
    ]


# -- HTML --------------------------------------------------------------------------------

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1150px; color: #222;
padding: 0 .75em; } .scroll { overflow-x: auto; } svg { max-width: 100%; height: auto; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: .5em 0; } td, th { padding: 3px 10px;
border-bottom: 1px solid #ddd; text-align: right; } td:first-child, th:first-child
{ text-align: left; } .charts { display: flex; flex-wrap: wrap; gap: 16px; }
.note { color: #555; max-width: 60em; } .bad { color: #b00; font-weight: bold; }
"""


def _table(head: list[str], rows: list[list[str]]) -> str:
    h = "".join(f"<th>{escape(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    # a table wider than a phone scrolls in its box, which takes the focus to scroll by keys
    label = "Table: " + ", ".join(c for c in head if c) if any(head) else "Summary"
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(label)}">'
        f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _roc(series: list[tuple[str, list[list[float]]]]) -> str:
    return svg.lines(
        "ROC",
        [(n, [(p[0], p[1]) for p in pts]) for n, pts in series],
        xlabel="false positive rate",
        ylabel="true positive rate",
        xr=(0.0, 1.0),
        yr=(0.0, 1.0),
        diagonal=True,
    )


def _sections(r: dict[str, Any]) -> str:
    cal = r["calibration"]
    charts = [
        _roc([(f"AUC {num(r['auc'])}", r["roc"])]),
        svg.bars(
            "Churn rate by band",
            [(b["band"], b["churn_rate"] or 0.0) for b in r["bands"]],
            ylabel="churned within the horizon",
        ),
    ]
    if cal.get("bins"):
        top = max(max(b["predicted"], b["observed"]) for b in cal["bins"]) * 1.1 or 1.0
        charts.append(
            svg.lines(
                "Calibration" + ("" if cal.get("out_of_time") else " (in sample)"),
                [("", [(b["predicted"], b["observed"]) for b in cal["bins"]])],
                xlabel="predicted churn probability",
                ylabel="observed churn rate",
                xr=(0.0, top),
                yr=(0.0, top),
                diagonal=True,
                points=True,
                pct_y=True,
            )
        )
    out = [f"<div class='charts'>{''.join(charts)}</div>"]
    out.append("<h2>Bands</h2>")
    out.append(
        _table(
            ["band", "observations", "churned", "churn rate", "ARR", "churned ARR"],
            [
                [
                    b["band"],
                    f"{b['observations']:,}",
                    f"{b['churned']:,}",
                    pct(b["churn_rate"]),
                    money(b["arr"]),
                    money(b["churned_arr"]),
                ]
                for b in r["bands"]
            ],
        )
    )
    if r["monotonic"] is None:
        out.append(
            "<p class='bad'>Fewer than two bands hold observations: the bands do not sort "
            "the accounts (every one in the same band?), so churn cannot fall band by band.</p>"
        )
    elif not r["monotonic"]:
        out.append("<p class='bad'>The churn rate does not fall from band to band.</p>")
    for kind, title in (("measures", "Measures"), ("groups", "Groups")):
        items = [it for it in r[kind] if it["cohorts"]]
        if not items:
            continue
        out.append(f"<h2>{title}: churn rate by grade cohort</h2>")
        curves = [
            svg.lines(
                f"{it['name']} (AUC {num(it['auc'])})",
                [("", [(c["mean_grade"], c["churn_rate"]) for c in it["cohorts"]])],
                xlabel="grade",
                ylabel="churn rate",
                xr=(0.0, 100.0),
                points=True,
                pct_y=True,
            )
            for it in items
        ]
        out.append(f"<div class='charts'>{''.join(curves)}</div>")
        out.append(
            _table(
                ["name", "AUC", "coverage", "scorecards", "no grade: churn rate"],
                [
                    [
                        it["name"]
                        + (" (reversed: higher grades churned more)" if it.get("reversed") else ""),
                        num(it["auc"]),
                        pct(it["coverage"], 0),
                        ", ".join(it.get("scorecards") or []),
                        pct(it["missing"]["churn_rate"]),
                    ]
                    for it in r[kind]
                ],
            )
        )
    out.append("<h2>By observation date</h2>")
    out.append(
        _table(
            ["date", "observations", "churned", "churn rate", "AUC"],
            [
                [
                    d["as_of"],
                    f"{d['observations']:,}",
                    f"{d['churned']:,}",
                    pct(d["churn_rate"]),
                    num(d["auc"]),
                ]
                for d in r["by_date"]
            ],
        )
    )
    return "".join(out)


def html(r: dict[str, Any]) -> str:
    """The report as one HTML page that needs nothing else."""
    if r.get("kind") == "compare":
        return _compare_html(r)
    rows = [[k, v] for k, v in headline(r)]
    body = (
        f"<h1>Backtest of {escape(r['model']['name'])}</h1>"
        "<p class='note'>Every active account scored at each observation date with only the "
        "data known then, labelled by whether it churned within the horizon after it. "
        "AUC: the chance that a churned account scored below one that stayed (0.5 is "
        "chance). Lift: churn among the lowest-scored tenth of each date over churn among "
        "all. See docs/concepts/backtesting.md.</p>" + _table(["", ""], rows) + _sections(r)
    )
    return _page(f"Backtest of {r['model']['name']}", body)


def _compare_html(r: dict[str, Any]) -> str:
    d = r["difference"]
    ci = d["ci95"] or [None, None]
    rows = [
        ["AUC A", num(d["auc_a"])],
        ["AUC B", num(d["auc_b"])],
        ["B - A", f"{d['difference']:+.4f}"],
        ["95% interval", f"{num(ci[0], 4)} to {num(ci[1], 4)}"],
        ["observations", f"{d['observations']:,} ({d['churned']:,} churned)"],
        ["bootstrap", f"{d['bootstrap']['replicates']} resamples of accounts"],
    ]
    a, b = r["a"], r["b"]
    body = (
        f"<h1>{escape(a['model']['name'])} (A) against {escape(b['model']['name'])} (B)</h1>"
        + _table(["", ""], rows)
        + "<div class='charts'>"
        + _roc([(f"A {num(d['auc_a'])}", a["roc"]), (f"B {num(d['auc_b'])}", b["roc"])])
        + "</div>"
        + f"<h2>A: {escape(a['model']['name'])}</h2>"
        + _sections(a)
        + f"<h2>B: {escape(b['model']['name'])}</h2>"
        + _sections(b)
    )
    return _page("Two models compared", body)
