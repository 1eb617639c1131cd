"""Observations of a backtest: every active account scored at each observation date, with
only the data known then, and labelled by whether it churned within the horizon.

Each date is one execution of the engine's compiled frame query (the as-of date is a
variable of the SQL, so one compiled query scores every date); the rows stay in the
database, and only the columns a backtest reads leave it, once, as arrays. The label comes
from ``outcomes`` (``labels.py``). At the parent level an account family (a top-level
account and everything under it) is one observation whose score and grades roll up from
its members by ARR weight (``hierarchy.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from stethoscope import steps
from stethoscope.contract.schema import q
from stethoscope.engine.rollup import members
from stethoscope.errors import DataError
from stethoscope.steps import Step

if TYPE_CHECKING:
    from stethoscope.compute import Compute
    from stethoscope.model.types import Model
    from stethoscope.progress import Progress
    from stethoscope.store.database import Connection

Level = Literal["account", "parent"]
# where observations are taken: the same calendar dates for every account, or each
# account's own term ends (anchors.py)
Anchor = Literal["calendar", "renewal"]

OBS = "_bt_obs"
# the frames' columns a compute engine computed (compute = spark), before they are observed
AWAY = "_bt_away"
# text columns of an observation, then numbers (NaN for missing)
TEXT = ("account_id", "band", "scorecard", "segment", "owner", "renewal_month", "parent_id")
NUMBERS = ("score", "coverage", "arr", "churned_arr", "label")


@dataclass
class Observations:
    """One row per (observation date, account): its score, band, grades and label, as
    columns (numpy arrays). ``grades`` are the measures' grades (0-100), ``groups`` the
    group scores, ``values`` the raw values of numeric metrics (when asked for, at the
    account level: calibration fits grading curves on them); NaN where missing. ``label``
    is 1 when the account churned within the horizon after the date, else 0."""

    as_of: np.ndarray  # datetime64[D]
    cols: dict[str, np.ndarray]
    grades: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.as_of)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name]

    @property
    def score(self) -> np.ndarray:
        return self.cols["score"]

    @property
    def label(self) -> np.ndarray:
        return self.cols["label"]

    @property
    def dates(self) -> list[dt.date]:
        return [d.astype(object) for d in np.unique(self.as_of)]

    def take(self, mask: np.ndarray) -> Observations:
        return Observations(
            self.as_of[mask],
            {k: v[mask] for k, v in self.cols.items()},
            {k: v[mask] for k, v in self.grades.items()},
            {k: v[mask] for k, v in self.groups.items()},
            {k: v[mask] for k, v in self.values.items()},
        )

    def to_json(self) -> dict[str, Any]:
        """Columnar, JSON-ready: every figure of a report can be recomputed from it."""

        def nums(a: np.ndarray) -> list[float | None]:
            return [None if np.isnan(x) else float(x) for x in a]

        out: dict[str, Any] = {"as_of": [str(d) for d in self.as_of]}
        for k in TEXT:
            out[k] = [None if v is None else str(v) for v in self.cols[k]]
        for k in NUMBERS:
            out[k] = nums(self.cols[k])
        out["grades"] = {k: nums(v) for k, v in self.grades.items()}
        out["groups"] = {k: nums(v) for k, v in self.groups.items()}
        if self.values:
            out["values"] = {k: nums(v) for k, v in self.values.items()}
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Observations:
        def nums(xs: list[float | None]) -> np.ndarray:
            return np.array([np.nan if x is None else x for x in xs], dtype=float)

        cols: dict[str, np.ndarray] = {k: np.array(data[k], dtype=object) for k in TEXT}
        cols |= {k: nums(data[k]) for k in NUMBERS}
        return cls(
            np.array(data["as_of"], dtype="datetime64[D]"),
            cols,
            {k: nums(v) for k, v in data["grades"].items()},
            {k: nums(v) for k, v in data["groups"].items()},
            {k: nums(v) for k, v in data.get("values", {}).items()},
        )

    def dumps(self) -> str:
        return json.dumps(self.to_json())


def graded(model: Model, score: str) -> tuple[list[str], list[str]]:
    """(measures, groups) that a score reads, under any of its scorecards."""
    ms: set[str] = set()
    gs: set[str] = set()
    for s in model.scores[score].segments:
        m, g = members(model, s.scorecard)
        ms |= set(m)
        gs |= set(g)
    return sorted(ms), sorted(gs)


def numeric_metrics(model: Model, measures: list[str]) -> list[str]:
    """The numeric metrics that ``measures`` grade."""
    names = {model.measures[m].metric for m in measures}
    return sorted(n for n in names if n in model.metrics and model.metrics[n].kind == "number")


def data_span(con: Connection) -> tuple[dt.date, dt.date]:
    """The first and last day the book has data for: events, and outcomes at the end."""
    row = con.execute(
        'SELECT min(CAST("timestamp" AS DATE)), max(CAST("timestamp" AS DATE)) FROM events'
    ).fetchone()
    since = con.execute("SELECT min(customer_since) FROM accounts").fetchone()
    outcome = con.execute("SELECT max(date) FROM outcomes").fetchone()
    first = (row[0] if row else None) or (since[0] if since else None)
    ends = [d for d in (row[1] if row else None, outcome[0] if outcome else None) if d]
    end = max(ends) if ends else None
    if first is None or end is None:
        raise DataError(
            "the book has no events and no outcomes to backtest against",
            hint="import events and outcomes (or `stethoscope demo`) first",
        )
    return first, end


def observation_dates(
    con: Connection,
    *,
    start: dt.date | None,
    end: dt.date | None,
    every: Step | int,
    horizon: int,
    lead: int = 0,
) -> list[dt.date]:
    """Calendar observation dates: ``start``, ``start + every``, ... up to ``end``; without
    ``start``, twelve dates counted back from ``end`` (so the last date is ``end``),
    starting no earlier than 30 days into the data (metrics need a window of history). By
    default ``end`` is where the last label is complete (the last data day minus lead and
    horizon). ``every`` is a step (steps.py: ``7d``, ``1mo``) or a number of days. A date
    whose horizon reaches past the data is refused: its label would count as "did not
    churn" what the data has not seen yet."""
    step = every if isinstance(every, Step) else Step(every, "d")
    begin, stop = _span(con, start, end, horizon, lead, step=step)
    if start is not None:
        return steps.forward(begin, stop, step)
    return steps.backward(stop, begin, step, limit=12)


