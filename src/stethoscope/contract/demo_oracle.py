"""The oracle of a ``--causes random`` book: the true cause features, and what they predict.

``observe`` computes every feature of ``demo_causes.POOL`` for each account alive on each
observation date ``t``, from the book's own tables and only their rows before ``t`` (set-
based DuckDB SQL over the Parquet files or a DuckDB store), with the label: churned in
(t, t + horizon]. Two contract columns go with them, because churn can only happen where
a term ends: ``term_end`` (1 when a term of the account ends inside the horizon) and
``log_exposure`` (log of the years of terms ending inside it). ``oracle_fit`` fits a
logistic regression on the drawn causes' features and those two, on the observations
whose label windows end by ``fit_until``, and measures its AUC on those from ``test_from``:
the figure an automatic model is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stethoscope.contract.demo_causes import (
    MIN_COVER,
    NPS_MISSING,
    POOL,
    TREND_DAYS,
    Causes,
    covered,
    read_causes,
)

if TYPE_CHECKING:
    import duckdb

CONTRACT_COLUMNS = ("term_end", "log_exposure")
_TABLES = ("accounts", "contacts", "events", "subscriptions", "tickets", "surveys", "outcomes")

_SQL = """
WITH obs AS (
    SELECT a.id AS account_id, d.t, a.customer_since
    FROM accounts AS a CROSS JOIN dates AS d
    WHERE a.customer_since < d.t
      AND NOT EXISTS (SELECT 1 FROM outcomes AS c WHERE c.account_id = a.id
                      AND c.kind = 'churned' AND c.date <= d.t)
),
daily AS (
    SELECT account_id, user_id, "timestamp"::DATE AS day, count(*) AS n
    FROM events WHERE user_id IS NOT NULL GROUP BY ALL
),
per_day AS (SELECT account_id, day, sum(n) AS n FROM daily GROUP BY ALL),
usage AS (
    SELECT o.account_id, o.t,
           sum(e.n) FILTER (WHERE e.day >= o.t - 30) AS recent,
           sum(e.n) FILTER (WHERE e.day >= o.t - $trend) AS quarter,
           sum(e.n) FILTER (WHERE e.day < o.t - $trend) AS before
    FROM obs AS o JOIN per_day AS e
      ON e.account_id = o.account_id AND e.day >= o.t - 2 * $trend AND e.day < o.t
    GROUP BY ALL
),
users AS (
    SELECT o.account_id, o.t, count(DISTINCT e.user_id) AS n
    FROM obs AS o JOIN daily AS e
      ON e.account_id = o.account_id AND e.day >= o.t - 30 AND e.day < o.t
    GROUP BY ALL
),
champion AS (
    SELECT account_id, min(id) AS contact_id FROM contacts WHERE role = 'champion' GROUP BY 1
),
champion_active AS (
    SELECT DISTINCT o.account_id, o.t
    FROM obs AS o JOIN champion AS c ON c.account_id = o.account_id
    JOIN daily AS e ON e.account_id = o.account_id AND e.user_id = c.contact_id
     AND e.day >= o.t - 30 AND e.day < o.t
),
deals AS (
    SELECT o.account_id, o.t, sum(TRY_CAST(e.properties->>'value' AS DOUBLE)) AS value
    FROM obs AS o JOIN events AS e
      ON e.account_id = o.account_id AND e.event = 'deal_closed'
     AND e."timestamp" >= o.t - 180 AND e."timestamp" < o.t
    GROUP BY ALL
),
opened AS (
    SELECT o.account_id, o.t, count(*) AS n
    FROM obs AS o JOIN tickets AS k
      ON k.account_id = o.account_id AND k.opened_at >= o.t - 90 AND k.opened_at < o.t
    GROUP BY ALL
),
nps AS (
    SELECT o.account_id, o.t, arg_max(s.score, s.responded_at) AS score
    FROM obs AS o JOIN surveys AS s
      ON s.account_id = o.account_id AND s.kind = 'nps' AND s.responded_at < o.t
    GROUP BY ALL
),
line AS (
    SELECT o.account_id, o.t, sum(s.quantity) AS quantity, max(s.term_months) AS term
    FROM obs AS o JOIN subscriptions AS s
      ON s.account_id = o.account_id
     AND (s.product LIKE 'platform-%' OR s.product = 'extra-seats')
     AND s.start_date <= o.t - 1 AND (s.end_date IS NULL OR s.end_date >= o.t - 1)
    GROUP BY ALL
),
churn AS (SELECT account_id, date FROM outcomes WHERE kind = 'churned')
SELECT o.account_id, o.t, o.customer_since,
       coalesce(c.date > o.t AND c.date <= o.t + $horizon, false) AS churned,
       l.term, l.quantity,
       coalesce(u.recent, 0), coalesce(u.quarter, 0), coalesce(u.before, 0),
       coalesce(us.n, 0),
       ca.account_id IS NOT NULL AS champion_active,
       coalesce(dl.value, 0), coalesce(op.n, 0), n.score
