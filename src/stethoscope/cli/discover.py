"""`stethoscope discover`: the traits of lost customers, and a starter model of them."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app
from stethoscope.cli.backtest import Horizon, Lead, _days, _local
from stethoscope.errors import DataError


@app.command()
def discover(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the starter model to this file.")
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option(
            "--to",
            formats=["%Y-%m-%d"],
            help="Read the book up to this date only: every label window ends by it.",
        ),
    ] = None,
    every: Annotated[
        str, typer.Option("--every", help="Step between observation dates: 1mo, 30d, 2w.")
    ] = "1mo",
    horizon: Horizon = "90d",
    lead: Lead = "0d",
    events: Annotated[
        int, typer.Option("--events", min=0, help="Event names (commonest first) to try.")
    ] = 15,
    measures: Annotated[
        int, typer.Option("--measures", min=1, help="Most measures in the starter model.")
    ] = 12,
    top: Annotated[int, typer.Option("--top", min=0, help="Candidates the table lists.")] = 25,
    fmt: Annotated[str, typer.Option("--format", help="table, json or html.")] = "table",
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the report (json or html) here.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
) -> None:
    """Which traits did lost customers share? Judge candidate metrics against churn and
    write a starter model of the best uncorrelated ones."""
    if fmt not in ("table", "json", "html"):
        raise DataError(f"--format must be table, json or html, got '{fmt}'")
    with _local() as project, output.progress_bar("steps") as tick:
        d = project.discover(
            out=out,
            every=every,
            horizon=_days(horizon, "--horizon"),
            lead=_days(lead, "--lead"),
            to=end.date() if end else None,
            events=events,
            measures=measures,
            force=force,
            progress=tick,
        )
    data = d.to_json()
    data["out"] = str(out) if out and d.model_text else None
    if fmt == "table":
        _print(data, top)
        if report:
            report.write_text(json.dumps(data, indent=1))
            output.note(f"wrote {report}")
        return
    from stethoscope.backtest import discover_report

    text = discover_report.html(data) if fmt == "html" else json.dumps(data)
    if report:
        report.write_text(text)
        output.note(f"wrote {report}")
    else:
        sys.stdout.write(text + "\n")


def _print(r: dict[str, Any], top: int) -> None:
    from rich.table import Table

    from stethoscope.backtest import discover_report as dr
    from stethoscope.backtest.report import pct

    c = output.console
    t = Table(show_header=False, title="Discover", title_justify="left")
    for k, v in dr.headline(r):
        t.add_row(k, v)
    c.print(t)
    t = Table(*dr.CANDIDATE_HEAD, "churn by cohort, lowest values first")
    t.title = f"Candidates, strongest first ({min(top, len(r['candidates']))} of "
    t.title += f"{len(r['candidates'])})"
    t.title_justify = "left"
    for cand in r["candidates"][:top]:
        t.add_row(*dr.candidate_row(cand), dr.curve(cand))
    c.print(t)
    m = r["model"]
    if not m:
        c.print(f"No starter model: {r['model_problem']}", highlight=False)
        return
    t = Table("measure", "weight", "healthier", "AUC", "thresholds (at least: grade)")
    t.title, t.title_justify = "Starter model", "left"
    for x in m["measures"]:
        th = x["thresholds"]
        t.add_row(
            x["name"],
            str(x["weight"]),
            x["direction"],
            f"{x['auc']:.3f}",
            f"below: {th['below']}  " + "  ".join(f"{a:g}: {g}" for a, g in th["points"]),
        )
    c.print(t)
    t = Table("band", "below", "churn rate (in sample)", "churn rate (held out)")
    held = {b["band"]: b for b in (m["held_out"] or {}).get("bands", [])}
    for b, fig in zip(m["bands"], m["in_sample"]["bands"], strict=True):
        t.add_row(
            b["name"],
            "-" if b["below"] is None else f"{b['below']:g}",
            pct(fig["churn_rate"]),
            pct(held[b["name"]]["churn_rate"]) if b["name"] in held else "-",
        )
    c.print(t)
    if r.get("out"):
        c.print(
            f"Wrote {r['out']}: review it, `stethoscope validate` it, then backtest it on "
            "dates after those it was fitted on.",
            highlight=False,
        )
