"""The presets: each loads, fits the demo book's vocabulary and has the shape its source
describes."""

from __future__ import annotations

import pytest

from stethoscope.contract import demo_vocab
from stethoscope.errors import ModelError
from stethoscope.model.presets import list_presets, load_preset, preset_text
from stethoscope.model.types import (
    Aggregate,
    Compare,
    Const,
    Model,
    Name,
    Or,
    Ratio,
    Tertiles,
    Thresholds,
)

PRESETS = ["dear", "four-signals", "successscore"]


def test_the_presets_are_listed() -> None:
    assert list_presets() == PRESETS


def test_an_unknown_preset_names_the_others() -> None:
    with pytest.raises(ModelError, match=r"^unknown preset 'dears' \(did you mean 'dear'\?\)\n"):
        preset_text("dears")
    with pytest.raises(ModelError) as e:
        preset_text("nope")
    assert e.value.hint == "presets are: dear, four-signals, successscore"


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_loads_and_fits_the_demo_book(name: str) -> None:
    m = load_preset(name)
    assert m.name == name
    assert m.source == preset_text(name)
    assert m.description
    known = {"event": set(demo_vocab.EVENT_NAMES), "persona": set(demo_vocab.ROLES)}
    for metric in m.metrics.values():
        src = metric.source
        if not isinstance(src, Aggregate):
            continue
        for f in src.where:
            assert set(f.values) <= known.get(f.column, set(f.values)), (metric.name, f)
        assert set(src.share_of) <= known["event"], metric.name
    # every measure says in plain words how it grades
    assert all(measure.description for measure in m.measures.values())


def _grades(m: Model, measure: str) -> set[float]:
    g = m.measures[measure].grading
    assert isinstance(g, Thresholds)
    return {grade for _, grade in g.points} | {r.grade for r in m.measures[measure].rules}


def test_dear_grades_red_yellow_green() -> None:
    m = load_preset("dear")
    assert list(m.groups) == ["deployment", "engagement", "adoption", "roi"]
    for group in m.groups.values():
        for item in group.items:
            assert _grades(m, item.name) <= {0.0, 50.0, 100.0}
    # deployment and ROI are red or green only
    assert _grades(m, "deployed") == {0.0, 100.0}
    assert _grades(m, "goals_met") == {0.0, 100.0}
    assert m.inputs["deployment_complete"].kind == "boolean"
    assert m.metrics["licence_use"].source == Ratio("active_users_10d", "seats")
    users = m.metrics["active_users_10d"].source
    assert isinstance(users, Aggregate)
    assert users.window_days == 10


def test_successscore_has_six_groups_and_one_decimal() -> None:
    m = load_preset("successscore")
    assert {i.name for i in m.scorecards["successscore"].items} == {
        "product_usage",
        "sentiment",
        "advocacy",
        "engagement",
        "relationship",
        "roi",
    }
    assert m.scale.decimals == 1
    contact = m.metrics["days_since_contact"].source
    assert isinstance(contact, Aggregate)
    assert contact.fn == "days_since"
    assert set(m.scores) == {"health", "expansion"}


def test_four_signals_segments_new_and_regulated_customers() -> None:
    m = load_preset("four-signals")
    assert (m.scale.min, m.scale.max) == (0.0, 10.0)
    onboarding, regulated, standard = m.scores["health"].segments
    assert onboarding.when == Compare(Name("tenure_days"), "<", Const(120.0))
    assert isinstance(regulated.when, Or)
    assert regulated.when.items[0] == Compare(Name("industry"), "==", Const("healthcare"))
    assert standard.when is None
    regulated_card = {i.name for i in m.scorecards[regulated.scorecard].items}
    standard_card = {i.name for i in m.scorecards[standard.scorecard].items}
    assert regulated_card - standard_card == {"compliance"}
    assert {"nps", "usage", "tickets", "gut_check"} <= standard_card
    tickets = m.measures["tickets"]
    assert tickets.direction == "lower"
    assert tickets.grading == Tertiles("segment")
    assert tickets.rules
    assert m.measures["gut_check"].missing == "skip"
