"""What each dashboard page shows, as plain data: the templates render it, and
``?format=json`` answers it as it is. Every number comes from the facade's read-outs (the
scored book, ``explain``), as the CLI and the API show them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from stethoscope import clock, model_words
from stethoscope.errors import DataError
from stethoscope.service.schedule import next_run

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.project import Project
    from stethoscope.rows import BookRow

# sorts of the accounts page: those of the scored book (readouts.SORTS)
SORTS = ("score", "name", "arr", "renewal_date", "change_7d", "change_30d", "coverage")
PAGE_SIZE = 50
TREND_DAYS = (7, 30, 90)  # the changes shown beside a score
RENEWAL_DAYS = 90  # "upcoming" renewals: within this many days of the scores' date
DROPS = 10  # how many of the week's biggest drops the portfolio lists
TIMELINE_DAYS = 365  # an account's timeline: its scores over this many days
HISTORY_WEEKS = 13  # the portfolio's bands over time: the scores' date and each week before
OWNERS = 15  # the portfolio's breakdown by owner: the owners with the most ARR at risk
ACTIVITY_DAYS = 90  # an account's recent activity: this many days back


def bands_of(model: Model) -> list[dict[str, Any]]:
    """The model's bands, worst first, with the range of scores each holds."""
    out = []
    low = model.scale.min
    for b in model.bands:
        out.append({"name": b.name, "label": b.label, "from": low, "below": b.below})
        low = b.below if b.below is not None else low
    return out


def portfolio(project: Project, score: str = "health", owner: str | None = None) -> dict[str, Any]:
    """The book at a glance as of its latest scores (only ``owner``'s accounts when given):
    accounts and ARR per band, ARR at risk (the accounts in the worst band), the share of
    each band on the same weekday of the last ``HISTORY_WEEKS`` weeks, renewals due soon by band,
    accounts per band by segment and by owner, and the week's biggest drops. Every figure
    is an aggregate the store computes (stethoscope.overview)."""
    model = project.load_model()
    day = project.latest_as_of()
    bands = bands_of(model)
    names = [b["name"] for b in bands]
    worst = names[0] if names else None
    empty: dict[str, Any] = {
        "score_name": score,
        "as_of": day,
        "model_version": model.version,
        "owner": owner,
        "accounts": 0,
        "arr": 0.0,
        "bands": [b | {"accounts": 0, "arr": 0.0, "share": 0.0} for b in bands],
        "unbanded": {"accounts": 0, "arr": 0.0},
        "at_risk": {"band": worst, "accounts": 0, "arr": 0.0},
        "renewal_days": RENEWAL_DAYS,
        "renewals": [{"band": n, "accounts": 0, "arr": 0.0} for n in names],
        "renewals_due": [],
        "drops": [],
        "week_before": None,
        "history": [],
        "history_dates": [],
        "history_from": None,
        "segments": [],
        "owners": [],
        "owners_total": 0,
    }
    if day is None:
        return empty
    week_before = day - dt.timedelta(days=7)
    # the chart starts at the first scored week: weeks before any score are no history
    first = project.first_as_of() or day
    weeks = [
        d
        for d in (day - dt.timedelta(weeks=w) for w in range(HISTORY_WEEKS - 1, -1, -1))
        if d >= first
    ]
    o = project.book_overview(
        as_of=day,
        score=score,
        owner=owner,
        renew_days=RENEWAL_DAYS,
        history=weeks,
        drops_since=week_before,
        top=DROPS,
    )
    by_band = {r["band"]: r for r in o["summary"]}
    accounts = sum(int(r["accounts"]) for r in o["summary"])
    per_band = []
    for b in bands:
        r = by_band.get(b["name"], {})
        n = int(r.get("accounts") or 0)
        per_band.append(
            b
            | {"accounts": n, "arr": _money(r.get("arr")), "share": n / accounts if accounts else 0}
        )
    others = [r for r in o["summary"] if r["band"] not in names]
    at_risk = per_band[0] if per_band else {"accounts": 0, "arr": 0.0}
    return empty | {
        "accounts": accounts,
        "arr": _money(sum(r["arr"] or 0 for r in o["summary"])),
        "bands": per_band,
        "unbanded": {
            "accounts": sum(int(r["accounts"]) for r in others),
            "arr": _money(sum(r["arr"] or 0 for r in others)),
        },
        "at_risk": {"band": worst, "accounts": at_risk["accounts"], "arr": at_risk["arr"]},
        "renewals": [
            {
                "band": n,
                "accounts": int(by_band.get(n, {}).get("renewing") or 0),
                "arr": _money(by_band.get(n, {}).get("renewing_arr")),
            }
            for n in names
        ],
        "renewals_due": [_brief(r) for r in o["renewals_due"]],
        "drops": [_brief(r) | {"change_7d": r["change"], "moved": r["moved"]} for r in o["drops"]],
        "week_before": week_before,
        "history": _history(o["history"]),
        "history_dates": weeks,
        "history_from": first,
        "segments": _breakdown(o["segments"], names),
        "owners": _breakdown(o["owners"], names)[:OWNERS],
        "owners_total": len({r["key"] for r in o["owners"]}),
    }


