"""Commands for the health model and its scores: validate, run, runs, scores, explain,
input, diff."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state

if TYPE_CHECKING:
    from stethoscope.data_warnings import DataWarning
    from stethoscope.facade.protocol import Facade
    from stethoscope.rows import Change, Explanation

ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Model file (default: the project's model.yaml).")
]
ScoreOpt = Annotated[str, typer.Option("--score", help="Which score of the model.")]
DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def _connect() -> Facade:
    from stethoscope.connect import connect

    return connect(state.project, on_wait=output.note)


def _day(d: datetime | None) -> date | None:
    return d.date() if d else None


def _num(x: Any, decimals: int = 1) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.{decimals}f}"
    return str(x)


@app.command()
def validate(
    model: Annotated[
        Path | None, typer.Argument(help="Model file (default: the project's model.yaml).")
    ] = None,
) -> None:
    """Check a health model and report every problem at once, with file:line."""
    from stethoscope.facade.model_files import ModelFiles
    from stethoscope.settings import load_settings

    # a model file and its alert rules are checked without the store: opened here, it
    # would be created in whatever folder the command runs
    files = ModelFiles(load_settings(state.project))
    m = files.validate(model)
    path = files.settings.database_path
    # what the data lacks, where there is a store to ask (through a running server, which
    # holds the embedded file)
    warnings: list[DataWarning] = []
    if path is None or path.exists():
        with _connect() as connected:
            warnings = connected.data_warnings(model)
    output.console.print(
        f"[green]ok[/] {m.name}: {len(m.metrics)} metrics, {len(m.measures)} measures, "
        f"{len(m.groups)} groups, {len(m.scorecards)} scorecards, scores "
        f"{', '.join(m.scores)} (version {m.version[:12]})",
        highlight=False,
    )
    _warn(warnings)


def _warn(warnings: list[DataWarning]) -> None:
    """The measures whose data is not there, one line each (valid, but misleading)."""
    for w in warnings:
        output.console.print(f"[yellow]warning[/] {w}", highlight=False, soft_wrap=True)
    if warnings:
        output.console.print(
            "  a measure without data is left out of the score (or graded its `missing:` "
            "grade): check the import, the event names, or the model",
            highlight=False,
        )


@app.command()
def run(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Score as of this date (default: today, UTC)."
        ),
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="Backfill history from this date."),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="... to this date (default: today)."),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every", help="Step between backfilled dates: 7d, 1w, 1mo (default: every day)."
        ),
    ] = None,
    model: ModelOpt = None,
) -> None:
    """Score every account and store the results as one run."""
    from stethoscope.steps import parse_step

    step = parse_step(every) if every is not None else None  # a bad step before any work
    with _connect() as project, output.progress_bar("dates") as tick:
        r = project.run(
            as_of=_day(as_of),
            start=_day(start),
            end=_day(end),
            every=step,
            model=model,
            progress=tick,
        )
        warnings = project.data_warnings(model)
    span = r.as_of_from
    if r.dates > 1:
        often = "days" if r.every == "1d" else f"dates, every {r.every}"
        span = f"{r.as_of_from} to {r.as_of_to} ({r.dates} {often})"
    output.console.print(
        f"Run {r.run_id}: scored {r.accounts:,} accounts as of {span} in "
        f"{r.seconds:.1f} s (model {r.model_version[:12]})",
        highlight=False,
    )
    for score, bands in r.bands.items():
        parts = ", ".join(f"{n:,} {b}" for b, n in bands.items())
        output.console.print(f"  {score}: {parts}", highlight=False)
    # what the run's alert rules did (a local run only: the server keeps its own)
    if evaluated := vars(project).get("last_evaluation"):
        opened, resolved = sum(e.opened for e in evaluated), sum(e.resolved for e in evaluated)
        output.console.print(f"  alerts: {opened:,} opened, {resolved:,} resolved", highlight=False)
    _warn(warnings)


@app.command()
def runs(limit: Annotated[int, typer.Option(min=1)] = 20) -> None:
    """Recent runs with their status, dates and errors."""
    from rich.table import Table  # only for a command that prints one

    with _connect() as project:
        rows = project.runs(limit)
    t = Table("run", "status", "as of", "accounts", "started", "model", "trigger", "error")
    for r in rows:
        span = r.as_of_from if r.as_of_from == r.as_of_to else f"{r.as_of_from}..{r.as_of_to}"
        t.add_row(
            r.id,
            r.status,
            span,
            _num(r.accounts),
            r.started_at[:19],
            r.model_version[:12],
            r.trigger,
            (r.error or "")[:60],
        )
    output.console.print(t)


@app.command()
def scores(
    band: Annotated[str | None, typer.Option(help="Only this band.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only this segment.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner (CSM).")] = None,
    sort: Annotated[
        str, typer.Option(help="score, name, arr, renewal_date, change_7d, change_30d or coverage.")
    ] = "score",
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])] = None,
    format: Annotated[str, typer.Option(help="table, json or csv.")] = "table",
    score: ScoreOpt = "health",
    model: ModelOpt = None,
) -> None:
    """The scored book: score, band, trend and coverage per account."""
    from rich.table import Table  # only for a command that prints one

    if format not in ("table", "json", "csv"):
        raise typer.BadParameter("expected table, json or csv", param_hint="--format")
    with _connect() as project:
        rows = project.scores(
            score=score,
            as_of=_day(as_of),
            band=band,
            segment=segment,
            owner=owner,
            sort=sort,
            descending=desc,
            limit=limit,
            model=model,
        )
    # the fields of a score row, without the group scores not asked for
    from stethoscope.rows import SCORE_COLUMNS

    if format == "json":
        plain = [r.model_dump(include=set(SCORE_COLUMNS)) for r in rows]
        sys.stdout.write(json.dumps(plain, default=str, indent=1) + "\n")
        return
    if format == "csv":
        from stethoscope.spreadsheet import write_csv

        header = list(SCORE_COLUMNS) if rows else ["account_id"]
        write_csv(sys.stdout, header, ([getattr(r, k) for k in header] for r in rows))
        return
    if not rows:
        output.note("No scores yet: run `stethoscope run` first.")
        return
    t = Table(
        title=f"{score} as of the latest run" if not as_of else f"{score} as of {as_of.date()}",
    )
    # ids, numbers and bands never wrap; names and owners give way on a narrow terminal
    for name in (
        "account",
        "name",
        "owner",
        "segment",
        "ARR",
        "score",
        "band",
        "7d",
        "30d",
        "coverage",
    ):
        t.add_column(
            name,
            no_wrap=name not in ("name", "owner", "segment"),
            justify="right" if name in ("ARR", "score", "7d", "30d", "coverage") else "left",
        )
    for r in rows:
        t.add_row(
            r.account_id,
            r.name,
            (r.owner or "").split("@")[0],
            r.segment,
            _num(r.arr, 0),
            _num(r.score),
            r.band or "unknown",
            _num(r.change_7d),
            _num(r.change_30d),
            f"{r.coverage * 100:.0f}%" if r.coverage is not None else "-",
        )
    output.console.print(t)


@app.command()
def explain(
    account: Annotated[str, typer.Argument(help="Account id.")],
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])] = None,
    vs: Annotated[
        datetime | None,
        typer.Option("--vs", formats=["%Y-%m-%d"], help="Explain the change since this date."),
    ] = None,
    format: Annotated[str, typer.Option(help="table or json.")] = "table",
    score: ScoreOpt = "health",
    model: ModelOpt = None,
) -> None:
    """Why an account has its score: measures, grades, weights and contributions that add
    up to it exactly; with --vs, the change attributed to the measures that moved."""
    if format not in ("table", "json"):
        raise typer.BadParameter("expected table or json", param_hint="--format")
    with _connect() as project:
        if vs is not None:
            change = project.explain_change(
                account, vs=vs.date(), as_of=_day(as_of), score=score, model=model
            )
            _print(change.model_dump(), format) if format == "json" else _show_change(change)
            return
        e = project.explain(account, as_of=_day(as_of), score=score, model=model)
    _print(e.model_dump(), format) if format == "json" else _show(e)


def _print(data: dict[str, Any], format: str) -> None:
    sys.stdout.write(json.dumps(data, default=str, indent=1) + "\n")


def _show(e: Explanation) -> None:
    from rich.table import Table  # only for a command that prints one

    title = (
        f"{e.account_name or e.account_id} ({e.account_id}), {e.score_name} as of "
        f"{e.as_of}: {_num(e.score)} {e.band or 'unknown'}"
    )
    t = Table(
        "group",
        "measure",
        "metric value",
        "grade",
        "weight",
        "contribution",
        "age",
        title=title,
        caption=f"scorecard {e.scorecard}, segment {e.segment}, coverage "
        f"{(e.coverage or 0) * 100:.0f}%, model {e.model_version[:12]}",
    )
    for m in e.measures:
        t.add_row(
            m.group or "",
            m.measure,
            _num(m.value, 2),
            _num(m.grade),
            f"{m.weight * 100:.1f}%",
            _num(m.contribution),
            f"{m.age_days} d" if m.age_days is not None else "-",
        )
    if e.floor:
        t.add_row("", "(scale floor)", "", "", "", _num(e.floor), "")
    for g in e.groups:
        t.add_row(
            f"[dim]{g.group}[/]",
            "[dim](group score)[/]",
            "",
            _num(g.score),
            "",
            _num(g.contribution),
            "",
        )
    t.add_row("", "[bold]score[/]", "", "", "", f"[bold]{_num(e.score)}[/]", "")
    output.console.print(t)
    moves = [
        f"{name} " + " / ".join(_signed(by[d]) for d in sorted(by))
        for name, by in e.trends.items()
        if any(v is not None for v in by.values())
    ]
    if moves:
        output.console.print("change over 7 / 30 / 90 days: " + "; ".join(moves), highlight=False)


def _signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1f}"


def _show_change(c: Change) -> None:
    from rich.table import Table  # only for a command that prints one

    t = Table(
        "measure",
        "value then",
        "value now",
        "grade then",
        "grade now",
        "change",
        title=f"{c.account_id} {c.score_name}: {_num(c.score_from)} on {c.date_from} -> "
        f"{_num(c.score_to)} on {c.date_to} ({_num(c.change)})",
    )
    for ln in c.lines:
        t.add_row(
            ln.measure,
            _num(ln.value_from, 2),
            _num(ln.value_to, 2),
            _num(ln.grade_from),
            _num(ln.grade_to),
            f"{ln.change:+.1f}",
        )
    t.add_row("[bold]total[/]", "", "", "", "", f"[bold]{_num(c.change)}[/]")
    output.console.print(t)
    for what in c.moved:
        output.console.print(
            f"[yellow]note[/] the model moved the account ({what}): the change is partly the "
            "model's, read on another scorecard or segment, not the customer's",
            highlight=False,
        )


@app.command("input")
def input_(
    account: Annotated[str, typer.Argument(help="Account id.")],
    name: Annotated[
        str, typer.Argument(help="The input, as the model declares it (e.g. gut_check).")
    ],
    value: Annotated[str, typer.Argument(help="Its value: a number, yes/no, or a choice.")],
    reason: Annotated[str, typer.Option(help="Why: kept with the value.")],
    expires: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="From this date the value no longer counts."),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Who says so (default: your user).")] = None,
    model: ModelOpt = None,
) -> None:
    """Record a CSM input: a gut check or a manual measure, with a reason and expiry."""
    with _connect() as project:
        row = project.add_input(
            account,
            name,
            value,
            reason=reason,
            author=author or getpass.getuser(),
            expires=_day(expires),
            model=model,
            rescore=True,
        )
    until = f", until {row['expires_at']:%Y-%m-%d}" if row["expires_at"] else ""
    done = row["rescored"]
    if done.run_id is None:
        after = f"It counts from the next run: {done.not_now}."
    else:
        moved = ", ".join(
            f"{s} {_num(done.before.get(s))} -> {_num(v)}" for s, v in done.scores.items()
        )
        after = f"Scored {account} again as of {done.as_of}: {moved} (run {done.run_id})."
    output.console.print(
        f"Recorded {name} = {value} for {account} by {row['author']}{until} "
        f"(input {row['id']}). {after}",
        highlight=False,
    )


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The model as it was (a YAML file).")],
    new: Annotated[
        Path | None, typer.Argument(help="The model as it would be (default: the project's model).")
    ] = None,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])] = None,
    score: ScoreOpt = "health",
    top: Annotated[int, typer.Option(min=0, help="How many movers to list.")] = 10,
) -> None:
    """What a model change does to the book: accounts changing band, and the largest
    movers, scored on the same data as of the same date."""
    from rich.table import Table  # only for a command that prints one

    with _connect() as project:
        d = project.diff(old, new, as_of=_day(as_of), score=score, top=top)
    output.console.print(
        f"{d.score_name} as of {d.as_of}: {d.changed_band:,} of "
        f"{d.accounts:,} accounts change band "
        f"({d.version_old[:12]} -> {d.version_new[:12]})",
        highlight=False,
    )
    if d.into_band:
        output.console.print("  " + ", ".join(f"{n:+,} {b}" for b, n in d.into_band.items()))
    bands = sorted({b for row in d.transitions.values() for b in row} | set(d.transitions))
    t = Table("old \\ new", *bands, title="accounts by band")
    for bo in bands:
        t.add_row(bo, *[_num(d.transitions.get(bo, {}).get(bn, 0)) for bn in bands])
    output.console.print(t)
    if d.movers:
        m = Table("account", "name", "old", "new", "change", title="largest movers")
        for mv in d.movers:
            m.add_row(
                mv.account_id,
                mv.name,
                f"{_num(mv.score_old)} {mv.band_old}",
                f"{_num(mv.score_new)} {mv.band_new}",
                _num(mv.change),
            )
        output.console.print(m)
