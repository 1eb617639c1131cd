"""Commands for the project and its source data: init, import, demo, status."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state
from stethoscope.contract.schema import END_DATES, FORMATS, MODES, TABLES
from stethoscope.errors import ConfigError

if TYPE_CHECKING:
    from rich.table import Table

    from stethoscope.contract.importer import EndDates, Mode
    from stethoscope.facade.protocol import Facade


def _connect() -> Facade:
    from stethoscope.connect import connect

    return connect(state.project, on_wait=output.note)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="Project folder.")] = Path("."),
    preset: Annotated[
        str | None,
        typer.Option(
            help="Also write model.yaml from a preset: dear, successscore or four-signals."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing model.yaml.")
    ] = False,
) -> None:
    """Create a project (stethoscope.toml), and with --preset its health model."""
    from stethoscope.settings import PROJECT_FILE

    text = None
    if preset is not None:
        from stethoscope.model.presets import preset_text

        text = preset_text(preset)  # an unknown preset fails before anything is written
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / PROJECT_FILE
    if file.exists() and preset is None:
        raise ConfigError(
            f"{file} already exists", hint="pass --preset NAME to add a model to the project"
        )
    if not file.exists():
        file.write_text(
            "# Stethoscope project settings; STETHOSCOPE_* environment variables override "
            "them.\n# See docs/reference/settings.md.\n"
            'database_url = "stethoscope.duckdb"\nmodel = "model.yaml"\n'
        )
        output.console.print(f"Created {file}")
    if text is not None:
        model = folder / "model.yaml"
        if model.exists() and not force:
            raise ConfigError(f"{model} already exists", hint="pass --force to overwrite it")
        model.write_text(text)
        output.console.print(
            f"Wrote {model} from the preset '{preset}'. Check it with "
            "`stethoscope validate`, score with `stethoscope run`."
        )


@app.command("import")
def import_(
    table: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV, Parquet or JSON Lines file (.gz allowed for CSV and JSONL).",
        ),
    ],
    map: Annotated[
        list[str] | None,
        typer.Option("--map", "-m", help="Rename a column: target=source (repeatable)."),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            help=f"{' | '.join(MODES)}: add rows, update rows by key, or replace the whole table."
        ),
    ] = "append",
    format: Annotated[
        str | None, typer.Option(help=f"{' | '.join(FORMATS)} (default: from the file name).")
    ] = None,
    skip_bad: Annotated[
        bool,
        typer.Option(
            "--skip-bad", help="Load the good rows and write the rejected ones to a side file."
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Where --skip-bad writes rejected rows (default: FILE.rejects.csv beside FILE)."
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="Text encoding of a CSV or JSON Lines file (default utf-8), e.g. cp1252 "
            "for a CSV saved by Excel on Windows."
        ),
    ] = None,
    end_dates: Annotated[
        str,
        typer.Option(
            help="inclusive | exclusive: the file's end_date is the line's last day, or the "
            "day after it (as Stripe's current_period_end); exclusive ends are stored "
            "minus one day."
        ),
    ] = "inclusive",
) -> None:
    """Import a file into a source table, checked against the data contract.

    By default a file with any bad row is rejected whole and nothing is loaded.
    """
    if mode not in MODES:
        raise typer.BadParameter(f"expected one of {', '.join(MODES)}", param_hint="--mode")
    if end_dates not in END_DATES:
        raise typer.BadParameter(
            f"expected one of {', '.join(END_DATES)}", param_hint="--end-dates"
        )
    from stethoscope.contract.readers import parse_mapping

    mapping = parse_mapping(map or [])
    with _connect() as project, output.progress_bar("bytes") as tick:
        r = project.import_file(
            table,
            file,
            format=format,
            mapping=mapping,
            mode=cast("Mode", mode),
            skip_bad=skip_bad,
            rejects_path=rejects,
            progress=tick,
            encoding=encoding,
            end_dates=cast("EndDates", end_dates),
        )
    msg = f"Imported {r.rows_loaded:,} of {r.rows_read:,} rows into {r.table} ({r.seconds:.1f} s)"
    if r.rows_replaced:
        msg += f"; {r.rows_replaced:,} stored rows {'replaced' if mode == 'replace' else 'updated'}"
    output.console.print(msg)
    if r.duplicates_skipped:
        output.console.print(
            f"Skipped {r.duplicates_skipped:,} events already stored (same message_id)."
        )
    if r.rows_rejected:
        output.console.print(
            f"[yellow]Rejected {r.rows_rejected:,} rows[/]; written to {r.rejects_path}"
        )
    if r.ignored_columns:
        output.note(f"Columns not in the contract were ignored: {', '.join(r.ignored_columns)}")


class DemoCauses(StrEnum):
    """What ``demo --causes`` can ask for: causes of churn drawn from the seed."""

    random = "random"


@app.command()
def demo(
    accounts: Annotated[int, typer.Option(min=1, help="Number of accounts.")] = 2000,
    months: Annotated[int, typer.Option(min=1, max=60, help="Months of history.")] = 12,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same book.")] = 0,
    end: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Last day of the book (default: today, UTC)."),
    ] = None,
    activity: Annotated[float, typer.Option(min=0.001, help="Multiplier of event volume.")] = 1.0,
    causes: Annotated[
        DemoCauses | None,
        typer.Option(
            help="Draw the causes of churn from the seed (written to demo-causes.json, "
            "for tests) instead of the default book's."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace data already stored.")] = False,
) -> None:
    """Generate a realistic demo customer book and load it into the project."""
    from stethoscope.contract.demo_report import format_signal_report

    end_day: date | None = end.date() if end else None
    with _connect() as project, output.progress_bar("rows") as tick:
        r = project.load_demo(
            accounts=accounts,
            months=months,
            seed=seed,
            end=end_day,
            activity=activity,
            causes=causes.value if causes else None,
            force=force,
            progress=tick,
        )
    output.console.print(
        f"Demo book {r.start} to {r.end} (seed {seed}), loaded in {r.seconds:.1f} s",
        highlight=False,
    )
    output.console.print(_counts(r.counts))
    output.console.print(format_signal_report(r.signal))
    if r.causes_file:
        output.note(
            f"The drawn causes of churn are in {r.causes_file}, for tests: a model must "
            "find them in the data, not read them there."
        )


@app.command()
def status() -> None:
    """Show the project's database and how many rows each source table holds."""
    with _connect() as project:
        s = project.status()
    output.console.print(
        f"Project   {s.project}\nDatabase  {s.database}"
        + (f"\nServed by {s.served_by}" if s.served_by else "")
        + _read_model(s.read_model)
    )
    output.console.print(_counts(s.counts))
    if s.events_from:
        output.console.print(f"Events from {s.events_from} to {s.events_to}")


def _read_model(model: dict[str, Any] | None) -> str:
    """The server's read model, in a line (nothing outside a server)."""
    if not model:
        return ""
    if not model["enabled"]:
        return "\nIn memory off (GET /api/accounts/{id} reads the store)"
    if model.get("error"):
        return f"\nIn memory nothing: {model['error']}"
    if not model["exact"]:
        return "\nIn memory being renewed (GET /api/accounts/{id} reads the store meanwhile)"
    return f"\nIn memory {model['accounts']:,} accounts (made in {model['seconds']:.1f} s)"


def _counts(counts: dict[str, int]) -> Table:
    from rich.table import Table  # only for a command that prints one

    table = Table()
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    return table
