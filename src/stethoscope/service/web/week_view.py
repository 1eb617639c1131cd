"""The VP's week on the Portfolio: ARR at risk and red renewals as weekly trends by segment
and by owner, the churn forecast kept by the latest backtest (expected churned ARR by
segment, owner and renewal month), gross and net revenue retention from outcomes, and the
backtest's headline in words. Every table the Portfolio shows is also a CSV file
(``?format=csv&table=NAME``), written by stethoscope.spreadsheet (no cell runs as a
formula)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response

from stethoscope.service.web import quality

if TYPE_CHECKING:
    from stethoscope.project import Project

# the change a trend row shows: ARR at risk now against this many weeks before
CHANGE_WEEKS = 4
# the rows of a breakdown by owner
OWNERS = 15


def week(
    project: Project, day: dt.date, weeks: Sequence[dt.date], owner: str | None
) -> dict[str, Any]:
    """The Portfolio's part for the VP (see the module)."""
    rows = project.risk_weeks(weeks, owner=owner)
    kept = project.retention(day, owner=owner)
    forecast = project.latest_forecast()
    return {
        "risk_weeks": [r for r in rows if r["by"] is None],
        "risk_segments": _trends([r for r in rows if r["by"] == "segment"], weeks),
        "risk_owners": _trends([r for r in rows if r["by"] == "owner"], weeks)[:OWNERS],
        "retention": next((r for r in kept if r["by"] is None), None),
        "retention_segments": [r for r in kept if r["by"] == "segment"],
        "retention_owners": [r for r in kept if r["by"] == "owner"][:OWNERS],
        "forecast": _forecast(forecast, owner),
        "backtest_words": quality.headline(project.latest_backtest()),
    }


