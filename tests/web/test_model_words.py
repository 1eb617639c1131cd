"""The Model page says what the rates and property metrics of issue 18 compute."""

from __future__ import annotations

from pathlib import Path

from stethoscope.model.loader import load_model
from stethoscope.model_words import metric

KINDS = Path(__file__).parent.parent / "fixtures" / "kinds" / "model.yaml"


def test_rates_and_properties_in_plain_words() -> None:
    m = load_model(KINDS).metrics
    assert metric(m["deal_value_per_user_30d"]) == (
        "the sum of properties.value in events where event is 'deal', over the last 30 days, "
        "per active user"
    )
    assert metric(m["events_30d_tenure"]) == (
        "the number of rows in events, over the last 30 days, scaled to the whole window for "
        "an account younger than it"
    )
    assert metric(m["paid_deals_30d"]).startswith(
        "the number of rows in events where properties.plan is 'pro' or 'team'"
    )