def _span(
    con: Connection,
    start: dt.date | None,
    end: dt.date | None,
    horizon: int,
    lead: int,
    *,
    step: Step | None = None,
) -> tuple[dt.date, dt.date]:
    """(first, last) date of observations, checked: ``start`` (default 30 days into the
    data) and ``end`` (default the latest whose label window, ``horizon + lead`` days
    after it, lies inside the data; a later one is refused)."""
    first, last = data_span(con)
    problems: list[str] = []
    if (step is not None and step.count < 1) or horizon < 1 or lead < 0:
        problems.append(f"--every {step}, --horizon {horizon}d, --lead {lead}d must be positive")
    latest = last - dt.timedelta(days=horizon + lead)
    stop = end or latest
    begin = start or first + dt.timedelta(days=30)
    if stop > latest:
        problems.append(
            f"--to {stop}: its horizon ends on {stop + dt.timedelta(days=horizon + lead)}, after "
            f"the last day of data ({last}); the latest complete observation date is {latest}"
        )
    if begin > stop:
        problems.append(f"--from {begin} is after --to {stop}")
    if problems:
        raise DataError(
            "cannot choose observation dates: " + "; ".join(problems),
            hint="choose --from/--to inside the data, or a shorter --horizon",
        )
    return begin, stop


@dataclass(frozen=True)
class Plan:
    """Which (account, date) pairs to observe: every account scored on each of ``dates``
    (calendar), or, anchored, only the pairs in the temporary table ``pairs`` (whose
    distinct dates are ``dates``). Labels leave out churn within ``label_lead`` days."""

    dates: list[dt.date]
    anchor: Anchor = "calendar"
    pairs: str | None = None
    label_lead: int = 0


