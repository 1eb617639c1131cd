"""Contract metrics in the model YAML: each mistake at its file:line with its own message,
and what a valid one resolves to."""

from __future__ import annotations

import pytest

from stethoscope.errors import ModelError
from stethoscope.model.loader import parse_model
from stethoscope.model.types import Contract
from tests.model.test_loader import LINE, TEMPLATE

CASES = [
    (
        "x: {contract: mrrr}",
        "metrics.x.contract: expected one of mrr, seats, plan, term_months, days_to_term_end, "
        "days_since_change, got 'mrrr' (did you mean 'mrr'?)",
    ),
    (
        "x: {contract: plan, change: 90d}",
        "metrics.x.change: contract 'plan' has no change; change is for mrr and seats",
    ),
    (
        "x: {contract: mrr, as: percent}",
        "metrics.x.as: only with change (e.g. change: 90d, as: percent)",
    ),
    (
        "x: {contract: mrr, change: 90d, as: percnt}",
        "metrics.x.as: expected one of amount, percent, got 'percnt' (did you mean 'percent'?)",
    ),
    (
        "x: {contract: mrr, change: quarter}",
        "metrics.x.change: expected a duration like '30d', got 'quarter'",
    ),
    ("x: {contract: seats, window: 30d}", "metrics.x.window: only for table metrics"),
    (
        "x: {table: events, aggregate: count, change: 30d}",
        "metrics.x.change: only for contract metrics",
    ),
    (
        "y: {percent_change: x}\n  x: {contract: mrr}",
        "metrics.y.percent_change: 'x' is a contract metric; for its change write "
        "{contract: ..., change: 90d, as: percent}",
    ),
    (
        "x: {contract: mrr, attribute: arr}",
        "metrics.x: has both attribute and contract; a metric reads one source",
    ),
]


@pytest.mark.parametrize(("snippet", "message"), CASES)
def test_each_contract_mistake_has_its_exact_message(snippet: str, message: str) -> None:
    slots = dict.fromkeys(LINE, "")
    slots["metric"] = snippet
    with pytest.raises(ModelError) as e:
        parse_model(TEMPLATE.format(**slots))
    assert str(e.value) == (
        f"invalid model 'model.yaml' (1 problem)\n"
        f"  model.yaml:{LINE['metric']}  {message}\n"
        f"Hint: run `stethoscope validate` after editing."
    )


def test_contract_metrics_resolve() -> None:
    slots = dict.fromkeys(LINE, "")
    slots["metric"] = "x: {contract: seats, change: 2w, as: percent}"
    m = parse_model(TEMPLATE.format(**slots)).metrics
    assert (m["x"].source, m["x"].kind) == (Contract("seats", 14, True), "number")
    slots["metric"] = "x: {contract: plan}"
    m = parse_model(TEMPLATE.format(**slots)).metrics
    assert (m["x"].source, m["x"].kind) == (Contract("plan"), "text")
