"""Documentation is part of the product: a column, setting or command without docs fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def test_every_command_is_documented() -> None:
    from stethoscope.cli import app, data, scoring, serve  # noqa: F401  (commands register on import)

    text = (DOCS / "reference/cli.md").read_text()
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert names
    for name in names:
        assert f"\n## {name.rstrip('_')}\n" in text, name
