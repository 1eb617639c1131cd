"""docs/reference/sources.md documents every connector's streams, mappings and options."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from stethoscope.sources.saas import CONNECTORS

ROOT = Path(__file__).resolve().parents[3]
PAGE = (ROOT / "docs" / "reference" / "sources.md").read_text()


def section(kind: str) -> str:
    text = PAGE.split("## Connectors", 1)[1]
    return text.split(f"### {kind} streams\n", 1)[1].split("\n### ", 1)[0]


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_every_stream_and_mapping_is_documented(kind: str) -> None:
    doc = section(kind)
    module = importlib.import_module(CONNECTORS[kind].__module__)
    for stream in module.STREAMS:
        row = next(
            (
                line
                for line in doc.splitlines()
                if line.startswith("| ") and f"`{stream.name}`" in line.split(" | ")[0]
            ),
            None,
        )
        assert row is not None, f"{kind}: stream {stream.name} is not in the table"
        assert f"| {stream.table} |" in row
        for target, source in stream.columns.items():
            assert f"{target} ← `{source}`" in row, f"{kind}.{stream.name}: {target}"


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_every_option_is_documented(kind: str) -> None:
    source = Path(importlib.import_module(CONNECTORS[kind].__module__).__file__ or "").read_text()
    shared = PAGE.split("## Connectors", 1)[1].split("\n### ", 1)[0]
    doc = section(kind) + shared
    for key in re.findall(r'option\(\s*self\.options,\s*f?"([^"]+)"', source):
        key = re.sub(r"\{stream(\.name)?\}", "companies" if kind == "hubspot" else "accounts", key)
        assert f"`{key}`" in doc, f"{kind}: option {key} is not documented"
