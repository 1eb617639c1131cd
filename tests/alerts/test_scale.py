"""Issue 17 item 8: alert rules fit the model's scale. A threshold off the scale is an
error, rules may be written in bands and shares of the scale, `alerts init` writes rules a
0-10 model can use, `alerts validate` ends with a dry run, and an account with an open 'act'
alert gets no 'investigate' one as well."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from stethoscope.alerts.rules import parse_rules, preset_rules_text
from stethoscope.errors import ModelError
from stethoscope.model.loader import parse_model
from tests.alerts.conftest import DAY0, MODEL, Book
from tests.conftest import run_cli

# the conftest's model on a 0-10 scale: the same level of 0-100 scores a tenth
TEN = MODEL.replace(
    "bands:\n  - {name: red, below: 60}\n  - {name: yellow, below: 75}",
    "scale: {min: 0, max: 10}\nbands:\n  - {name: red, below: 6}\n  - {name: yellow, below: 7.5}",
)


def test_a_threshold_off_the_scale_is_an_error_with_the_way_out() -> None:
    model = parse_model(TEN)
    text = (
        "rules:\n  act: {kind: below, threshold: 60}\n"
        "  drop: {kind: drop, points: 15, within: 14d}\n"
        "  calm: {kind: band_change, hysteresis: 20}\n"
    )
    with pytest.raises(ModelError) as e:
        parse_rules(text, "alerts.yaml", model)
    assert [str(p) for p in e.value.problems] == [
        "alerts.yaml:2  rules.act.threshold: 60 is outside the score's range: the model's "
        "scale is 0 to 10, so the rule would alert every account; write it on the model's "
        "scale or as a band (band: red)",
        "alerts.yaml:3  rules.drop.points: a drop of 15 points cannot happen: the model's "
        "scale is 0 to 10; write it on the scale or as percent of it (percent: 15)",
        "alerts.yaml:4  rules.calm.hysteresis: 20 is more than the whole scale (the model's "
        "scale is 0 to 10): an alert would never resolve",
    ]


def test_bands_and_shares_of_the_scale_resolve_on_the_models_scale() -> None:
    model = parse_model(TEN)
    rules = parse_rules(
        "rules:\n  act: {kind: below, band: red}\n  look: {kind: below, band: yellow}\n"
        "  drop: {kind: drop, percent: 15, within: 14d}\n",
        "alerts.yaml",
        model,
    ).rules
    assert (rules["act"].threshold, rules["look"].threshold) == (6.0, 7.5)
    assert rules["drop"].points == pytest.approx(1.5)
    assert rules["act"].hysteresis == pytest.approx(0.5)  # 5% of the range
    with pytest.raises(ModelError) as e:
        parse_rules(
            "rules:\n  a: {kind: below, band: green}\n  b: {kind: below, band: redd}\n"
            "  c: {kind: below, band: red, threshold: 5}\n  d: {kind: drop, band: red}\n",
            "alerts.yaml",
            model,
        )
    assert [p.message for p in e.value.problems] == [
        "rules.a.band: 'green' is the best band: every score is in it or a worse one; name "
        "a band below it (red, yellow)",
        "rules.b.band: unknown band 'redd' (did you mean 'red'?); expected one of red, "
        "yellow, green",
        "rules.c: a 'below' rule needs threshold (a score on the model's scale) or band "
        "(alert in that band or a worse one), one of them",
        "rules.d.band: band is for 'below' rules, not 'drop'",
        "rules.d: a 'drop' rule needs points (on the model's scale) or percent (of the "
        "scale's range), one of them: alert when the score drops by this much",
        "rules.d: a 'drop' rule needs within: the days over which the drop is measured, like '7d'",
    ]


def test_the_starting_rules_fit_any_model() -> None:
    ten = parse_model(TEN)
    assert parse_rules(preset_rules_text(ten), "alerts.yaml", ten).rules["act"].threshold == 6
    renamed = parse_model(
        TEN.replace("name: red", "name: at_risk").replace("name: green", "name: healthy")
    )
    text = preset_rules_text(renamed)
    rules = parse_rules(text, "alerts.yaml", renamed).rules
    assert (rules["act"].threshold, rules["turned-red"].to) == (6.0, ("at_risk",))
    two = parse_model(TEN.replace("  - {name: yellow, below: 7.5}\n", ""))
    assert set(parse_rules(preset_rules_text(two), "alerts.yaml", two).rules) == {
        "act",
        "sudden-drop",
        "turned-red",
        "detractor",
    }


def test_an_account_with_an_open_act_alert_gets_no_investigate_alert(
    book_factory: Callable[..., Book],
) -> None:
    # the lighter rule first in the file: evaluation still takes the graver one first
    book = book_factory(
        "alerts:\n  rules:\n"
        "    look: {kind: below, band: yellow, severity: investigate, channels: [],"
        " task: {playbook: yellow}}\n"
        "    act: {kind: below, band: red, channels: [], task: {playbook: red}}\n"
    )
    day = DAY0
    book.score(day, a1=50, a2=70, a3=90)
    opened = {(a.rule, a.account_id) for a in book.project.alerts()}
    assert opened == {("act", "a1"), ("look", "a2")}
    assert sorted(t.account_id for t in book.project.tasks()) == ["a1", "a2"]
    # a1 recovers into yellow: its act alert resolves, and only then may it investigate
    book.score(day + dt.timedelta(days=1), a1=70, a2=70, a3=90)
    book.score(day + dt.timedelta(days=2), a1=70, a2=70, a3=90)
    alerts = {(a.rule, a.account_id, a.status) for a in book.project.alerts()}
    assert ("act", "a1", "resolved") in alerts
    assert ("look", "a1", "open") in alerts


def test_validate_makes_a_dry_run_and_warns_of_a_rule_on_the_wrong_scale(
    book_factory: Callable[..., Book], tmp_path: Path
) -> None:
    book = book_factory(
        "alerts:\n  rules:\n"
        "    act: {kind: below, band: red, channels: [], task: {playbook: red}}\n"
        "    loud: {kind: below, threshold: 95, channels: []}\n"
    )
    book.put(a1=50, a2=70, a3=90)
    [row] = book.project.preview_alerts() or [None]  # nothing scored yet
    assert row is None
    book.project.run(as_of=DAY0)
    before = book.project.alerts()
    book.project.close()  # the CLI opens the project itself
    done = run_cli("alerts", "validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = " ".join(re.sub(r"[^\w\s%(),.:'`-]", " ", done.stdout).split())
    assert "Dry run on 2025-03-01, the latest scored date:" in out
    # both fired at the run: nothing more to open
    assert "act below act 1 of 3 (33%) 0" in out
    assert "loud below act 3 of 3 (100%) 0" in out
    assert "warning rule 'loud' fires on more than 50% of the scored accounts" in out
    assert sorted(a.rule for a in before) == ["act", "loud", "loud", "loud"]
