"""Commands that judge a model against real churn: backtest (and --compare), calibrate,
forecast. They read the whole history, so they run on the store directly: while a server
owns the project's database they say so instead of going through it."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state
from stethoscope.errors import DataError, StoreBusyError

if TYPE_CHECKING:
    from stethoscope.facade.protocol import Facade
    from stethoscope.steps import Step

DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def _step(text: str) -> Step:
    from stethoscope.steps import parse_step

    return parse_step(text, "--every")


def _days(text: str, option: str) -> int:
    from stethoscope.model.spec import DURATION, duration_days

    if text == "0d" and option == "--lead":
        return 0
    if not DURATION.match(text):
        raise DataError(f"{option}: expected a duration like '30d', '2w' or '1y', got '{text}'")
    return duration_days(text)


def _local() -> Facade:
    from stethoscope.client import RemoteProject
    from stethoscope.connect import connect

    project = connect(state.project, on_wait=output.note)
    if isinstance(project, RemoteProject):
        url = project.lease.url
        project.close()
        raise StoreBusyError(
            f"a server ({url}) owns the project's database; backtests, calibration and "
            "forecasts cannot go through a running server",
            hint="stop the server (or run on a copy of the database), then run the command again",
        )
    return project


def _emit(data: dict[str, Any], fmt: str, out: Path | None) -> None:
    from stethoscope.backtest import report

    if fmt == "table":
        _print_summary(data)
        if out:
            out.write_text(json.dumps(data, indent=1, default=str))
            output.note(f"wrote {out}")
        return
    text = report.html(data) if fmt == "html" else json.dumps(data, default=str)
    if out:
        out.write_text(text)
        output.note(f"wrote {out}")
    else:
        sys.stdout.write(text + "\n")


Every = Annotated[
    str, typer.Option("--every", help="Step between observation dates: 30d, 2w, 1mo.")
]
Horizon = Annotated[
    str, typer.Option("--horizon", help="Churn counts when it happens this long after a date.")
]
Lead = Annotated[
    str,
    typer.Option(
        "--lead",
        help="Calendar: churn this soon after a date is left out. Renewal: observe this long "
        "before each term end.",
    ),
]
AnchorOpt = Annotated[
    str,
    typer.Option(
        "--anchor",
        help="calendar (every account on the same dates) or renewal (each account at its "
        "own term ends minus --lead).",
    ),
]
Score = Annotated[str, typer.Option("--score", help="Which score of the model.")]
Level = Annotated[str, typer.Option("--level", help="account, or parent (account families).")]
Out = Annotated[Path | None, typer.Option("--out", help="Write the report to this file.")]


@app.command()
def backtest(
    model: Annotated[Path | None, typer.Option("--model", help="Model file.")] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First observation date."),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option(
            "--to", formats=["%Y-%m-%d"], help="Last one (default: the last with a full horizon)."
        ),
    ] = None,
    every: Every = "30d",
    horizon: Horizon = "90d",
    lead: Lead = "0d",
    anchor: AnchorOpt = "calendar",
    score: Score = "health",
    level: Level = "account",
    probability: Annotated[
        str, typer.Option("--probability", help="isotonic or platt.")
    ] = "isotonic",
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", help="Two model files on the same observations."),
    ] = None,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=10, help="Resamples for --compare's interval.")
    ] = 1000,
    fmt: Annotated[str, typer.Option("--format", help="table, json or html.")] = "table",
    out: Out = None,
    observations: Annotated[
        bool,
        typer.Option("--observations/--no-observations", help="Include every observation in JSON."),
    ] = True,
) -> None:
    """Replay the model against history: does its score predict churn?"""
    if fmt not in ("table", "json", "html"):
        raise DataError(f"--format must be table, json or html, got '{fmt}'")
    args: dict[str, Any] = {
        "start": start.date() if start else None,
        "end": end.date() if end else None,
        "every": _step(every),
        "horizon": _days(horizon, "--horizon"),
        "lead": _days(lead, "--lead"),
        "score": score,
        "level": level,
        "anchor": anchor,
    }
    with _local() as project, output.progress_bar("dates") as tick:
        if compare:
            data = project.compare_models(
                compare[0], compare[1], replicates=bootstrap, progress=tick, **args
            )
        else:
            b = project.backtest(model=model, method=probability, progress=tick, **args)
            data = b.to_json(observations=observations and fmt == "json")
    _emit(data, fmt, out)


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option("--out", help="The new model file to write.")],
    model: Annotated[Path | None, typer.Option("--model", help="Model file to start from.")] = None,
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First date.")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last date.")
    ] = None,
    every: Every = "30d",
    horizon: Horizon = "90d",
    lead: Lead = "0d",
    anchor: AnchorOpt = "calendar",
    score: Score = "health",
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    flips: Annotated[
        bool,
        typer.Option("--flips/--no-flips", help="Turn round measures that point the wrong way."),
    ] = True,
    curves: Annotated[
        bool, typer.Option("--curves/--no-curves", help="Fit grading curves from the data.")
    ] = True,
    flatten: Annotated[
        bool, typer.Option("--flatten", help="Write scorecards of measures, without groups.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Fit weights at every level, reversed measures, grading curves and band thresholds on
    backtest observations into a NEW model file."""
    step, horizon_days, lead_days = _step(every), _days(horizon, "--horizon"), _days(lead, "--lead")
    with _local() as project, output.progress_bar("dates") as tick:
        r = project.calibrate(
            out,
            model=model,
            start=start.date() if start else None,
            end=end.date() if end else None,
            every=step,
            horizon=horizon_days,
            lead=lead_days,
            anchor=anchor,
            score=score,
            force=force,
            flips=flips,
            curves=curves,
            flatten=flatten,
            progress=tick,
        )
    if fmt == "json":
        sys.stdout.write(json.dumps(r) + "\n")
        return
    from stethoscope.cli.calibration import print_calibration

    print_calibration(r)


