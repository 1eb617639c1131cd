"""``stethoscope discover``: the traits of lost customers (docs/concepts/backtesting.md).

From the tables the book holds, a wide set of candidate metrics (``candidates.py``) is
computed for every active account on calendar observation dates, each observation labelled
by whether the account churned within the horizon after its date, exactly as a backtest
labels it (``labels.py``). Every candidate is then judged on its own (``discover_stats``)
and the best uncorrelated ones become a starter model (``discover_model``).

All candidates are metrics of one model, so all dates are computed by one compiled query,
the backfill's: each scan's rows are staged once for the whole span of dates, and the query
of one date runs once per date over the staged rows. Only the metric values leave the
database, once, as arrays.

With ``to``, only observations whose label window ends by that date are made, and the book
is read only up to it (which tables have rows, which events are commonest): nothing after
it can change the result, so the starter model can be judged on the dates after it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest.candidates import Candidate, candidates, metrics_of
from stethoscope.backtest.discover_book import Book, read_book
from stethoscope.contract.schema import q
from stethoscope.errors import DataError
from stethoscope.steps import backward, parse_step

if TYPE_CHECKING:
    from stethoscope.progress import Progress
    from stethoscope.store.database import Connection

OBS = "_discover_obs"
# metric windows reach this far back (a 30-day change reads 60 days): earlier dates lack it
WARM_UP = 60
# at most this many observation dates (two years of months)
MAX_DATES = 24
# metrics (with helpers) per compiled query, see ``chunks``
CHUNK = 24


@dataclass(frozen=True)
class Settings:
    """How discover observes: the step between dates (``30d``, ``2w``, ``1mo``), the label
    horizon and lead in days, the last day of data it may read, the dates themselves."""

    every: str
    horizon: int
    lead: int
    until: dt.date
    dates: tuple[dt.date, ...]
    to_given: bool = False
    # the first day of the book's data: a change against an earlier window reaching before
    # it compares with days that have no data
    data_from: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.dates[0].isoformat(),
            "to": self.dates[-1].isoformat(),
            "every": self.every,
            "horizon_days": self.horizon,
            "lead_days": self.lead,
            "data_until": self.until.isoformat(),
            "to_given": self.to_given,
            "dates": [d.isoformat() for d in self.dates],
        }


@dataclass
class Values:
    """One row per (observation date, active account): every candidate's value (NaN where
    missing) and the label (1: churned within the horizon after the date)."""

    as_of: np.ndarray  # datetime64[D]
    account_id: np.ndarray
    label: np.ndarray
    values: dict[str, np.ndarray]
    # per change candidate: the observations whose earlier window reaches before the
    # book's data (their value is NaN there: unknown, not missing; see ``short_history``)
    short: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.as_of)

    @property
    def dates(self) -> list[dt.date]:
        return [d.astype(object) for d in np.unique(self.as_of)]

    def rows(self, dates: list[dt.date]) -> np.ndarray:
        return np.isin(self.as_of, np.array(dates, dtype="datetime64[D]"))

    def take(self, mask: np.ndarray) -> Values:
        return Values(
            self.as_of[mask],
            self.account_id[mask],
            self.label[mask],
            {k: v[mask] for k, v in self.values.items()},
            {k: v[mask] for k, v in self.short.items()},
        )


def span(con: Connection, to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The first day of the book's data and the last it may read: the last day of events
    or outcomes, or ``to`` when that is earlier."""
    first = con.execute('SELECT min(CAST("timestamp" AS DATE)) FROM events').fetchone()
    since = con.execute("SELECT min(customer_since), count(*) FROM accounts").fetchone()
    last = con.execute(
        'SELECT max(d) FROM (SELECT max(CAST("timestamp" AS DATE)) AS d FROM events '
        "UNION ALL SELECT max(date) FROM outcomes) AS x"
    ).fetchone()
    if not since or not since[1]:
        raise DataError(
            "the book has no accounts to learn from",
            hint="import accounts, events and outcomes (or run `stethoscope demo`) first",
        )
    start = (first[0] if first else None) or since[0]
    end = last[0] if last else None
    if end is None:
        raise DataError(
            "the book has no events and no outcomes: nothing tells who churned or what "
            "they did before",
            hint="import events and outcomes (churned and renewed rows), then run discover",
        )
    return start, min(end, to) if to else end


