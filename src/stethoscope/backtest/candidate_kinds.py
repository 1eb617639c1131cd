"""What a discover candidate is, and the few shapes candidates take (one metric, a percent
change, a ratio), shared by the generators of ``candidates.py`` and ``candidates_contract.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stethoscope.model.spec import duration_days

Spec = dict[str, Any]

# the window of "recent" activity, and the longer one of sparse sources (tickets, calls)
WINDOW = 30
LONG = 90
YEAR = 365
STATIC = "reads today's value, not the value on the observation date (no history)"


@dataclass(frozen=True)
class Candidate:
    """A metric to try: ``name`` is the metric judged; ``metrics`` holds it and every
    metric it reads, as model-file mappings."""

    name: str
    family: str
    description: str
    metrics: dict[str, Spec]
    caveat: str | None = None

    @property
    def spec(self) -> Spec:
        return self.metrics[self.name]

    @property
    def history_days(self) -> int | None:
        """Days of data a change candidate compares (its window and the one before), else
        None."""
        base = self.spec.get("percent_change")
        window = self.metrics.get(base, {}).get("window") if base else None
        return 2 * duration_days(window) if window else None


def span(days: int) -> str:
    return f"{days}d"


def one(name: str, family: str, description: str, spec: Spec, **kw: Any) -> Candidate:
    return Candidate(name, family, description, {name: spec}, **kw)


def change(name: str, family: str, description: str, base: str, base_spec: Spec) -> Candidate:
    return Candidate(name, family, description, {base: base_spec, name: {"percent_change": base}})


def ratio(
    name: str, family: str, description: str, parts: dict[str, Spec], caveat: str | None = None
) -> Candidate:
    a, b = parts
    return Candidate(name, family, description, {**parts, name: {"ratio": [a, b]}}, caveat)
