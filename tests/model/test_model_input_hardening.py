"""Model files that used to give a bare error or a misleading one: a file in another
encoding than UTF-8 is named at file:line; a comma inside a flow-style mapping's text says
to quote it; `stethoscope validate FILE` outside a project leaves no database behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from stethoscope.errors import ModelError
from stethoscope.model.loader import load_model, parse_model
from stethoscope.model.presets import preset_text
from tests.conftest import run_cli

BLOCK = """  active_days_30d:
    table: events
    aggregate: active_days
    window: 30d
    description: Days with any product activity in the last 30 days."""


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_model_file_not_in_utf8_is_named_at_its_line(tmp_path: Path) -> None:
    text = preset_text("successscore").replace("Days with any", "Días with any")
    path = tmp_path / "model.yaml"
    path.write_bytes(text.encode("cp1252"))  # as Excel or Notepad on Windows saves it
    with pytest.raises(ModelError) as e:
        load_model(path)
    (problem,) = e.value.problems
    assert problem.where == f"{path}:{_line_of(text, 'Días')}"
    assert problem.message == (
        "expected UTF-8 text, got the byte 0xed at column 19 (the file is in another "
        "encoding, such as Windows-1252)"
    )
    assert e.value.hint is not None
    assert e.value.hint.startswith("save the file as UTF-8")


def test_a_comma_in_flow_style_text_says_to_quote_it() -> None:
    flow = "  active_days_30d: {table: events, aggregate: active_days, window: 30d, "
    text = preset_text("successscore").replace(BLOCK, flow + "description: Days active, any kind}")
    with pytest.raises(ModelError) as e:
        parse_model(text)
    (problem,) = e.value.problems
    assert problem.where == f"model.yaml:{_line_of(text, flow)}"
    assert problem.message == (
        "metrics.active_days_30d.description: the comma after 'Days active' ends the value in "
        "a {...} mapping, so 'any kind' was read as a key of its own; quote the text: "
        'description: "Days active, any kind"'
    )
    # quoted, the same text is taken
    quoted = text.replace("Days active, any kind", '"Days active, any kind"')
    assert parse_model(quoted).metrics["active_days_30d"].description == "Days active, any kind"


@pytest.mark.slow
def test_validate_a_file_outside_a_project_creates_no_database(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(preset_text("successscore"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = run_cli("validate", "../model.yaml", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok successscore")
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "model.yaml"]
