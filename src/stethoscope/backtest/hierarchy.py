"""Account hierarchies: a family is a top-level account and every account under it
(``parent_id``, any depth). Its score rolls up from its scored members by ARR weight:

    family score = sum(arr_i * score_i) / sum(arr_i)      over members scored on the date

and so do its coverage and each measure's grade and group's score (over the members where
it is known). A member without ARR weighs almost nothing (a family whose members all lack
ARR is an unweighted mean). A family counts as churned when any of its members churned
within the horizon, and its churned ARR is what its members lost; its segment, owner and
renewal month are the top-level account's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stethoscope.contract.schema import q
from stethoscope.store.database import ddl, dialect

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection

FAMILIES = "_bt_families"
# deeper than this is taken for a cycle in parent_id
MAX_DEPTH = 32

ROOTS = f"""WITH RECURSIVE tree(id, root, depth) AS (
    SELECT id, id, 0 FROM accounts
    WHERE parent_id IS NULL OR parent_id = '' OR parent_id NOT IN (SELECT id FROM accounts)
    UNION ALL
    SELECT a.id, t.root, t.depth + 1 FROM accounts a JOIN tree t ON a.parent_id = t.id
    WHERE t.depth < {MAX_DEPTH}
)"""


def families(
    con: Connection, table: str, model: Model, measures: list[str], groups: list[str]
) -> str:
    """A temporary table of family observations rolled up from the account observations
    in ``table`` (the columns of ``labels.labelled``)."""
    w = "coalesce(nullif(o.arr, 0), 0.000001)"

    def mean(col: str) -> str:
        c = f"o.{q(col)}"
        return (
            f"sum({w} * {c}) / nullif(sum(CASE WHEN {c} IS NULL THEN 0 ELSE {w} END), 0) "
            f"AS {q(col)}"
        )

    bands = [b for b in model.bands if b.below is not None]
    band = "CASE WHEN f.score IS NULL THEN NULL "
    band += " ".join("WHEN f.score < CAST(? AS DOUBLE) THEN ?" for _ in bands)
    band += " ELSE ? END"
    params: list[object] = []
    for b in bands:
        params += [b.below, b.name]
    params.append(model.bands[-1].name)
    graded = [f"g__{m}" for m in measures] + [f"gs__{g}" for g in groups]
    score = mean("score").removesuffix(' AS "score"')
    digits = int(model.scale.decimals)
    # Postgres rounds to decimals only a NUMERIC
    rounded = (
        f"CAST(round(CAST({score} AS NUMERIC), {digits}) AS DOUBLE)"
        if dialect(con) == "postgres"
        else f"round({score}, {digits})"
    )
    sql = f"""CREATE TEMP TABLE {FAMILIES} AS
    {ROOTS},
    f AS (
        SELECT o.as_of, coalesce(t.root, o.account_id) AS account_id,
               {rounded} AS score,
               {mean("coverage")}, {", ".join(mean(c) for c in graded) or "0 AS _none"},
               min(o.scorecard) AS scorecard, max(o.label) AS label,
               sum(o.churned_arr) AS churned_arr, sum(o.arr) AS arr,
               min(o.churn_date) AS churn_date
        FROM {q(table)} o LEFT JOIN tree t ON t.id = o.account_id
        GROUP BY o.as_of, coalesce(t.root, o.account_id)
    )
    SELECT f.*, {band} AS band, a.segment, a.owner, CAST(NULL AS VARCHAR) AS parent_id,
           substr(CAST(a.renewal_date AS VARCHAR), 1, 7) AS renewal_month
    FROM f JOIN accounts a ON a.id = f.account_id"""
    con.execute(f"DROP TABLE IF EXISTS {FAMILIES}").fetchall()
    con.execute(ddl(con, sql), params).fetchall()
    return FAMILIES
