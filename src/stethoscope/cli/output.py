"""How the CLI talks to a person: errors, progress bars and tables, through Rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

from stethoscope.errors import StethoscopeError
from stethoscope.progress import Progress as ProgressFn
from stethoscope.progress import silent

if TYPE_CHECKING:
    from rich.progress import TaskID

console = Console()
err = Console(stderr=True)


def print_error(e: StethoscopeError) -> None:
    err.print(f"[bold red]Error:[/] {e.message}", highlight=False, soft_wrap=True)
    for p in e.problems:
        col = f"{p.column}: " if p.column else ""
        err.print(f"  [cyan]{p.where}[/]  {col}{p.message}", highlight=False, soft_wrap=True)
    if e.more:
        err.print(f"  ... and {e.more:,} more", highlight=False)
    if e.hint:
        err.print(f"[yellow]Hint:[/] {e.hint}", highlight=False, soft_wrap=True)


def note(message: str) -> None:
    err.print(f"[dim]{message}[/]", highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(unit: str = "rows") -> Iterator[ProgressFn]:
    """A callback ``(phase, done, total)`` drawing one bar per phase (a spinner when
    the total is unknown). Quiet when stderr is not a terminal (a scheduled or scripted
    command then does not import Rich's progress display either)."""
    if not err.is_terminal:
        yield silent
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<24}"),
        BarColumn(),
        amount,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def tick(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                for t in tasks.values():
                    task = bar.tasks[t]
                    bar.update(t, completed=task.total or 0)
                tasks[phase] = bar.add_task(phase, total=total or None)
            bar.update(tasks[phase], completed=done, total=total or None)

        yield tick
