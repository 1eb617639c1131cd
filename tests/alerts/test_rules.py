"""Alert rules are read like the model: every problem at once, each at its file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from stethoscope.alerts.rules import parse_rules, preset_rules_text
from stethoscope.errors import ModelError
from stethoscope.model.loader import parse_model
from tests.alerts.conftest import MODEL

SNAPSHOTS = Path(__file__).parent / "snapshots"
WITH_GROUP = MODEL.replace(
    "scorecards:\n  main: {level: 1}\n",
    "groups:\n  adoption: {level: 1}\nscorecards:\n  main: {adoption: 1}\n",
)


def test_a_rules_file_with_mistakes_lists_them_all_at_their_lines() -> None:
    model = parse_model(WITH_GROUP)
    text = (SNAPSHOTS / "bad_rules.yaml").read_text()
    with pytest.raises(ModelError) as e:
        parse_rules(text, "bad_rules.yaml", model, channels=["slack"])
    snapshot = SNAPSHOTS / "bad_rules.txt"
    if not snapshot.exists():  # pragma: no cover - writing a new snapshot
        snapshot.write_text(str(e.value) + "\n")
    assert str(e.value) + "\n" == snapshot.read_text()
    assert len(e.value.problems) == 11


def test_rules_in_the_model_file_are_placed_at_its_lines() -> None:
    text = (
        WITH_GROUP + "alerts:\n  rules:\n    act: {kind: below}\n    x: {kind: red, measure: lvl}\n"
    )
    model = parse_model(text)  # the model itself is valid, and its version ignores alerts
    assert model.version == parse_model(WITH_GROUP).version
    with pytest.raises(ModelError) as e:
        parse_rules(text, "model.yaml", model, key="alerts")
    assert [str(p) for p in e.value.problems] == [
        "model.yaml:16  alerts.rules.act: a 'below' rule needs threshold (a score on the "
        "model's scale) or band (alert in that band or a worse one), one of them",
        "model.yaml:17  alerts.rules.x.measure: unknown measure 'lvl' (did you mean 'level'?); "
        "expected one of level",
    ]


def test_yaml_syntax_errors_are_placed() -> None:
    with pytest.raises(ModelError, match=r"rules.yaml:3  YAML syntax error"):
        parse_rules("rules:\n  a: [\n", "rules.yaml", parse_model(MODEL))


def test_the_starting_rules_and_playbooks_are_valid_on_a_model_with_the_seed_bands() -> None:
    model = parse_model(MODEL)
    rules = parse_rules(preset_rules_text(), "rules.yaml", model)
    assert list(rules.rules) == ["investigate", "act", "sudden-drop", "turned-red", "detractor"]
    assert rules.rules["act"].threshold == 60
    assert rules.rules["investigate"].delivery == "digest"
    # seed 003's actions per band and D.E.A.R. dimension, seed 000's NPS sequences
    assert {
        "red",
        "yellow",
        "green",
        "red-deployment",
        "red-engagement",
        "red-adoption",
        "red-roi",
        "nps-detractor",
        "nps-passive",
        "nps-promoter",
    } <= set(rules.playbooks)
    detractor = rules.playbooks["nps-detractor"]
    assert not detractor.email_customers  # writing to customers is opted into, not default
    assert [s.after_days for s in detractor.steps] == [0, 3, 7]


def test_a_project_playbook_replaces_the_preset_of_its_name() -> None:
    text = "rules: {}\nplaybooks:\n  red:\n    steps:\n      - title: Call them today\n"
    rules = parse_rules(text, "rules.yaml", parse_model(MODEL))
    assert [s.title for s in rules.playbooks["red"].steps] == ["Call them today"]
    assert "green" in rules.playbooks
