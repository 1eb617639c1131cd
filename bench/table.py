"""The current benchmark figures, from bench/figures.toml: as a table in the terminal (what
`make bench` shows), or as the Markdown tables of docs/benchmarks.md.

    python bench/table.py            # the table, in the terminal
    python bench/table.py --write    # rewrite docs/benchmarks.md's tables from the file

Each table of the page sits between two comment lines naming its capability; the text
around the tables (caveats, where the time goes) is written by hand and left alone.
tests/test_docs.py checks that the page's tables are what this script writes.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "bench" / "figures.toml"
PAGE = ROOT / "docs" / "benchmarks.md"
HEAD = ("What", "Now", "Target", "Measured")


@dataclass(frozen=True)
class Figure:
    what: str
    now: str
    measured: str
    target: str = ""
    status: str = ""

    @property
    def verdict(self) -> str:
        """The target and whether it is met, as the page writes it."""
        if not self.target:
            return ""
        return f"{self.target}: **{self.status}**" if self.status else self.target


@dataclass(frozen=True)
class Capability:
    id: str
    title: str
    command: str
    figures: tuple[Figure, ...]


def load(path: Path = FIGURES) -> list[Capability]:
    """Every capability of the file, in its order; a KeyError or TypeError names a bad entry."""
    data = tomllib.loads(path.read_text())
    return [
        Capability(c["id"], c["title"], c["command"], tuple(Figure(**f) for f in c["figure"]))
        for c in data["capability"]
    ]


def _begin(cap: Capability) -> str:
    return f"<!-- figures: {cap.id} (bench/figures.toml; python bench/table.py --write) -->"


END = "<!-- end of figures -->"


def markdown(cap: Capability) -> str:
    """The capability's block of the page: its table and the command, between the markers."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = [
        "| " + " | ".join(HEAD) + " |",
        "|" + "---|" * len(HEAD),
        *(
            "| " + " | ".join(cell(c) for c in (f.what, f.now, f.verdict, f.measured)) + " |"
            for f in cap.figures
        ),
    ]
    return "\n".join([_begin(cap), *rows, "", f"Command: `{cap.command}`", END])


def blocks(page: str) -> dict[str, str]:
    """The generated blocks of ``page``, by capability id."""
    found = re.finditer(r"^<!-- figures: ([\w-]+) .*?^" + re.escape(END), page, re.S | re.M)
    return {m.group(1): m.group(0) for m in found}


def write(page_path: Path = PAGE, caps: list[Capability] | None = None) -> list[str]:
    """Rewrite the page's blocks from the file; the ids whose block the page lacks."""
    caps = caps if caps is not None else load()
    page = page_path.read_text()
    present = blocks(page)
    missing = []
    for cap in caps:
        if cap.id in present:
            page = page.replace(present[cap.id], markdown(cap))
        else:
            missing.append(cap.id)
    page_path.write_text(page)
    return missing


def show(caps: list[Capability]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for cap in caps:
        table = Table(*HEAD, title=cap.title, caption=cap.command, title_justify="left")
        for f in cap.figures:
            verdict = f"{f.target}: {f.status}" if f.status else f.target
            table.add_row(f.what.replace("`", ""), f.now, verdict, f.measured)
        console.print(table)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md's tables")
    args = ap.parse_args()
    caps = load()
    if args.write:
        missing = write(caps=caps)
        if missing:
            print(f"docs/benchmarks.md has no block for: {', '.join(missing)}", file=sys.stderr)
            return 1
        return 0
    show(caps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