def observation_dates(
    con: Connection, *, every: str, horizon: int, lead: int, to: dt.date | None
) -> Settings:
    """Dates one step apart, ending on the last date whose label window (date + lead +
    horizon) ends by the last day of data (or ``to``), starting once windows have history;
    at most ``MAX_DATES``."""
    step = parse_step(every)
    if horizon < 1 or lead < 0:
        raise DataError(f"--horizon {horizon}d and --lead {lead}d must be positive")
    first, until = span(con, to)
    stop = until - dt.timedelta(days=horizon + lead)
    begin = first + dt.timedelta(days=WARM_UP)
    dates = backward(stop, begin, step, limit=MAX_DATES)
    if len(dates) < 2:
        raise DataError(
            f"the data from {first} to {until} holds {len(dates)} observation date(s) every "
            f"{every} with a {horizon}-day horizon; discover needs at least 2 (and {WARM_UP} "
            "days of history before the first)",
            hint="use a shorter --every or --horizon, a later --to, or a longer history",
        )
    return Settings(every, horizon, lead, until, tuple(sorted(dates)), to is not None, first)


def candidate_model(chosen: list[Candidate]) -> str:
    """A model file holding these candidates' metrics (and one measure, which a model needs:
    the query computes it, the values are what is read)."""
    import yaml

    data = {
        "name": "discover-candidates",
        "metrics": metrics_of(chosen),
        "measures": {"probe": {"metric": chosen[0].name, "linear": [0, 1]}},
        "scorecards": {"probe": {"probe": 1}},
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def chunks(chosen: list[Candidate], size: int = CHUNK) -> list[list[Candidate]]:
    """The candidates in models of at most about ``size`` metrics, a family never split.

    The compiled query nests a few SELECTs per metric source; a hundred candidates in one
    model nested too deep for sqlglot to write it (Python's recursion limit), so each part
    is a model, and query, of its own."""
    families: dict[str, list[Candidate]] = {}
    for c in chosen:
        families.setdefault(c.family, []).append(c)
    out: list[list[Candidate]] = [[]]
    for members in families.values():
        if out[-1] and len(metrics_of(out[-1] + members)) > size:
            out.append([])
        out[-1].extend(members)
    return out


def compute(
    con: Connection,
    chosen: list[Candidate],
    settings: Settings,
    *,
    progress: Progress | None = None,
) -> Values:
    """Every candidate on every observation date, labelled (see the module doc)."""
    from stethoscope.backtest import labels

    parts = chunks(chosen)
    tables = [f"{OBS}_{i}" for i in range(len(parts))]
    dates = list(settings.dates)
    done = 0
    labelled: str | None = None
    try:
        for table, part in zip(tables, parts, strict=True):
            for _ in _part(con, part, dates, table):
                done += 1
                if progress:
                    progress("computing candidates", done, len(dates) * len(parts))
        labelled = labels.labelled(con, tables[0], horizon=settings.horizon, lead=settings.lead)
        # every part holds the same (date, account) rows: the active accounts of each date
        joined = " ".join(f"JOIN {t} USING (as_of, account_id)" for t in tables[1:])
        values = _read(con, f"{labelled} {joined}", [c.name for c in chosen])
        return short_history(values, chosen, settings.data_from)
    finally:
        for t in [*tables, labelled]:
            if t:
                con.execute(f"DROP TABLE IF EXISTS {t}").fetchall()


def _part(
    con: Connection, part: list[Candidate], dates: list[dt.date], table: str
) -> Iterator[dt.date]:
    """Compute one part's candidates into ``table``, date by date (a generator: one step
    per date)."""
    from stethoscope import runner
    from stethoscope.model.loader import parse_model

    model = parse_model(candidate_model(part), "discover-candidates.yaml")
    backfill = runner.backfill_sql(con, model)
    cols = ", ".join(f"{q('m__' + c.name)} AS {q('v__' + c.name)}" for c in part)
    select = f"SELECT CAST(as_of AS DATE) AS as_of, account_id, {cols} FROM ({backfill.frame}) AS f"
    with runner.staged(con, backfill, dates[0], dates[-1]):
        for i, d in enumerate(dates):
            runner.use_date(con, d)
            if i == 0:
                con.execute(f"DROP TABLE IF EXISTS {table}").fetchall()
                con.execute(f"CREATE TEMP TABLE {table} AS {select} LIMIT 0").fetchall()
            con.execute(f"INSERT INTO {table} {select}").fetchall()
            yield d


def short_history(values: Values, chosen: list[Candidate], first: dt.date | None) -> Values:
    """``values`` with each change candidate unknown (NaN, marked in ``short``) on the
    dates whose earlier window reaches before ``first``, the book's first day of data.

    A change against the previous window compares with days that hold no data there, so
    early in a book every account seems to grow. Measured on bench/predictive.py's random
    books: a 60-day usage trend judged on such dates scored 0.55 of AUC where its true
    feature scored far higher; judged and graded only where it has history, it is read
    as it will be read on every later date."""
    if first is None:
        return values
    start = np.datetime64(first, "D")
    for c in chosen:
        days = c.history_days
        if days is None:
            continue
        short = np.asarray(values.as_of - np.timedelta64(days, "D") < start, dtype=bool)
        if short.any():
            values.values[c.name] = np.where(short, np.nan, values.values[c.name])
            values.short[c.name] = short
    return values


def _read(con: Connection, source: str, names: list[str]) -> Values:
    from stethoscope.backtest.observations import _floats, _plain
    from stethoscope.store import database

    cols = ["as_of", "account_id", "label", *[f"v__{n}" for n in names]]
    sql = f"SELECT {', '.join(q(c) for c in cols)} FROM {source} ORDER BY as_of, account_id"
    if database.dialect(con) == "duckdb":
        arrays = con.execute(sql).fetchnumpy()  # type: ignore[attr-defined]
        data = {c: _plain(arrays[c]) for c in cols}
    else:
        rows = con.execute(sql).fetchall()
        data = {c: np.array([r[i] for r in rows], dtype=object) for i, c in enumerate(cols)}
    return Values(
        np.array(data["as_of"], dtype="datetime64[D]"),
        np.array(data["account_id"], dtype=object),
        _floats(data["label"]),
        {n: _floats(data[f"v__{n}"]) for n in names},
    )


def _check_churn(con: Connection, settings: Settings) -> None:
    """Refuse early, before any candidate is computed, when no churn falls in any label
    window of the observation dates."""
    first = settings.dates[0] + dt.timedelta(days=settings.lead)
    last = settings.dates[-1] + dt.timedelta(days=settings.lead + settings.horizon)
    row = con.execute(
        "SELECT count(*) FROM outcomes WHERE kind = 'churned' AND date > ? AND date <= ?",
        [first, last],
    ).fetchone()
    if not row or not row[0]:
        raise DataError(
            f"no account churned within {settings.horizon} days of the "
            f"{len(settings.dates)} observation dates ({settings.dates[0]} to "
            f"{settings.dates[-1]}): there are no lost customers to learn from",
            hint="import outcomes with kind 'churned' (and 'renewed'), or a longer history",
        )


@dataclass
class Discovery:
    """What discover found: the settings, the book read, every candidate judged, and the
    starter model (its text and figures), with timings."""

    settings: Settings
    book: Book
    report: dict[str, Any]
    model_text: str | None
    seconds: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "discover",
            "settings": self.settings.to_json(),
            "book": {"tables": sorted(self.book.tables), "events": self.book.events},
            **self.report,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def discover(
    con: Connection,
    *,
    every: str = "1mo",
    horizon: int = 90,
    lead: int = 0,
    to: dt.date | None = None,
    events: int = 15,
    measures: int = 12,
    progress: Progress | None = None,
) -> Discovery:
    """Candidates of the book, judged on observation dates, and a starter model of the
    best uncorrelated ones (see the module doc)."""
    from stethoscope.backtest import discover_model, discover_stats

    started = time.perf_counter()
    settings = observation_dates(con, every=every, horizon=horizon, lead=lead, to=to)
    _check_churn(con, settings)
    book = read_book(con, settings.until, events=events)
    chosen = candidates(book)
    t0 = time.perf_counter()
    values = compute(con, chosen, settings, progress=progress)
    t1 = time.perf_counter()
    churned = int(values.label.sum())
    if churned == 0:
        raise DataError(
            f"none of the {len(values):,} observations on {len(settings.dates)} dates "
            f"churned within {horizon} days: there are no lost customers to learn from",
            hint="import outcomes with kind 'churned' (and 'renewed'), or a longer history",
        )
    if progress:
        progress("judging candidates", 0, 0)
    judged = discover_stats.judge(values, chosen, horizon=horizon, lead=lead)
    t2 = time.perf_counter()
    starter = discover_model.starter(values, chosen, judged, settings=settings, measures=measures)
    t3 = time.perf_counter()
    report: dict[str, Any] = {
        "observations": len(values),
        "accounts": len(np.unique(values.account_id)),
        "churned": churned,
        "churn_rate": churned / len(values),
        "candidates": judged.to_json(),
        "groups": judged.groups_json(),
        "model": starter.to_json() if starter.ok else None,
        "model_problem": starter.problem,
    }
    seconds = {
        "total": t3 - started,
        "reading the book": t0 - started,
        "computing candidates": t1 - t0,
        "judging": t2 - t1,
        "starter model": t3 - t2,
    }
    return Discovery(settings, book, report, starter.text if starter.ok else None, seconds)
