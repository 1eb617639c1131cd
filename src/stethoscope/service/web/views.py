"""What each dashboard page shows, as plain data: the templates render it, and
``?format=json`` answers it as it is. Every number comes from the facade's read-outs (the
scored book, ``explain``), as the CLI and the API show them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from stethoscope.errors import DataError

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.project import Project

# sorts of the accounts page: those of the scored book (readouts.SORTS)
SORTS = ("score", "name", "arr", "renewal_date", "change_7d", "change_30d", "coverage")
PAGE_SIZE = 50
RENEWAL_DAYS = 90  # "upcoming" renewals: within this many days of the scores' date
DROPS = 10  # how many of the week's biggest drops the portfolio lists
TIMELINE_DAYS = 365  # an account's timeline: its scores over this many days


def _arr(rows: list[dict[str, Any]]) -> float:
    return round(sum(r["arr"] or 0.0 for r in rows), 2)


def bands_of(model: Model) -> list[dict[str, Any]]:
    """The model's bands, worst first, with the range of scores each holds."""
    out = []
    low = model.scale.min
    for b in model.bands:
        out.append({"name": b.name, "label": b.label, "from": low, "below": b.below})
        low = b.below if b.below is not None else low
    return out


def portfolio(project: Project, score: str = "health") -> dict[str, Any]:
    """The book at a glance as of its latest scores: accounts and ARR per band, ARR at
    risk (the accounts in the worst band), renewals due soon by band, the week's biggest
    drops."""
    model = project.load_model()
    day = project.latest_as_of()
    bands = bands_of(model)
    rows = project.scores(score=score, as_of=day) if day else []
    names = [b["name"] for b in bands]
    per_band = []
    for b in bands:
        inside = [r for r in rows if r["band"] == b["name"]]
        per_band.append(b | {"accounts": len(inside), "arr": _arr(inside)})
    unbanded = [r for r in rows if r["band"] not in names]
    worst = names[0] if names else None
    at_risk = [r for r in rows if r["band"] == worst]
    renewals: list[dict[str, Any]] = []
    due: list[dict[str, Any]] = []
    if day is not None:
        until = day + dt.timedelta(days=RENEWAL_DAYS)
        due = sorted(
            (r for r in rows if r["renewal_date"] and day < r["renewal_date"] <= until),
            key=lambda r: (r["renewal_date"], r["account_id"]),
        )
        for b in bands:
            inside = [r for r in due if r["band"] == b["name"]]
            renewals.append({"band": b["name"], "accounts": len(inside), "arr": _arr(inside)})
    drops = sorted(
        (r for r in rows if r["change_7d"] is not None and r["change_7d"] < 0),
        key=lambda r: (r["change_7d"], r["account_id"]),
    )[:DROPS]
    return {
        "score_name": score,
        "as_of": day,
        "model_version": model.version,
        "accounts": len(rows),
        "arr": _arr(rows),
        "bands": per_band,
        "unbanded": {"accounts": len(unbanded), "arr": _arr(unbanded)},
        "at_risk": {"band": worst, "accounts": len(at_risk), "arr": _arr(at_risk)},
        "renewal_days": RENEWAL_DAYS,
        "renewals": renewals,
        "renewals_due": [_brief(r) for r in due[:DROPS]],
        "drops": [_brief(r) for r in drops],
        "week_before": day - dt.timedelta(days=7) if day else None,
    }


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("account_id", "name", "owner", "arr", "renewal_date", "score", "band", "change_7d")
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
    """One page of the scored book, filtered and sorted. Band, owner and segment are
    filtered by the store; ``search`` (text in the name or id, any case) over those rows."""
    model = project.load_model()
    day = project.latest_as_of()
    filters: dict[str, Any] = {"band": band, "owner": owner, "segment": segment}
    items: list[dict[str, Any]] = []
    total = 0
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    if day is not None:
        common: dict[str, Any] = {
            "score": score,
            "as_of": day,
            "sort": sort,
            "descending": descending,
        }
        if search:
            needle = search.casefold()
            found = [
                r
                for r in project.scores(**common, **filters)
                if needle in (r["name"] or "").casefold() or needle in r["account_id"].casefold()
            ]
            total, items = len(found), found[offset : offset + PAGE_SIZE]
        else:
            total = project.count_scores(as_of=day, score=score, **filters)
            items = project.scores(**common, **filters, limit=PAGE_SIZE, offset=offset)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return {
        "score_name": score,
        "as_of": day,
        "model_version": model.version,
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
    explanation: dict[str, Any] | None = None
    problem: str | None = None
    try:
        explanation = asdict(project.explain(account_id, as_of=as_of, score=score))
    except DataError as e:
        problem = e.message
    change: dict[str, Any] | None = None
    change_problem: str | None = None
    if vs is not None:
        try:
            change = asdict(project.explain_change(account_id, vs=vs, as_of=as_of, score=score))
        except DataError as e:
            change_problem = e.message
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    inputs = [
        r
        | {
            "value": r["value_number"] if r["value_text"] is None else r["value_text"],
            "status": input_status(r, now),
        }
        for r in project.inputs(account_id)
    ]
    declared = [
        {
            "name": i.name,
            "kind": i.kind,
            "choices": list(i.choices),
            "minimum": i.minimum,
            "maximum": i.maximum,
            "expires_days": i.expires_days,
            "description": i.description,
        }
        for i in model.inputs.values()
    ]
    # the stored scores of the last year up to the latest scored date, under this model
    last = project.latest_as_of() or dt.datetime.now(dt.UTC).date()
    history = project.history(
        account_id,
        start=last - dt.timedelta(days=TIMELINE_DAYS),
        end=last,
        score=score,
        model_version=model.version,
        limit=TIMELINE_DAYS + 1,
    )
    timeline = [
        {"as_of": r["as_of"], "score": r["score"], "band": r["band"]} for r in history.items
    ]
    return {
        "account": found,
        "score_name": score,
        "scale": {"min": model.scale.min, "max": model.scale.max},
        "timeline": timeline,
        "model_version": model.version,
        "scores": project.current_scores(account_id),
        "explanation": explanation,
        "explain_problem": problem,
        "change": change,
        "change_problem": change_problem,
        "vs": vs,
        "as_of": as_of,
        "inputs": inputs,
        "declared_inputs": declared,
    }
