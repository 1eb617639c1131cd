"""`stethoscope sources list|check|sync`: the project file's [sources.NAME], checked and
synced (docs/concepts/sources.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state

if TYPE_CHECKING:
    from stethoscope.facade.protocol import Facade
    from stethoscope.facade.sources import SourceStatus
    from stethoscope.sources.check import SourceCheck
    from stethoscope.sources.sync import SyncSummary
    from stethoscope.store.write_backs import WriteBackRecord

sources_app = typer.Typer(
    help="Where contract tables come from besides imports ([sources.NAME] in "
    "stethoscope.toml): list, check, sync.",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")

NAME_HELP = "A source's name (its [sources.NAME]); default: every source."


def _connect() -> Facade:
    from stethoscope.connect import connect

    return connect(state.project, on_wait=output.note)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit} ago"
    return f"{seconds:.0f}s ago"


def _names(project: Facade, name: str | None) -> list[SourceStatus]:
    found = project.sources()
    if name is None:
        return found
    chosen = [s for s in found if s.name == name]
    if not chosen:
        from stethoscope.errors import ConfigError
        from stethoscope.sources.config import did_you_mean

        known = [s.name for s in found]
        raise ConfigError(
            f"no source '{name}' in stethoscope.toml{did_you_mean(name, known)}",
            hint=f"sources are: {', '.join(known)}" if known else "add a [sources.NAME] section",
        )
    return chosen


@sources_app.command("list")
def sources_list() -> None:
    """List the sources: kind, tables, schedule, last sync and how fresh its data is."""
    with _connect() as project:
        found = project.sources()
    if not found:
        output.console.print(
            "No sources. Add a [sources.NAME] section to stethoscope.toml "
            "(docs/reference/sources.md).",
            highlight=False,
        )
        return
    from rich.table import Table  # only for a command that prints one

    table = Table(
        "source", "kind", "tables", "schedule", "state", "last sync", "rows", "error", "write-back"
    )
    for s in found:
        last = s.last_sync
        tables = ", ".join(f"{t} <- {o}" if o else t for t, o in s.tables.items()) or "(all)"
        table.add_row(
            s.name,
            s.kind,
            tables,
            "" if s.in_place else s.schedule or "before each run",
            s.state,
            _age(s.freshness) if s.last_ok else "",
            f"{last.rows_written:,}" if last and last.rows_written is not None else "",
            (last.error or "") if last else "",
            _write_back(s.last_write_back),
        )
    output.console.print(table)


def _write_back(w: WriteBackRecord | None) -> str:
    if w is None:
        return ""
    said = f"{w.status}: {w.written:,} of {w.changed:,} written"
    return f"{said} ({w.error})" if w.error else said


def _print_check(c: SourceCheck) -> None:
    head = "[green]ok[/]" if c.ok else "[red]problems[/]"
    output.console.print(f"[bold]{c.source}[/] ({c.kind}): {head}", highlight=False)
    if c.error:
        output.console.print(f"  {c.error}", highlight=False, soft_wrap=True)
    for t in c.tables:
        mapped = ", ".join(f"{col}={src}" for col, src in t.columns if src is not None)
        unmapped = [col for col, src in t.columns if src is None]
        output.console.print(
            f"  {t.table} <- {t.origin}: {t.rows_looked_at:,} rows looked at", highlight=False
        )
        output.console.print(f"    columns: {mapped or '(none)'}", highlight=False, soft_wrap=True)
        if unmapped:
            output.console.print(
                f"    not in the source: {', '.join(unmapped)}", highlight=False, soft_wrap=True
            )
        for p in t.problems:
            output.console.print(f"    [red]{p}[/]", highlight=False, soft_wrap=True)


@sources_app.command("check")
def sources_check(
    name: Annotated[str | None, typer.Argument(help=NAME_HELP)] = None,
) -> None:
    """Connect to each source and say what it would read, how its columns map to the
    contract, and what of its first rows the contract would refuse; writes nothing."""
    failed = False
    with _connect() as project:
        for s in _names(project, name):
            c = project.check_source(s.name)
            _print_check(c)
            failed = failed or not c.ok
    if failed:
        raise typer.Exit(1)


def _print_sync(s: SyncSummary) -> None:
    refresh = " (full refresh)" if s.full_refresh else ""
    output.console.print(
        f"Synced [bold]{s.source}[/]{refresh}: {s.rows_written:,} rows written in "
        f"{s.seconds:.1f}s (sync {s.sync_id})",
        highlight=False,
    )
    for t in s.tables:
        since = f" since {t.cursor_from}" if t.cursor_from else ""
        output.console.print(
            f"  {t.table} <- {t.stream}{since}: {t.rows_read:,} read, {t.rows_written:,} "
            f"written; cursor {t.cursor_to or '-'}",
            highlight=False,
        )


@sources_app.command("sync")
def sources_sync(
    name: Annotated[str | None, typer.Argument(help=NAME_HELP)] = None,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh", help="Read every stream from its start, not from its cursor."
        ),
    ] = False,
) -> None:
    """Sync SaaS sources into the store: each stream from its cursor, checked against the
    contract like an import, all of a source or nothing. Sources read in place have
    nothing to sync."""
    from stethoscope.errors import StethoscopeError

    failed = False
    with _connect() as project:
        for s in _names(project, name):
            if s.in_place:
                output.note(f"{s.name} ({s.kind}) is read in place at each run: nothing to sync")
                continue
            try:
                with output.progress_bar() as tick:
                    summary = project.sync_source(s.name, full_refresh=full_refresh, progress=tick)
            except StethoscopeError as e:
                if name is not None:
                    raise
                output.print_error(e)
                failed = True
                continue
            _print_sync(summary)
    if failed:
        raise typer.Exit(1)