def plan(
    con: Connection,
    *,
    start: dt.date | None,
    end: dt.date | None,
    every: Step | int,
    horizon: int,
    lead: int = 0,
    anchor: Anchor = "calendar",
) -> Plan:
    """Where a backtest (or anything that observes accounts over time) observes.

    ``calendar``: every active account on each date of ``observation_dates`` (``lead``
    days after a date are left out of its label). ``renewal``: each account at each of its
    term ends minus ``lead`` days (anchors.py), the dates from ``start`` (default: 30
    days into the data) to ``end`` (default: the last date whose ``horizon`` the data
    covers); the label is churn within ``horizon`` after the observation, the term end
    included. Pass the result's ``dates`` and ``pairs`` to ``observe``."""
    if anchor == "calendar":
        dates = observation_dates(
            con, start=start, end=end, every=every, horizon=horizon, lead=lead
        )
        return Plan(dates, "calendar", None, lead)
    if anchor != "renewal":
        raise DataError(f"--anchor must be calendar or renewal, got '{anchor}'")
    if lead > horizon:
        raise DataError(
            f"--horizon {horizon}d ends before the term end the observation is anchored to "
            f"(--lead {lead}d), so no renewal could be counted",
            hint="choose a --horizon at least as long as the --lead",
        )
    begin, stop = _span(con, start, end, horizon, 0)
    from stethoscope.backtest.anchors import ANCHORS, renewal_pairs

    dates = renewal_pairs(con, start=begin, end=stop, lead=lead)
    if not dates:
        raise DataError(
            f"no account has a term end from {begin + dt.timedelta(days=lead)} to "
            f"{stop + dt.timedelta(days=lead)} (observed {lead} days before it)",
            hint="import subscriptions with end_date or term_months (or accounts with a "
            "renewal_date), or widen --from/--to",
        )
    return Plan(dates, "renewal", ANCHORS, 0)


def observe(
    con: Connection,
    model: Model,
    score: str,
    dates: list[dt.date],
    *,
    horizon: int,
    lead: int = 0,
    level: Level = "account",
    pairs: str | None = None,
    values: bool = False,
    progress: Progress | None = None,
    compute: Compute | None = None,
) -> Observations:
    """Score every active account at each date, label it, and read the result as arrays;
    with ``values`` (at the account level), the raw values of the numeric metrics graded
    too.

    The dates are scored as a run's backfill scores them (runner.backfill_sql: the source
    rows the dates need staged once, one compiled query run per date; one date: the
    frame's query itself); the rows stay in the database. With ``pairs`` (a table of
    account_id, as_of), only the accounts paired with a date are kept for it. With
    ``compute`` (compute = spark) the frames are computed there, staged as a run's are,
    and only the columns kept come back to the store."""
    from stethoscope.backtest import hierarchy, labels

    measures, groups = graded(model, score)
    raw = numeric_metrics(model, measures) if values and level == "account" else []
    # (the frame's column, the observation's name for it)
    kept = [
        *[(f"{c}__{score}", c) for c in ("score", "band", "scorecard", "coverage")],
        *[(f"g__{m}", f"g__{m}") for m in measures],
        *[(f"gs__{g}", f"gs__{g}") for g in groups],
        *[(f"m__{v}", f"m__{v}") for v in raw],
    ]
    cols = [f"{q(c)} AS {q(name)}" for c, name in kept]
    if compute is not None:
        # the frames computed there, only the columns kept coming back (runner.Away)
        needed = ["as_of", "account_id", *(c for c, _ in kept)]
        _away(con, model, dates, needed, compute, progress)
        _temp(con, OBS, _select(f"SELECT * FROM {AWAY}", cols, pairs))
        con.execute(f"DROP TABLE IF EXISTS {AWAY}").fetchall()
    else:
        _here(con, model, dates, cols, pairs, progress)
    labelled = labels.labelled(con, OBS, horizon=horizon, lead=lead)
    if level == "parent":
        labelled = hierarchy.families(con, labelled, model, measures, groups)
    return read(con, labelled, measures, groups, raw)


def _select(frame: str, cols: list[str], pairs: str | None) -> str:
    """The observation columns of the frame ``frame`` (its rows on one or more dates)."""
    select = (
        f"SELECT CAST(f.as_of AS DATE) AS as_of, f.account_id, {', '.join(cols)} "
        f"FROM ({frame}) AS f"
    )
    if pairs is not None:
        select += (
            f" JOIN {q(pairs)} AS p ON p.account_id = f.account_id "
            "AND p.as_of = CAST(f.as_of AS DATE)"
        )
    return select


