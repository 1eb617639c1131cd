"""A discover report for people: the rows of the terminal summary, and a self-contained HTML
page with a cohort churn curve per candidate (inline SVG, no script, no network).

Both read only the report's JSON (``Discovery.to_json``), so what they show is what the
JSON holds.
"""

from __future__ import annotations

from html import escape
from typing import Any

from stethoscope import charts
from stethoscope.backtest.report import _page, _table, num, pct

# cohort curves drawn in the HTML page: the strongest candidates
CURVES = 30


def headline(r: dict[str, Any]) -> list[tuple[str, str]]:
    s = r["settings"]
    rows = [
        (
            "observation dates",
            f"{len(s['dates'])}: {s['from']} to {s['to']}, every {s['every']}",
        ),
        ("horizon / lead", f"{s['horizon_days']}d / {s['lead_days']}d"),
        ("data read up to", s["data_until"]),
        (
            "observations",
            f"{r['observations']:,} ({r['accounts']:,} accounts), {r['churned']:,} churned "
            f"({pct(r['churn_rate'])})",
        ),
        ("candidates", f"{len(r['candidates'])} ({len(r['groups'])} groups)"),
        *_gate(r.get("judged_where_a_term_ends")),
        ("tables read", ", ".join(r["book"]["tables"]) or "-"),
    ]
    m = r["model"]
    if m:
        rows.append(("starter model AUC (in sample)", num(m["in_sample"]["auc"])))
        h = m["held_out"]
        if not h:
            rows.append(
                (
                    "starter model AUC (held out)",
                    "- (no earlier dates whose labels end before the later half begins, or "
                    "too few churned on them: judge it with a backtest after --to)",
                )
            )
        else:
            rows.append(
                (
                    "starter model AUC (held out)",
                    f"{num(h['auc'])} on {len(h['test_dates'])} later dates, lift "
                    f"{num(h['lift_top_decile'], 2)}x, churn falls band by band: "
                    f"{'yes' if h['monotonic'] else 'NO'}",
                )
            )
    else:
        rows.append(("starter model", f"none: {r['model_problem']}"))
    return rows


def _gate(g: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The headline's line on where candidates were judged, when a term end gates churn."""
    if not g:
        return []
    return [
        (
            "judged where a term ends",
            f"{g['observations']:,} observations ({pct(g['share_of_observations'])}) whose "
            f"{g['measure']} is within the horizon hold {pct(g['share_of_churned'])} of the "
            "churned: candidates are judged and graded there, and the term end is a measure",
        )
    ]


def curve(c: dict[str, Any]) -> str:
    """Churn rate by cohort, lowest values first, as text."""

    def v(x: float) -> str:
        return f"{x:.3g}"

    return "  ".join(
        f"{v(k['low'])}{'' if k['low'] == k['high'] else '-' + v(k['high'])}: "
        f"{pct(k['churn_rate'], 0)}"
        for k in c["cohorts"]
    )


def candidate_row(c: dict[str, Any]) -> list[str]:
    grouped = "" if c["group"] == c["name"] else f"~ {c['group']}"
    return [
        str(c["rank"]),
        c["name"],
        num(c["auc"]),
        c["direction"] or "-",
        num(c["auc_held_out"]),
        pct(c["coverage"], 0),
        grouped,
        _tag(c["caveat"]),
    ]


def _tag(caveat: str | None) -> str:
    if not caveat:
        return ""
    return "churn-only" if "written from the churn" in caveat else "static"


CANDIDATE_HEAD = [
    "#",
    "candidate",
    "AUC",
    "healthier",
    "held out",
    "coverage",
    "same as",
    "caveat",
]


def html(r: dict[str, Any]) -> str:
    """The report as one HTML page that needs nothing else."""
    body = [
        "<h1>Discover: what lost customers had in common</h1>",
        "<p class='note'>Every candidate metric computed for every active account on each "
        "observation date, with only the data known then, and compared with who churned "
        "within the horizon after it. AUC: the chance that a churned account had the less "
        "healthy value (0.5 is chance); 'healthier' says which way is healthy; 'held out' "
        "is that direction, read on the earlier dates, judged on the later ones. A candidate "
        "'same as' another correlates with that stronger one. See "
        "docs/concepts/backtesting.md (Discover).</p>",
        _table(["", ""], [[k, v] for k, v in headline(r)]),
    ]
    m = r["model"]
    if m:
        body.append("<h2>Starter model</h2>")
        body.append(
            _table(
                ["measure", "weight", "healthier", "AUC", "thresholds (at least: grade)"],
                [
                    [
                        x["name"],
                        str(x["weight"]),
                        x["direction"],
                        num(x["auc"]),
                        f"below: {x['thresholds']['below']}  "
                        + "  ".join(f"{a:g}: {g}" for a, g in x["thresholds"]["points"]),
                    ]
                    for x in m["measures"]
                ],
            )
        )
        figures = []
        for title, fig in (("in sample", m["in_sample"]), ("held out", m["held_out"])):
            if fig:
                figures.append(
                    charts.bars(
                        f"Churn rate by band ({title})",
                        [(b["band"], b["churn_rate"] or 0.0) for b in fig["bands"]],
                        ylabel="churned within the horizon",
                    )
                )
        body.append(f"<div class='charts'>{''.join(figures)}</div>")
    body.append("<h2>Candidates: churn rate by cohort of the value</h2>")
    curves = [
        charts.lines(
            f"{c['name']} (AUC {num(c['auc'])}, {c['direction']} healthier)",
            [("", [(k["mean"], k["churn_rate"]) for k in c["cohorts"]])],
            xlabel="value (cohort mean)",
            ylabel="churn rate",
            points=True,
            pct_y=True,
        )
        for c in r["candidates"][:CURVES]
        if c["cohorts"]
    ]
    body.append(f"<div class='charts'>{''.join(curves)}</div>")
    body.append("<h2>Every candidate</h2>")
    body.append(
        _table(
            [*CANDIDATE_HEAD, "churn by cohort, lowest values first", "no value: churn"],
            [
                [*candidate_row(c), curve(c), pct(c["missing"]["churn_rate"])]
                for c in r["candidates"]
            ],
        )
    )
    caveats = sorted({c["caveat"] for c in r["candidates"] if c["caveat"]})
    if caveats:
        body.append(
            "<p class='note'>Caveats (left out of the starter model): "
            + "; ".join(escape(c) for c in caveats)
            + ".</p>"
        )
    return _page("Discover", "".join(body))