@app.command()
def forecast(
    model: Annotated[Path | None, typer.Option("--model", help="Model file.")] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Date to forecast from."),
    ] = None,
    every: Every = "30d",
    horizon: Horizon = "90d",
    score: Score = "health",
    level: Level = "account",
    probability: Annotated[str, typer.Option("--probability", help="isotonic or platt.")] = (
        "isotonic"
    ),
    top: Annotated[int, typer.Option("--top", min=0, help="Accounts most at risk to list.")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Revenue at risk: churn probability per account, expected churned ARR per segment,
    owner and renewal month."""
    step = _step(every)
    with _local() as project:
        r = project.churn_forecast(
            model=model,
            as_of=as_of.date() if as_of else None,
            every=step,
            horizon=_days(horizon, "--horizon"),
            score=score,
            level=level,
            method=probability,
            top=top,
        )
    if fmt == "json":
        sys.stdout.write(json.dumps(r) + "\n")
        return
    from rich.table import Table

    c = output.console
    c.print(
        f"As of {r['as_of']}: {r['accounts']:,} accounts, ARR {r['arr']:,.0f}; expected to "
        f"churn within {r['horizon_days']} days: {r['expected_churned_arr']:,.0f} ARR "
        f"({r['expected_churned_accounts']:.1f} accounts). Probability fitted on a backtest "
        f"of {r['fitted_on']['from']} to {r['fitted_on']['to']} "
        f"(AUC {r['fitted_on']['auc'] or 0:.3f}).",
        highlight=False,
    )
    for key in ("segment", "owner", "renewal_month"):
        t = Table(key, "accounts", "ARR", "expected churned ARR", "mean probability")
        for row in r[key][: 12 if key != "renewal_month" else None]:
            p = row["mean_probability"]
            t.add_row(
                row[key],
                f"{row['accounts']:,}",
                f"{row['arr']:,.0f}",
                f"{row['expected_churned_arr']:,.0f}",
                "-" if p is None else f"{p * 100:.1f}%",
            )
        c.print(t)
    if r["top_accounts"]:
        t = Table("account", "score", "band", "ARR", "probability", "expected churned ARR")
        for a in r["top_accounts"]:
            t.add_row(
                a["account_id"],
                "-" if a["score"] is None else f"{a['score']:g}",
                str(a["band"] or "-"),
                f"{a['arr']:,.0f}",
                "-" if a["churn_probability"] is None else f"{a['churn_probability'] * 100:.1f}%",
                f"{a['expected_churned_arr']:,.0f}",
            )
        c.print(t)


def _print_summary(r: dict[str, Any]) -> None:
    from rich.table import Table

    from stethoscope.backtest.report import headline, money, num, pct

    if r.get("kind") == "compare":
        _print_compare(r)
        return
    t = Table(show_header=False, title="Backtest", title_justify="left")
    for k, v in headline(r):
        t.add_row(k, v)
    output.console.print(t)
    b = Table("band", "observations", "churned", "churn rate", "ARR", "churned ARR")
    for row in r["bands"]:
        b.add_row(
            row["band"],
            f"{row['observations']:,}",
            f"{row['churned']:,}",
            pct(row["churn_rate"]),
            money(row["arr"]),
            money(row["churned_arr"]),
        )
    output.console.print(b)
    m = Table("measure / group", "AUC", "coverage", "churn rate by grade, lowest cohort first")
    for kind in ("measures", "groups"):
        for it in r[kind]:
            curve = "  ".join(
                f"{c['low']:.0f}-{c['high']:.0f}: {pct(c['churn_rate'])}" for c in it["cohorts"]
            )
            name = it["name"] if kind == "measures" else f"[group] {it['name']}"
            name += " (reversed)" if it.get("reversed") else ""
            m.add_row(name, num(it["auc"]), pct(it["coverage"], 0), curve)
    output.console.print(m)


def _print_compare(r: dict[str, Any]) -> None:
    from rich.table import Table

    from stethoscope.backtest.report import falls, num

    d = r["difference"]
    t = Table("", "A", "B", title="Two models on the same observations", title_justify="left")
    t.add_row("model", r["a"]["model"]["name"], r["b"]["model"]["name"])
    t.add_row("file", str(r["a"]["model"]["file"]), str(r["b"]["model"]["file"]))
    t.add_row("AUC", num(d["auc_a"]), num(d["auc_b"]))
    t.add_row(
        "top-decile lift", num(r["a"]["lift_top_decile"], 2), num(r["b"]["lift_top_decile"], 2)
    )
    t.add_row("churn falls band by band", falls(r["a"]["monotonic"]), falls(r["b"]["monotonic"]))
    output.console.print(t)
    ci = d["ci95"]
    output.console.print(
        f"AUC B - A = {d['difference']:+.4f} (95% CI {ci[0]:+.4f} to {ci[1]:+.4f}; "
        f"{d['bootstrap']['replicates']} bootstrap resamples of accounts) on "
        f"{d['observations']:,} observations, {d['churned']:,} churned",
        highlight=False,
    )
