"""Does behaviour foretell churn? Churn rates by usage trend and by NPS, in set-based SQL.

Run over any store (DuckDB or Postgres) holding ``accounts``, ``events``, ``surveys`` and
``outcomes`` with the contract's columns (the demo book, or a customer's own data). Only
renewals and churns are counted, and only those with 150 days of event history before
them (measured from the first event in the data), so that the trend is not an artefact of
where the data begins. Each behaviour is measured with a 30-day lead: what a CSM could
have seen a month before the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

Report = dict[str, list[dict[str, object]]]

# outcomes in scope: renewals and churns with enough event history before them
_SCOPE = """
WITH scope AS (
    SELECT o.account_id, o.date, o.kind = 'churned' AS churned
    FROM outcomes AS o
    JOIN accounts AS a ON a.id = o.account_id
    WHERE o.kind IN ('renewed', 'churned')
      AND o.date - INTERVAL '150 days' >= (SELECT min("timestamp") FROM events)
)"""

# events in [date - 90d, date - 30d) against [date - 150d, date - 90d); accounts with no
# events in either window are a group of their own, the rest are cut into quartiles of
# the ratio (recent + 1) / (prior + 1)
_USAGE_TREND = (
    _SCOPE
    + """,
usage AS (
    SELECT s.account_id, s.date, s.churned,
           count(e.timestamp) FILTER (WHERE e.timestamp >= s.date - INTERVAL '90 days') AS recent,
           count(e.timestamp) FILTER (WHERE e.timestamp < s.date - INTERVAL '90 days') AS prior
    FROM scope AS s
    LEFT JOIN events AS e
      ON e.account_id = s.account_id
     AND e.timestamp >= s.date - INTERVAL '150 days'
     AND e.timestamp < s.date - INTERVAL '30 days'
    GROUP BY s.account_id, s.date, s.churned
),
ranked AS (
    SELECT churned, (recent + 1.0) / (prior + 1.0) AS ratio,
           ntile(4) OVER (ORDER BY (recent + 1.0) / (prior + 1.0), account_id, date) AS bucket
    FROM usage WHERE recent + prior > 0
    UNION ALL
    SELECT churned, NULL, 0 FROM usage WHERE recent + prior = 0
)
SELECT bucket, min(ratio), max(ratio), count(*), count(*) FILTER (WHERE churned)
FROM ranked GROUP BY bucket ORDER BY bucket
"""
)

# the latest NPS answer given more than 30 days before the outcome
_NPS = (
    _SCOPE
    + """,
latest AS (
    SELECT s.account_id, s.date, s.churned, {latest_score} AS score
    FROM scope AS s
    LEFT JOIN surveys AS v
      ON v.account_id = s.account_id
     AND v.kind = 'nps'
     AND v.responded_at < s.date - INTERVAL '30 days'
    GROUP BY s.account_id, s.date, s.churned
)
SELECT CASE WHEN score IS NULL THEN 3 WHEN score <= 6 THEN 0 WHEN score <= 8 THEN 1 ELSE 2 END
           AS category,
       NULL, NULL, count(*), count(*) FILTER (WHERE churned)
FROM latest GROUP BY category ORDER BY category
"""
)

_BUCKETS = ("no events", "Q1 (lowest)", "Q2", "Q3", "Q4 (highest)")
_CATEGORIES = ("detractor (0-6)", "passive (7-8)", "promoter (9-10)", "no response")


def signal_report(con: Connection) -> Report:
    """Churn rate per quartile of usage trend and per NPS category, before each outcome.

    ``usage_trend`` rows: ``no events`` (no events in either window; only present when such
    outcomes exist), then ``Q1 (lowest)`` to ``Q4 (highest)`` with the range of the ratio.
    ``nps`` rows: detractor, passive, promoter and no response, for those that occur.
    Every row has ``group``, ``outcomes``, ``churned`` and ``churn_rate``.
    """
    report: Report = {}
    from stethoscope.store.database import dialect

    latest = (
        "(array_agg(v.score ORDER BY v.responded_at DESC) FILTER (WHERE v.responded_at "
        "IS NOT NULL))[1]"
        if dialect(con) == "postgres"
        else "arg_max(v.score, v.responded_at)"
    )
    nps = _NPS.replace("{latest_score}", latest)
    for key, sql, names in (("usage_trend", _USAGE_TREND, _BUCKETS), ("nps", nps, _CATEGORIES)):
        rows = con.execute(sql).fetchall()
        report[key] = []
        for group, low, high, outcomes, churned in rows:
            row: dict[str, object] = {"group": names[group]}
            if key == "usage_trend":
                row["min_ratio"] = None if low is None else round(float(low), 3)
                row["max_ratio"] = None if high is None else round(float(high), 3)
            row |= {
                "outcomes": int(outcomes),
                "churned": int(churned),
                "churn_rate": round(churned / outcomes, 4),
            }
            report[key].append(row)
    return report


def format_signal_report(report: Report) -> str:
    """The report as a small plain-text table."""
    lines = [
        "Churn by usage trend: events 90-30 days before each renewal or churn, against",
        "150-90 days before (ratio of counts + 1); accounts without events apart.",
        f"  {'group':<16}{'ratio':>14}{'outcomes':>10}{'churned':>9}{'churn rate':>12}",
    ]
    for r in report.get("usage_trend", []):
        low, high = r.get("min_ratio"), r.get("max_ratio")
        span = "" if low is None else f"{low:.2f}-{high:.2f}"
        lines.append(
            f"  {r['group']!s:<16}{span:>14}{r['outcomes']:>10}{r['churned']:>9}"
            f"{r['churn_rate']:>12.1%}"
        )
    lines += [
        "",
        "Churn by the latest NPS answer given more than 30 days before.",
        f"  {'group':<30}{'outcomes':>10}{'churned':>9}{'churn rate':>12}",
    ]
    for r in report.get("nps", []):
        lines.append(
            f"  {r['group']!s:<30}{r['outcomes']:>10}{r['churned']:>9}{r['churn_rate']:>12.1%}"
        )
    return "\n".join(lines)