FROM obs AS o
LEFT JOIN usage AS u USING (account_id, t)
LEFT JOIN users AS us USING (account_id, t)
LEFT JOIN champion_active AS ca USING (account_id, t)
LEFT JOIN deals AS dl USING (account_id, t)
LEFT JOIN opened AS op USING (account_id, t)
LEFT JOIN nps AS n USING (account_id, t)
LEFT JOIN line AS l USING (account_id, t)
LEFT JOIN churn AS c USING (account_id)
ORDER BY o.t, o.account_id
"""


@dataclass(frozen=True)
class Observations:
    """One row per (account, observation date): the label and every feature."""

    account_id: np.ndarray  # object array of str
    as_of: np.ndarray  # datetime64[D]
    churned: np.ndarray  # bool: churned in (as_of, as_of + horizon]
    horizon_days: int
    x: dict[str, np.ndarray]  # every POOL feature and CONTRACT_COLUMNS, float64


@dataclass(frozen=True)
class OracleFit:
    auc: float  # out of time, on the test observations
    # the same, on test observations with a term end inside the horizon: what behaviour
    # tells once the contract has said who can churn
    auc_at_term_end: float
    train_rows: int
    train_churned: int
    test_rows: int
    test_churned: int
    columns: tuple[str, ...]
    coefficients: dict[str, float]  # per standard deviation of each column


def connect_book(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view over each Parquet file of a book written to ``folder``."""
    import duckdb

    con = duckdb.connect()
    for name in _TABLES:
        con.read_parquet(str(Path(folder) / f"{name}.parquet")).create_view(name)
    return con