def _here(
    con: Connection,
    model: Model,
    dates: list[dt.date],
    cols: list[str],
    pairs: str | None,
    progress: Progress | None,
) -> None:
    """The observations of ``dates`` into OBS, the frames computed in the store: as a
    run's backfill scores them (runner.backfill_sql: the source rows the dates need staged
    once, one compiled query run per date; one date: the frame's query itself)."""
    from stethoscope import runner

    backfill = runner.backfill_sql(con, model) if len(dates) > 1 else None
    # only the columns kept are computed: the database prunes the rest of the frame
    select = _select(backfill.frame if backfill else runner.frame_sql(con, model), cols, pairs)
    try:
        if backfill:
            runner.stage_backfill(con, backfill, dates[0], dates[-1])
        for i, d in enumerate(dates):
            runner.use_date(con, d)
            if i == 0:
                _temp(con, OBS, f"{select} LIMIT 0")
            con.execute(f"INSERT INTO {OBS} {select}").fetchall()
            if progress:
                progress("scoring dates", i + 1, len(dates))
    finally:
        if backfill:
            runner.unstage_backfill(con, backfill)


def _away(
    con: Connection,
    model: Model,
    dates: list[dt.date],
    columns: list[str],
    compute: Compute,
    progress: Progress | None,
) -> None:
    """The frame's ``columns`` on each of ``dates``, computed by ``compute`` as a run's
    are (a backfill's rows staged there once), into the store's temporary table AWAY,
    typed as the store's own frame types them."""
    from stethoscope import runner

    runner.use_date(con, dates[0])
    names = ", ".join(q(c) for c in columns)
    _temp(con, AWAY, f"SELECT {names} FROM ({runner.frame_sql(con, model)}) AS f LIMIT 0")
    away = runner.Away(compute, con, model, dates, "")
    try:
        for i, d in enumerate(dates):
            away.write(con, AWAY, d, columns)
            if progress:
                progress("scoring dates", i + 1, len(dates))
    finally:
        away.release()


def _temp(con: Connection, name: str, sql: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS {q(name)}").fetchall()
    con.execute(f"CREATE TEMP TABLE {q(name)} AS {sql}").fetchall()


def read(
    con: Connection,
    table: str,
    measures: list[str],
    groups: list[str],
    values: list[str] | None = None,
) -> Observations:
    """The labelled observations in ``table`` as arrays, ordered by date and account."""
    from stethoscope.store import database

    names = ["as_of", *TEXT, *NUMBERS]
    names += [f"g__{m}" for m in measures] + [f"gs__{g}" for g in groups]
    names += [f"m__{v}" for v in values or []]
    sql = f"SELECT {', '.join(q(n) for n in names)} FROM {q(table)} ORDER BY as_of, account_id"
    if database.dialect(con) == "duckdb":
        arrays = con.execute(sql).fetchnumpy()  # type: ignore[attr-defined]
        data = {n: _plain(arrays[n]) for n in names}
    else:
        rows = con.execute(sql).fetchall()
        data = {n: np.array([r[i] for r in rows], dtype=object) for i, n in enumerate(names)}
    as_of = np.array(data["as_of"], dtype="datetime64[D]")
    cols = {k: np.array(data[k], dtype=object) for k in TEXT}
    cols |= {k: _floats(data[k]) for k in NUMBERS}
    return Observations(
        as_of,
        cols,
        {m: _floats(data[f"g__{m}"]) for m in measures},
        {g: _floats(data[f"gs__{g}"]) for g in groups},
        {v: _floats(data[f"m__{v}"]) for v in values or []},
    )


def _plain(a: Any) -> np.ndarray:
    """A numpy array with None (objects) or NaN (numbers) where DuckDB's mask says null."""
    if isinstance(a, np.ma.MaskedArray):
        if a.dtype.kind in "fiub":
            return np.asarray(np.ma.filled(a.astype(float), np.nan))
        out = np.asarray(a.data, dtype=object).copy()
        out[np.ma.getmaskarray(a)] = None
        return out
    return np.asarray(a)


def _floats(a: np.ndarray) -> np.ndarray:
    if a.dtype == object:
        return np.array([np.nan if x is None else float(x) for x in a], dtype=float)
    return a.astype(float)
