"""Documentation is part of the product: a column, setting or command without docs fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from stethoscope.contract.schema import TABLES
from stethoscope.settings import Settings

DOCS = Path(__file__).parent.parent / "docs"


def _section(text: str, heading: str) -> str:
    m = re.search(rf"^### {re.escape(heading)}\n(.*?)(?=^#)", text, re.S | re.M)
    assert m, f"no section '### {heading}'"
    return m.group(1)


@pytest.mark.parametrize("table", list(TABLES))
def test_every_contract_column_is_documented(table: str) -> None:
    section = _section((DOCS / "reference/data-contract.md").read_text(), table)
    documented = {
        m.group(1): (m.group(2), m.group(3) == "yes")
        for m in re.finditer(r"^\| `(\w+)` \| (\w+) \| (yes)? \|", section, re.M)
    }
    expected = {c.name: (c.type.value, c.required) for c in TABLES[table].columns}
    assert documented == expected


def test_every_setting_is_documented() -> None:
    text = (DOCS / "reference/settings.md").read_text()
    for key in Settings.model_fields:
        if key != "project_dir":
            assert f"| `{key}` |" in text, key


def test_every_source_key_and_kind_is_documented() -> None:
    """docs/reference/sources.md has a row for every key of [sources.NAME] and of its
    tables, and a section for every kind."""
    from stethoscope.sources.config import KINDS, SourceSpec, TableSpec, WriteBackSpec

    text = (DOCS / "reference/sources.md").read_text()
    source_keys = _section(text, "[sources.NAME]")
    for key in SourceSpec.model_fields:
        assert f"| `{key}` |" in source_keys, key
    table_keys = _section(text, "[sources.NAME.tables.TABLE]")
    for key in TableSpec.model_fields:
        assert f"| `{key}` |" in table_keys, key
    write_back_keys = _section(text, "[sources.NAME.write_back]")
    for key in WriteBackSpec.model_fields:
        assert f"| `{key}` |" in write_back_keys, key
    for kind in KINDS:
        assert f"\n### {kind}\n" in text, kind


def test_every_command_is_documented() -> None:
    from stethoscope.cli import app  # the package imports every command module

    def names(typer_app: typer.Typer) -> list[str]:
        commands = typer_app.registered_commands
        return [c.name or (c.callback.__name__ if c.callback else "") for c in commands]

    text = (DOCS / "reference/cli.md").read_text()
    commands = names(app)
    for group in app.registered_groups:
        assert group.name
        assert group.typer_instance
        commands += [f"{group.name} {sub}" for sub in names(group.typer_instance)]
    assert "keys create" in commands
    for name in commands:
        assert f"\n## {name.rstrip('_')}\n" in text, name


def test_the_benchmark_page_shows_the_figures_file(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/benchmarks.md's tables and `make bench`'s table come from bench/figures.toml."""
    from bench import table

    caps = table.load()
    assert len({c.id for c in caps}) == len(caps)
    for cap in caps:
        assert cap.figures, cap.id
        for f in cap.figures:
            assert all((f.what, f.now, f.measured)), (cap.id, f)
            assert not f.status or f.target, (cap.id, f.what, "a status needs its target")
    page = (DOCS / "benchmarks.md").read_text()
    assert table.blocks(page) == {c.id: table.markdown(c) for c in caps}, (
        "run `python bench/table.py --write` after editing bench/figures.toml"
    )
    assert "(benchmarks/history.md)" in page
    assert (DOCS / "benchmarks/history.md").is_file()

    table.show(caps)
    shown = " ".join(capsys.readouterr().out.split())
    for cap in caps:
        assert cap.title in shown
