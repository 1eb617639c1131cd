"""Labels of backtest observations, from the ``outcomes`` table.

An observation (account, date ``t``) is labelled churned when the account's first churn
after ``t`` falls in ``(t + lead, t + lead + horizon]``. With a lead time, an account that
churns in ``(t, t + lead]`` is left out: by then nobody could have acted on its score.
Only outcomes dated after ``t`` are read, and the score of ``t`` was computed from data up
to ``t`` only (the engine's as-of guarantee), so nothing from the label leaks into the score.

The churned ARR of a churn is the ARR the outcome says was lost (``-arr_change``), or the
account's ARR when the outcome has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stethoscope.contract.schema import q
from stethoscope.store.database import ddl

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

LABELLED = "_bt_labelled"


def labelled(con: Connection, obs: str, *, horizon: int, lead: int = 0) -> str:
    """A temporary table: the observations of ``obs`` with their label, churn date,
    churned ARR and the account's ARR, segment, owner, renewal month and parent."""
    con.execute(f"DROP TABLE IF EXISTS {LABELLED}").fetchall()
    sql = f"""CREATE TEMP TABLE {LABELLED} AS
        WITH churn AS (
            SELECT o.account_id, o.as_of, min(x.date) AS churn_date
            FROM {q(obs)} o JOIN outcomes x
              ON x.account_id = o.account_id AND x.kind = 'churned'
             AND x.date > o.as_of AND x.date <= o.as_of + CAST(? AS INTEGER)
            GROUP BY o.account_id, o.as_of
        ), lost AS (
            SELECT c.account_id, c.as_of, c.churn_date, min(x.arr_change) AS arr_change
            FROM churn c JOIN outcomes x
              ON x.account_id = c.account_id AND x.kind = 'churned' AND x.date = c.churn_date
            GROUP BY c.account_id, c.as_of, c.churn_date
        )
        SELECT o.*, l.churn_date,
               CAST(CASE WHEN l.churn_date IS NULL THEN 0 ELSE 1 END AS DOUBLE) AS label,
               CASE WHEN l.churn_date IS NULL THEN 0.0
                    ELSE coalesce(nullif(-l.arr_change, 0), a.arr, 0.0) END AS churned_arr,
               CAST(a.arr AS DOUBLE) AS arr, a.segment, a.owner, a.parent_id,
               substr(CAST(a.renewal_date AS VARCHAR), 1, 7) AS renewal_month
        FROM {q(obs)} o
        JOIN accounts a ON a.id = o.account_id
        LEFT JOIN lost l ON l.account_id = o.account_id AND l.as_of = o.as_of
        WHERE l.churn_date IS NULL OR l.churn_date > o.as_of + CAST(? AS INTEGER)"""
    # DuckDB's type names; database.ddl gives Postgres its own (DOUBLE PRECISION)
    con.execute(ddl(con, sql), [horizon + lead, lead]).fetchall()
    return LABELLED
