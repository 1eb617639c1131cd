"""Replaying a model against history: the observations of a backtest and its report, and
the same for two models on the same observations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope.backtest import summary
from stethoscope.backtest.observations import Anchor, Level, Observations, observe
from stethoscope.errors import ModelError

if TYPE_CHECKING:
    from stethoscope.backtest.probability import Method
    from stethoscope.compute import Compute
    from stethoscope.model.types import Model
    from stethoscope.progress import Progress
    from stethoscope.steps import Step
    from stethoscope.store.database import Connection


@dataclass(frozen=True)
class Settings:
    """How a backtest observes: dates (calendar, ``every`` apart, or anchored per account:
    observations.plan), horizon and lead time in days, the score, the level."""

    dates: tuple[dt.date, ...]
    every: Step
    horizon: int
    lead: int = 0
    score: str = "health"
    level: Level = "account"
    method: Method = "isotonic"
    anchor: Anchor = "calendar"
    # the temporary table of anchored (account, date) pairs, for an anchored backtest
    pairs: str | None = None

    @property
    def label_lead(self) -> int:
        """The lead the labels leave out: anchored, the lead places the observation before
        the term end, and churn at the term end is what is predicted."""
        return self.lead if self.anchor == "calendar" else 0

    def to_json(self) -> dict[str, Any]:
        calendar = self.anchor == "calendar"
        return {
            "from": self.dates[0].isoformat(),
            "to": self.dates[-1].isoformat(),
            "anchor": self.anchor,
            "every": str(self.every) if calendar else None,
            "every_days": self.every.days if calendar else None,
            "horizon_days": self.horizon,
            "lead_days": self.lead,
            "score": self.score,
            "level": self.level,
            "probability_method": self.method,
        }


@dataclass
class Backtest:
    model: dict[str, Any]
    settings: Settings
    report: dict[str, Any]
    observations: Observations
    seconds: float = 0.0

    def to_json(self, *, observations: bool = True) -> dict[str, Any]:
        out = {
            "kind": "backtest",
            "model": self.model,
            "settings": self.settings.to_json(),
            "seconds": round(self.seconds, 3),
            **self.report,
        }
        if observations:
            out["rows"] = self.observations.to_json()
        return out


def model_info(model: Model, file: str | None = None) -> dict[str, Any]:
    return {
        "name": model.name,
        "version": model.version,
        "file": file,
        "bands": [{"name": b.name, "below": b.below, "label": b.label} for b in model.bands],
        "scale": {"min": model.scale.min, "max": model.scale.max},
    }


def check_score(model: Model, score: str) -> None:
    if score not in model.scores:
        raise ModelError(
            f"the model '{model.name}' has no score '{score}'",
            hint=f"scores are: {', '.join(model.scores)}",
        )


def backtest(
    con: Connection,
    model: Model,
    settings: Settings,
    *,
    file: str | None = None,
    progress: Progress | None = None,
    compute: Compute | None = None,
) -> Backtest:
    """Observe ``model`` at the dates of ``settings`` (computed by ``compute`` when given:
    compute = spark) and report how well its score predicted churn."""
    import time

    check_score(model, settings.score)
    started = time.perf_counter()
    obs = observe(
        con,
        model,
        settings.score,
        list(settings.dates),
        horizon=settings.horizon,
        lead=settings.label_lead,
        level=settings.level,
        pairs=settings.pairs,
        progress=progress,
        compute=compute,
    )
    report = summary.summarize(
        obs,
        summary.band_names(model),
        horizon=settings.horizon,
        lead=settings.label_lead,
        method=settings.method,
        uses=summary.uses(model, settings.score),
        pooled=settings.anchor != "calendar",
    )
    return Backtest(model_info(model, file), settings, report, obs, time.perf_counter() - started)
