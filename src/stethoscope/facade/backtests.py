"""Judging a model against real churn (stethoscope.backtest): backtests and model
comparisons, calibration into a new model file, discovering a starter model, and the churn
forecast. Each reads the whole history on the store's own connection; with compute = spark
the frames they observe are computed on Spark (backtest.observations). Discovering a starter
model scans the store's own tables (its candidates are no model yet)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.facade.core import ProjectCore
from stethoscope.progress import Progress

if TYPE_CHECKING:
    from stethoscope.backtest.discover import Discovery
    from stethoscope.backtest.replay import Backtest
    from stethoscope.compute import Compute
    from stethoscope.model.types import Model
    from stethoscope.steps import Step
    from stethoscope.store.database import Connection


class Backtests(ProjectCore):
    def _observing(
        self,
        start: date | None,
        end: date | None,
        every: str | Step | int,
        horizon: int,
        lead: int,
        score: str,
        level: str,
        method: str,
        anchor: str = "calendar",
    ) -> Any:
        from stethoscope.backtest.observations import plan
        from stethoscope.backtest.replay import Settings
        from stethoscope.steps import Step, parse_step

        if level not in ("account", "parent"):
            raise DataError(f"--level must be account or parent, got '{level}'")
        if method not in ("isotonic", "platt"):
            raise DataError(f"--probability must be isotonic or platt, got '{method}'")
        if anchor not in ("calendar", "renewal"):
            raise DataError(f"--anchor must be calendar or renewal, got '{anchor}'")
        if anchor == "renewal" and level == "parent":
            # a family rolls up its members scored on a date; anchored, a date holds only
            # the members renewing then, so the family's score would be a part of it
            raise DataError(
                "--anchor renewal observes accounts at their own term ends; it cannot roll "
                "them up into families (--level parent)",
                hint="use --level account with --anchor renewal",
            )
        step = (
            parse_step(every)
            if isinstance(every, str)
            else every
            if isinstance(every, Step)
            else Step(every, "d")
        )
        p = plan(
            self.store.con,
            start=start,
            end=end,
            every=step,
            horizon=horizon,
            lead=lead,
            anchor=anchor,  # type: ignore[arg-type]
        )
        return Settings(
            tuple(p.dates),
            step,
            horizon,
            lead,
            score,
            level,  # type: ignore[arg-type]
            method,  # type: ignore[arg-type]
            p.anchor,
            p.pairs,
        )

    def backtest(
        self,
        *,
        model: Path | str | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        method: str = "isotonic",
        anchor: str = "calendar",
        save: bool = True,
        progress: Progress | None = None,
    ) -> Backtest:
        """Score every active account at observation dates from ``start`` to ``end``
        (every ``every``: a step like ``30d`` or ``1mo``, or days) with only the data known
        then, label each by whether it churned within ``horizon`` days (after ``lead``), and
        report how well the score predicted it (docs/concepts/backtesting.md). With
        ``anchor="renewal"`` each account is observed ``lead`` days before each of its term
        ends instead. Kept in the store with ``save``."""
        from stethoscope.backtest.replay import backtest
        from stethoscope.store import backtests

        m = self.load_model(model)
        with self._lock:
            settings = self._observing(
                start, end, every, horizon, lead, score, level, method, anchor
            )
            b = backtest(
                self.store.con,
                m,
                settings,
                file=str(self.model_path(model)),
                progress=progress,
                compute=self._compute_engine(),
            )
            if save:
                backtests.save(self.store.con, b.to_json(observations=False))
            return b

    def compare_models(
        self,
        a: Path | str,
        b: Path | str,
        *,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        anchor: str = "calendar",
        replicates: int = 1000,
        seed: int = 0,
        save: bool = True,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Two model files backtested on the same observations: each one's report, and the
        difference of their AUCs with a bootstrap confidence interval."""
        from stethoscope.backtest import compare
        from stethoscope.backtest.replay import backtest
        from stethoscope.store import backtests

        ma, mb = self.load_model(a), self.load_model(b)
        with self._lock:
            settings = self._observing(
                start, end, every, horizon, lead, score, level, "isotonic", anchor
            )
            away = self._compute_engine()
            ra = backtest(
                self.store.con, ma, settings, file=str(a), progress=progress, compute=away
            )
            rb = backtest(
                self.store.con, mb, settings, file=str(b), progress=progress, compute=away
            )
            oa, ob = compare.aligned(ra.observations, rb.observations)
            out = {
                "kind": "compare",
                "settings": settings.to_json(),
                "a": ra.to_json(observations=False),
                "b": rb.to_json(observations=False),
                "difference": compare.difference(oa, ob, replicates=replicates, seed=seed),
            }
            if save:
                backtests.save(self.store.con, out)
            return out

    def calibrate(
        self,
        out: Path | str,
        *,
        model: Path | str | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        anchor: str = "calendar",
        force: bool = False,
        flips: bool = True,
        curves: bool = True,
        flatten: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Fit the score's weights at every level (and, with ``flips`` and ``curves``,
        reversed measures turned round and grading curves from the data) and band
        thresholds on backtest observations (dates and ``anchor`` as ``backtest``), and
        write them as a new model file ``out`` (never the model it starts from); the fit,
        with each step's held-out figures (docs/concepts/backtesting.md). ``flatten``:
        scorecards written flat."""
        from stethoscope.backtest.calibrate import calibrate
        from stethoscope.backtest.calibrate_text import model_text
        from stethoscope.backtest.observations import observe
        from stethoscope.model.loader import parse_model

        m = self.load_model(model)
        source = self.model_path(model)
        target = Path(out)
        if target.resolve() == source.resolve():
            raise DataError(
                f"--out {target} is the model being calibrated; calibrate never overwrites it",
                hint="name a new file, e.g. --out model.calibrated.yaml",
            )
        if target.exists() and not force:
            raise DataError(f"{target} exists", hint="choose another --out, or pass --force")
        with self._lock:
            settings = self._observing(
                start, end, every, horizon, lead, score, "account", "isotonic", anchor
            )
            obs = observe(
                self.store.con,
                m,
                score,
                list(settings.dates),
                horizon=horizon,
                lead=settings.label_lead,
                pairs=settings.pairs,
                values=curves or flips,
                progress=progress,
                compute=self._compute_engine(),
            )
        fit = calibrate(
            obs,
            m,
            score,
            horizon=horizon,
            lead=settings.label_lead,
            flips=flips,
            curves=curves,
            flatten=flatten,
        )
        text = model_text(m, fit, source=str(source.name), when=clock.today())
        new = parse_model(text, str(target))  # the file it writes is a valid model
        target.write_text(text)
        return fit.to_json() | {
            "settings": settings.to_json(),
            "model": {"from": str(source), "version": m.version},
            "out": {"file": str(target), "version": new.version},
        }

    def discover(
        self,
        *,
        out: Path | str | None = None,
        every: str = "1mo",
        horizon: int = 90,
        lead: int = 0,
        to: date | None = None,
        events: int = 15,
        measures: int = 12,
        force: bool = False,
        progress: Progress | None = None,
    ) -> Discovery:
        """The traits of lost customers: candidate metrics of the book judged against churn
        on observation dates up to ``to``, and a starter model of the best uncorrelated
        ones, written to ``out`` (docs/concepts/backtesting.md, "Discover")."""
        from stethoscope.backtest.discover import discover
        from stethoscope.model.loader import parse_model

        target = Path(out) if out is not None else None
        if target is not None and target.exists() and not force:
            raise DataError(f"{target} exists", hint="choose another --out, or pass --force")
        with self._lock:
            d = discover(
                self.store.con,
                every=every,
                horizon=horizon,
                lead=lead,
                to=to,
                events=events,
                measures=measures,
                progress=progress,
            )
        if target is not None:
            if d.model_text is None:
                raise DataError(
                    f"no starter model to write to {target}: {d.report['model_problem']}",
                    hint="see the candidates in the report (--format json) for what was found",
                )
            parse_model(d.model_text, str(target))  # the file it writes is a valid model
            target.write_text(d.model_text)
        return d

    def churn_forecast(
        self,
        *,
        model: Path | str | None = None,
        as_of: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        method: str = "isotonic",
        top: int = 20,
    ) -> dict[str, Any]:
        """Revenue at risk: each account's probability of churning within ``horizon``
        days of ``as_of`` (default: the last day of data), from its score through a
        mapping fitted on a backtest of the model, and the expected churned ARR per
        segment, owner and renewal month."""
        from stethoscope.backtest.observations import data_span
        from stethoscope.backtest.replay import backtest

        m = self.load_model(model)
        with self._lock:
            settings = self._observing(None, None, every, horizon, lead, score, level, method)
            away = self._compute_engine()
            b = backtest(self.store.con, m, settings, progress=None, compute=away)
            day = as_of or data_span(self.store.con)[1]
            return forecast(self.store.con, m, b, day, top=top, compute=away)

    def latest_backtest(self) -> dict[str, Any] | None:
        """The latest backtest (or comparison) report kept in the store, or None."""
        from stethoscope.store import backtests

        with self._reading() as con:
            return backtests.latest(con)

    def latest_forecast(self) -> dict[str, Any] | None:
        """The latest churn forecast kept in the store (a backtest started from the
        dashboard keeps one), or None."""
        from stethoscope.store import backtests

        with self._reading() as con:
            return backtests.latest(con, kinds=("forecast",))


def forecast(
    con: Connection,
    m: Model,
    b: Backtest,
    day: date,
    *,
    top: int = 20,
    compute: Compute | None = None,
) -> dict[str, Any]:
    """The churn forecast as of ``day`` from backtest ``b``'s fitted mapping: each active
    account's probability of churning within the backtest's horizon from its score, and
    the expected churned ARR per segment, owner and renewal month."""
    import numpy as np

    from stethoscope.backtest.observations import observe
    from stethoscope.backtest.probability import ChurnMapping, expected_loss

    fitted = b.report["probability"]
    if fitted is None:
        raise DataError(
            "the backtest holds no churn to fit a probability on",
            hint="import outcomes, or widen --horizon",
        )
    mapping = ChurnMapping.from_json(fitted)
    horizon, score, level = b.settings.horizon, b.settings.score, b.settings.level
    now = observe(con, m, score, [day], horizon=horizon, lead=0, level=level, compute=compute)
    prob = mapping.predict(now.score)
    arr = np.nan_to_num(now["arr"])
    loss = np.nan_to_num(prob) * arr
    order = np.argsort(-loss, kind="stable")[:top]
    return {
        "kind": "forecast",
        "as_of": day.isoformat(),
        "horizon_days": horizon,
        "score": score,
        "level": level,
        "model": {"name": m.name, "version": m.version},
        "fitted_on": b.settings.to_json() | {"auc": b.report["auc"]},
        "mapping": fitted,
        "accounts": len(now),
        "arr": float(arr.sum()),
        "expected_churned_arr": float(loss.sum()),
        "expected_churned_accounts": float(np.nansum(prob)),
        **expected_loss(
            prob,
            now["arr"],
            {
                "segment": now["segment"],
                "owner": now["owner"],
                "renewal_month": now["renewal_month"],
            },
        ),
        "top_accounts": [
            {
                "account_id": str(now["account_id"][i]),
                "score": None if np.isnan(now.score[i]) else float(now.score[i]),
                "band": now["band"][i],
                "arr": float(arr[i]),
                "churn_probability": None if np.isnan(prob[i]) else float(prob[i]),
                "expected_churned_arr": float(loss[i]),
            }
            for i in order
        ],
    }