def _trends(rows: list[dict[str, Any]], weeks: Sequence[dt.date]) -> list[dict[str, Any]]:
    """One row per segment or owner: ARR at risk and red renewals now, their change over
    CHANGE_WEEKS weeks, and the weekly series (oldest first; None: not scored that week)."""
    by: dict[Any, dict[dt.date, dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["key"], {})[r["as_of"]] = r
    last = weeks[-1] if weeks else None
    before = weeks[-1 - CHANGE_WEEKS] if len(weeks) > CHANGE_WEEKS else None
    out = []
    for key, days in by.items():
        now, then = days.get(last) if last else None, days.get(before) if before else None
        series = [days[d]["at_risk"] if d in days else None for d in weeks]
        out.append(
            {
                "key": key,
                "at_risk": now["at_risk"] if now else 0.0,
                "at_risk_accounts": now["at_risk_accounts"] if now else 0,
                "change": round((now["at_risk"] if now else 0.0) - then["at_risk"], 2)
                if then
                else None,
                "red_renewals": now["red_renewals"] if now else 0,
                "red_renewal_arr": now["red_renewal_arr"] if now else 0.0,
                "red_renewals_change": (now["red_renewals"] if now else 0) - then["red_renewals"]
                if then
                else None,
                # the series as the page's small line draws it: (days before the last, ARR)
                "spark": [(7 * (len(series) - 1 - i), v) for i, v in enumerate(series)],
                "spark_high": max([v for v in series if v is not None] or [0.0]) or 1.0,
                "weeks": [
                    {"as_of": d, "at_risk": s, "red_renewals": days[d]["red_renewals"]}
                    if d in days
                    else {"as_of": d, "at_risk": None, "red_renewals": None}
                    for d, s in zip(weeks, series, strict=True)
                ],
            }
        )
    return sorted(out, key=lambda r: (-r["at_risk"], str(r["key"])))


def _forecast(f: dict[str, Any] | None, owner: str | None) -> dict[str, Any] | None:
    if f is None:
        return None
    owners = sorted(f.get("owner") or [], key=lambda r: -r["expected_churned_arr"])
    if owner is not None:
        owners = [r for r in owners if r["owner"] == owner]
    return {
        "as_of": f["as_of"],
        "created_at": f["created_at"],
        "horizon_days": f["horizon_days"],
        "auc": (f.get("fitted_on") or {}).get("auc"),
        "accounts": f["accounts"],
        "arr": f["arr"],
        "expected_churned_arr": f["expected_churned_arr"],
        "expected_churned_accounts": f["expected_churned_accounts"],
        "segments": sorted(f.get("segment") or [], key=lambda r: -r["expected_churned_arr"]),
        "owners": owners[:OWNERS],
        "months": sorted(f.get("renewal_month") or [], key=lambda r: str(r["renewal_month"])),
    }


# -- every table of the Portfolio as CSV -------------------------------------------------

Table = tuple[list[str], list[list[Any]]]


def _breakdown(rows: list[dict[str, Any]], column: str, bands: list[str]) -> Table:
    header = [column, *bands, "accounts", "arr", "arr_at_risk"]
    return header, [
        [r["key"], *[r["bands"].get(b, 0) for b in bands], r["accounts"], r["arr"], r["at_risk"]]
        for r in rows
    ]


def _trend(rows: list[dict[str, Any]], column: str) -> Table:
    weeks = [w["as_of"].isoformat() for w in rows[0]["weeks"]] if rows else []
    header = [column, "arr_at_risk", "accounts_at_risk", "change_4w", "red_renewals_90d"]
    header += ["red_renewal_arr", *[f"arr_at_risk_{w}" for w in weeks]]
    return header, [
        [
            r["key"],
            r["at_risk"],
            r["at_risk_accounts"],
            r["change"],
            r["red_renewals"],
            r["red_renewal_arr"],
            *[w["at_risk"] for w in r["weeks"]],
        ]
        for r in rows
    ]


def _retention(rows: list[dict[str, Any]], column: str) -> Table:
    keys = ["accounts", "churned_accounts", "start_arr", "churned_arr", "contracted_arr"]
    keys += ["expanded_arr", "grr", "nrr"]
    return [column, "from", "to", *keys], [
        [r["key"], r["from"], r["to"]] + [r[k] for k in keys] for r in rows
    ]


def _forecast_table(rows: list[dict[str, Any]], column: str) -> Table:
    keys = ["accounts", "unscored", "arr", "expected_churned_arr", "mean_probability"]
    return [column, *keys], [[r[column], *[r.get(k) for k in keys]] for r in rows]


def tables(data: dict[str, Any]) -> dict[str, Callable[[], Table]]:
    """Every table the Portfolio shows, by the name ``?table=`` gives it."""
    bands = [b["name"] for b in data["bands"]]
    f = data.get("forecast") or {"segments": [], "owners": [], "months": []}
    return {
        "bands": lambda: (
            ["band", "accounts", "share", "arr"],
            [[b["name"], b["accounts"], b["share"], b["arr"]] for b in data["bands"]],
        ),
        "history": lambda: (
            ["as_of", *bands],
            [[h["as_of"], *[h["counts"].get(b, 0) for b in bands]] for h in data["history"]],
        ),
        "renewals": lambda: (
            ["band", "accounts", "arr"],
            [[r["band"], r["accounts"], r["arr"]] for r in data["renewals"]],
        ),
        "renewals_due": lambda: _accounts(data["renewals_due"]),
        "drops": lambda: _accounts(data["drops"], ["change_7d", "moved"]),
        "segments": lambda: _breakdown(data["segments"], "segment", bands),
        "owners": lambda: _breakdown(data["owners"], "owner", bands),
        "risk_weeks": lambda: (
            ["as_of", "arr_at_risk", "accounts_at_risk", "red_renewals_90d", "red_renewal_arr"],
            [
                [
                    w["as_of"],
                    w["at_risk"],
                    w["at_risk_accounts"],
                    w["red_renewals"],
                    w["red_renewal_arr"],
                ]
                for w in data["risk_weeks"]
            ],
        ),
        "risk_segments": lambda: _trend(data["risk_segments"], "segment"),
        "risk_owners": lambda: _trend(data["risk_owners"], "owner"),
        "retention_segments": lambda: _retention(data["retention_segments"], "segment"),
        "retention_owners": lambda: _retention(data["retention_owners"], "owner"),
        "forecast_segments": lambda: _forecast_table(f["segments"], "segment"),
        "forecast_owners": lambda: _forecast_table(f["owners"], "owner"),
        "forecast_months": lambda: _forecast_table(f["months"], "renewal_month"),
    }


def _accounts(rows: list[dict[str, Any]], extra: Sequence[str] = ()) -> Table:
    keys = ["account_id", "name", "owner", "arr", "renewal_date", "score", "band", *extra]
    return keys, [[r.get(k) for k in keys] for r in rows]


def csv_response(name: str, table: Table) -> Response:
    """A table as a CSV download (stethoscope.spreadsheet: no cell runs as a formula)."""
    from stethoscope.spreadsheet import write_csv

    out = io.StringIO()
    header, rows = table
    write_csv(out, header, [[_plain(v) for v in row] for row in rows])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v