def _money(value: Any) -> float:
    return round(float(value or 0), 2)


def _history(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (date, band, accounts) as one row per date with the counts per band."""
    out: dict[dt.date, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r["as_of"], {})[r["band"] or ""] = int(r["accounts"])
    return [{"as_of": d, "counts": c} for d, c in sorted(out.items())]


def _breakdown(rows: list[dict[str, Any]], bands: list[str]) -> list[dict[str, Any]]:
    """Rows (key, band, accounts, arr) as one row per key: accounts per band, ARR, ARR in
    the worst band; the keys with the most ARR at risk first."""
    out: dict[str | None, dict[str, Any]] = {}
    worst = bands[0] if bands else None
    for r in rows:
        k = out.setdefault(
            r["key"], {"key": r["key"], "accounts": 0, "arr": 0.0, "at_risk": 0.0, "bands": {}}
        )
        k["accounts"] += int(r["accounts"])
        k["arr"] += float(r["arr"] or 0)
        k["bands"][r["band"] or ""] = int(r["accounts"])
        if r["band"] == worst:
            k["at_risk"] += float(r["arr"] or 0)
    for k in out.values():
        k["arr"], k["at_risk"] = round(k["arr"], 2), round(k["at_risk"], 2)
    return sorted(out.values(), key=lambda k: (-k["at_risk"], -k["arr"], str(k["key"])))


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("account_id", "name", "owner", "arr", "renewal_date", "score", "band")
    return {k: r[k] for k in keys}


def accounts(
    project: Project,
    *,
    score: str = "health",
    band: str | None = None,
    owner: str | None = None,
    segment: str | None = None,
    search: str | None = None,
    sort: str = "score",
    descending: bool = False,
    page: int = 1,
) -> dict[str, Any]:
    """One page of the scored book, filtered, searched and sorted by the store."""
    model = project.load_model()
    day = project.latest_as_of()
    filters: dict[str, Any] = {"band": band, "owner": owner, "segment": segment}
    items: list[BookRow] = []
    total = 0
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    if day is not None:
        found = project.book_page(
            as_of=day,
            score=score,
            search=search,
            sort=sort,
            descending=descending,
            limit=PAGE_SIZE,
            offset=offset,
            **filters,
        )
        items, total = found.items, found.total
    pages = max(1, math.ceil(total / PAGE_SIZE))
    # a change over N days exists from the first scored date plus N days: say so, rather
    # than show an empty column as if nothing moved
    first = project.first_as_of() if day is not None else None
    trends_from = {
        f"change_{n}d": first + dt.timedelta(days=n)
        for n in (7, 30)
        if first is not None and day is not None and day < first + dt.timedelta(days=n)
    }
    return {
        "score_name": score,
        "as_of": day,
        "model_version": model.version,
        "scale": {"min": model.scale.min, "max": model.scale.max},
        "bands": [b.name for b in model.bands],
        "filters": filters | {"search": search},
        "sort": sort,
        "order": "desc" if descending else "asc",
        "items": items,
        "total": total,
        "page": page,
        "pages": pages,
        "limit": PAGE_SIZE,
        "offset": offset,
        "first_scored": first,
        "trends_from": trends_from,
    }


def input_status(row: dict[str, Any], now: dt.datetime) -> str:
    if row["revoked_at"] is not None:
        return "revoked"
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return "expired"
    return "live"


def account(
    project: Project,
    account_id: str,
    *,
    score: str = "health",
    vs: dt.date | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any] | None:
    """An account: its current scores, the explanation of its score (every measure), the
    change between two dates when asked, and its CSM inputs. None if there is no such
    account."""
    found = project.account(account_id)
    if found is None:
        return None
    model = project.load_model()
    last = project.latest_as_of() or clock.today()
    day = as_of or last
    # one read of the account's stored scores of the last year, under every version
    rows = project.account_scores(
        account_id, start=last - dt.timedelta(days=TIMELINE_DAYS), end=last
    )
    mine = [r for r in rows if r["score_name"] == score]
    timeline = [
        {"as_of": r["as_of"], "score": r["score"], "band": r["band"]}
        for r in mine
        if r["model_version"] == model.version
    ]
    if vs is None and any(t["as_of"] == day - dt.timedelta(days=7) for t in timeline):
        vs = day - dt.timedelta(days=7)  # by default, the change over the last week
    explanation: dict[str, Any] | None = None
    problem: str | None = None
    try:
        explanation = project.explain(account_id, as_of=day, score=score).model_dump()
    except DataError as e:
        problem = e.message
    change: dict[str, Any] | None = None
    change_problem: str | None = None
    if vs is not None:
        try:
            change = project.explain_change(account_id, vs=vs, as_of=day, score=score).model_dump()
        except DataError as e:
            change_problem = e.message
    now = clock.now()
    inputs = [
        r
        | {
            "value": r["value_number"] if r["value_text"] is None else r["value_text"],
            "status": input_status(r, now),
        }
        for r in project.inputs(account_id)
    ]
    declared = model_words.declared_inputs(model)
    versions = {v.version: v for v in project.model_versions(limit=100).items}
    older: dict[str, list[dict[str, Any]]] = {}
    for r in mine:
        if r["model_version"] != model.version:
            older.setdefault(r["model_version"], []).append(
                {"as_of": r["as_of"], "score": r["score"], "band": r["band"]}
            )
    markers = []
    for version in dict.fromkeys(r["model_version"] for r in mine):
        first = min(r["as_of"] for r in mine if r["model_version"] == version)
        stored = versions.get(version)
        name = stored.name if stored else None
        markers.append(
            {
                "as_of": first,
                "version": version,
                "label": f"{name or 'model'} {version[:8]}",
                "current": version == model.version,
            }
        )
    scores = current_scores(rows, model.version)
    head = next((s for s in scores if s["score_name"] == score), None)
    marks = chart_marks(mine, inputs, model.version)
    if timeline:  # those within the chart's dates
        marks = [m for m in marks if timeline[0]["as_of"] <= m["as_of"] <= timeline[-1]["as_of"]]
    else:
        marks = []
    coming = next_run(project.settings)
    return {
        "account": found,
        "score_name": score,
        # the score the page leads with; None before the account's first score, when the
        # page says when the schedule scores next (None too when scheduled runs are off)
        "head": head,
        "next_run": None if coming is None else asdict(coming),
        "scale": {"min": model.scale.min, "max": model.scale.max},
        "bands": bands_of(model),
        "thresholds": [(b.name, b.below) for b in model.bands if b.below is not None],
        "timeline": timeline,
        "older_versions": [{"version": v, "timeline": t} for v, t in older.items()],
        # a marker where each version's scores start, when there is more than one
        "version_markers": markers if len(markers) > 1 else [],
        # what else moved the score, marked on the chart: inputs, switches of scorecard
        "chart_marks": marks,
        "model_version": model.version,
        "scores": scores,
        "explanation": explanation,
        "explain_problem": problem,
        "change": change,
        "change_problem": change_problem,
        "vs": vs,
        "as_of": as_of,
        "inputs": inputs,
        "declared_inputs": declared,
        "audit": _with_names(project, project.account_audit(account_id)),
        "activity": project.activity(
            account_id, start=last - dt.timedelta(days=ACTIVITY_DAYS), end=last
        ),
        "relationship": project.relationship(account_id),
    }


def chart_marks(
    rows: list[dict[str, Any]], inputs: list[dict[str, Any]], version: str
) -> list[dict[str, Any]]:
    """The marks of the account's chart, by date: each CSM input on the day it was entered
    (and revoked), each day the score switched scorecard (from ``rows``, the account's
    stored scores of one score, by date) under ``version``."""
    marks = []
    for i in inputs:
        value = i["value"]
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        marks.append(
            {
                "as_of": i["created_at"].date(),
                "kind": "input",
                "label": f"input {i['name']} = {shown} by {i['author']}",
            }
        )
        if i["revoked_at"] is not None:
            marks.append(
                {
                    "as_of": i["revoked_at"].date(),
                    "kind": "input",
                    "label": f"input {i['name']} revoked by {i['revoked_by']}",
                }
            )
    previous: str | None = None
    for r in rows:
        if r["model_version"] != version:
            continue
        card = r["scorecard"]
        if previous is not None and card is not None and card != previous:
            marks.append(
                {
                    "as_of": r["as_of"],
                    "kind": "scorecard",
                    "label": f"scorecard {previous} → {card}",
                }
            )
        previous = card if card is not None else previous
    return sorted(marks, key=lambda m: (m["as_of"], m["kind"], m["label"]))


def _with_names(project: Project, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit entries with ``who``: the user's name for an actor ``user:ID``."""
    names = {f"user:{u.id}": u.name for u in project.users()}
    return [e | {"who": names.get(e["actor"], e["actor"])} for e in entries]


def current_scores(rows: list[dict[str, Any]], version: str) -> list[dict[str, Any]]:
    """Each score on the latest date ``version`` scored, with its change over 7, 30 and
    90 days (as ``Project.current_scores``), from an account's stored rows."""
    rows = [r for r in rows if r["model_version"] == version]
    if not rows:
        return []
    latest = max(r["as_of"] for r in rows)
    by = {(r["score_name"], r["as_of"]): r["score"] for r in rows}
    out = []
    for r in rows:
        if r["as_of"] != latest:
            continue
        row = {
            k: r[k]
            for k in ("score_name", "as_of", "score", "band", "coverage", "segment", "scorecard")
        }
        for n in TREND_DAYS:
            before = by.get((r["score_name"], latest - dt.timedelta(days=n)))
            row[f"change_{n}d"] = (
                None if before is None or r["score"] is None else round(r["score"] - before, 6)
            )
        out.append(row)
    return sorted(out, key=lambda r: r["score_name"])