def monthly_dates(start: date, end: date, horizon_days: int) -> list[date]:
    """The same day of each month after ``start`` whose label window ends by ``end``."""
    out: list[date] = []
    k = 1
    while True:
        m = start.month - 1 + k
        y, mo = start.year + m // 12, m % 12 + 1
        following = date(y + mo // 12, mo % 12 + 1, 1)
        day = date(y, mo, min(start.day, (following - timedelta(days=1)).day))
        if day + timedelta(days=horizon_days) > end:
            return out
        out.append(day)
        k += 1


def observe(
    con: duckdb.DuckDBPyConnection,
    dates: list[date],
    horizon_days: int,
    data_start: date | None = None,
) -> Observations:
    """Every feature of ``POOL`` and the label, per account alive on each of ``dates``.

    ``con`` holds the book's tables (``connect_book``, or a DuckDB store); rows on or after
    an observation date are never read for its features. ``data_start`` is the book's
    first day (default: the day of its first event): a window reaching before it is scaled
    to its length from the days it covers.
    """
    if data_start is None:
        data_start = con.execute('SELECT min("timestamp")::DATE FROM events').fetchall()[0][0]
    import pyarrow as pa

    con.register("dates", pa.table({"t": pa.array(dates, pa.date32())}))
    try:
        sql = _SQL.replace("$horizon", str(int(horizon_days))).replace("$trend", str(TREND_DAYS))
        rows = con.execute(sql).fetchnumpy()
    finally:
        con.unregister("dates")
    (acc, t, since, churned, term, quantity, recent, quarter, before, users, active, value) = (
        rows[k] for k in list(rows)[:12]
    )
    opened, score = (rows[k] for k in list(rows)[12:])
    t = np.asarray(t, dtype="datetime64[D]")
    since = np.asarray(since, dtype="datetime64[D]")
    term = np.asarray(np.nan_to_num(np.asarray(term, dtype=np.float64), nan=12), dtype=np.int64)
    recent, quarter, before, users = (
        np.asarray(c, dtype=np.float64) for c in (recent, quarter, before, users)
    )
    quantity = np.maximum(np.nan_to_num(np.asarray(quantity, dtype=np.float64), nan=1.0), 1)
    nps = np.nan_to_num(np.asarray(score, dtype=np.float64), nan=NPS_MISSING)
    ends = _term_ends(since, term, t, horizon_days)
    # windows reaching before the book's first day: as the generator reads them
    ds = np.datetime64(data_start, "D")

    def days(lo: int, hi: int) -> np.ndarray:
        start = np.maximum(t - lo, ds)
        return np.asarray(np.maximum((t - hi - start).astype(np.int64), 0))

    vq, vb = days(TREND_DAYS, 0), days(2 * TREND_DAYS, TREND_DAYS)
    quarter = quarter * TREND_DAYS / covered(vq)
    before = before * TREND_DAYS / covered(vb)
    trend = np.where(np.minimum(vq, vb) >= MIN_COVER, np.log((quarter + 1) / (before + 1)), 0.0)
    value = np.asarray(value, dtype=np.float64) * 180 / covered(days(180, 0))
    opened = np.asarray(opened, dtype=np.float64) * 90 / covered(days(90, 0))
    x = {
        "contract_term": (term == 1).astype(np.float64),
        "seat_utilisation": users / quantity,
        "user_depth": np.log((recent + 1) / np.maximum(users, 1)),
        "deal_value": np.log1p(value),
        "tickets": np.log1p(opened),
        "nps": nps,
        "champion_loss": (~np.asarray(active, dtype=bool)).astype(np.float64),
        "usage_trend": trend,
        "term_end": (ends > 0).astype(np.float64),
        "log_exposure": np.where(ends > 0, np.log(np.maximum(ends, 1) * term / 12), 0.0),
    }
    assert set(x) == set(POOL) | set(CONTRACT_COLUMNS)
    return Observations(
        np.asarray(acc, dtype=object), t, np.asarray(churned, dtype=bool), horizon_days, x
    )


def _term_ends(since: np.ndarray, term: np.ndarray, t: np.ndarray, horizon_days: int) -> np.ndarray:
    """How many term starts (customer_since + k * term months, k >= 1) fall in (t, t + h]."""
    month = since.astype("datetime64[M]")
    dom = (since - month.astype("datetime64[D]")).astype(np.int64)
    elapsed = (t.astype("datetime64[M]") - month).astype(np.int64)
    first = np.maximum(elapsed // term - 1, 1)
    count = np.zeros(len(t), dtype=np.int64)
    for step in range(horizon_days // 28 + 4):
        target = month + (first + step) * term
        length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
            np.int64
        )
        day = target.astype("datetime64[D]") + np.minimum(dom, length - 1)
        count += (day > t) & (day <= t + horizon_days)
    return count


def oracle_fit(
    obs: Observations,
    fit_until: date,
    test_from: date,
    columns: tuple[str, ...],
) -> OracleFit:
    """A logistic regression on ``columns``, fitted on observations whose label window ends
    by ``fit_until``, its AUC measured on those from ``test_from`` (windows inside the book)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    if fit_until > test_from:
        raise ValueError(
            f"fit_until {fit_until} is after test_from {test_from}: an observation could be "
            "in both; fit until the day the test starts, or earlier"
        )
    end = obs.as_of + obs.horizon_days
    train = end <= np.datetime64(fit_until, "D")
    test = obs.as_of >= np.datetime64(test_from, "D")
    x = np.column_stack([obs.x[c] for c in columns])
    mean, sd = x[train].mean(axis=0), x[train].std(axis=0)
    sd[sd == 0] = 1
    z = (x - mean) / sd
    model = LogisticRegression(C=1.0, max_iter=1000).fit(z[train], obs.churned[train])
    score = model.decision_function(z)

    def auc(rows: np.ndarray) -> float:
        """The AUC on ``rows``; NaN unless they hold churned and retained observations."""
        y = obs.churned[rows]
        return float(roc_auc_score(y, score[rows])) if 0 < y.sum() < len(y) else float("nan")

    return OracleFit(
        auc=auc(test),
        auc_at_term_end=auc(test & (obs.x["term_end"] > 0)),
        train_rows=int(train.sum()),
        train_churned=int(obs.churned[train].sum()),
        test_rows=int(test.sum()),
        test_churned=int(obs.churned[test].sum()),
        columns=columns,
        coefficients={c: round(float(b), 4) for c, b in zip(columns, model.coef_[0], strict=True)},
    )


def oracle_auc(
    book: Path | duckdb.DuckDBPyConnection,
    causes: Path | Causes,
    *,
    start: date,
    end: date,
    fit_until: date,
    test_from: date,
    horizon_days: int = 90,
) -> OracleFit:
    """The oracle's out-of-time fit on a book (its folder or a DuckDB connection to it).

    Observed on the same day of every month after ``start`` while the label window ends by
    ``end``; fitted on the drawn causes' features and ``CONTRACT_COLUMNS``.
    """
    drawn = causes if isinstance(causes, Causes) else read_causes(causes)
    con = connect_book(book) if isinstance(book, Path) else book
    obs = observe(con, monthly_dates(start, end, horizon_days), horizon_days, start)
    return oracle_fit(obs, fit_until, test_from, drawn.names + CONTRACT_COLUMNS)
