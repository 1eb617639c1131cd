"""docs/reference/model.md documents every key of the alert rules (as the model's keys)."""

from __future__ import annotations

import pytest

from stethoscope.alerts.rules import KINDS, AlertsSpec
from tests.model.test_docs_model import _rows, _section, _specs

SPECS = dict(_specs(AlertsSpec, "alerts"))


def test_the_walk_finds_every_part() -> None:
    assert set(SPECS) == {
        "alerts",
        "alerts.rules.<name>",
        "alerts.rules.<name>.task",
        "alerts.routing",
        "alerts.routing.people.<name>",
        "alerts.playbooks.<name>",
        "alerts.playbooks.<name>.steps[]",
    }


@pytest.mark.parametrize("path", list(SPECS))
def test_every_rule_key_is_documented(path: str) -> None:
    keys = {f.alias or n for n, f in SPECS[path].model_fields.items()}
    assert _rows(_section(f"`{path}`")) == keys


def test_every_kind_is_documented() -> None:
    text = _section("`alerts.rules.<name>`")
    for kind in KINDS:
        assert f"`{kind}`" in text
