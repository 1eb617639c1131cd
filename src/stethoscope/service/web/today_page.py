"""The Today page (``/today``): a CSM's home, where signing in takes a user who owns
accounts (the accounts whose ``owner`` is the user's name). Three lists, each ordered by
ARR at stake, then urgency:

1. their accounts whose band changed, or whose score fell, over the last week, each with
   why in one line (the measures that moved it, in words: stethoscope.model_words);
2. their open tasks, with each account's ARR, score, band and renewal, and the due date:
   the first rows of their worklist sorted by ARR (``/tasks?sort=arr&order=desc``);
3. their renewals of the next 90 days in every band but the best (red and yellow in the
   presets).

Each list shows its first rows (``SHOWN``; the changes ``facade.today.CHANGES_LIMIT``) and
says how many there are, with a link to the rest: for the bench's owner of 10,204 accounts
(5,407 open tasks, 1,147 renewals) a page of 47 KB built in 45 ms of processor time, not
one of 850 KB in 220 ms. Like every page it answers its data as JSON
with ``?format=json`` (the rows shown, and the totals); a table's CSV
(``?format=csv&table=NAME``) holds all its rows, as the worklist's CSV does: a file is
read in a spreadsheet, where the rows a page leaves out are the ones wanted.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from stethoscope import clock
from stethoscope.model_words import change_reason
from stethoscope.service.errors import envelope
from stethoscope.service.web import week_view
from stethoscope.service.web.views import RENEWAL_DAYS
from stethoscope.store.worklist import Filters

if TYPE_CHECKING:
    from stethoscope.project import Project
    from stethoscope.service.web.routing import PageKit

WEEK = 7  # "this week": the change since the scores of this many days before
SHOWN = 25  # the tasks and renewals Today lists, the most ARR first
CSV_ROWS = 10_000  # the most tasks a CSV holds (as the worklist's)
# where the rest of the tasks are: the worklist (the signed-in user's), in Today's order
TASKS_LINK = "/tasks?sort=arr&order=desc"
# the columns of each of Today's tables as a CSV file (``?format=csv&table=NAME``)
CSV_TABLES: dict[str, tuple[str, ...]] = {
    "changes": (
        "account_id", "name", "band_before", "band", "score_before", "score", "change",
        "reason", "arr", "renewal_date",
    ),
    "tasks": (
        "id", "title", "account_id", "name", "arr", "score", "band", "renewal_date", "due_on",
        "status", "rule",
    ),
    "renewals": ("account_id", "name", "arr", "renewal_date", "score", "band"),
}  # fmt: skip

_TASK_KEYS = (
    "id",
    "title",
    "account_id",
    "arr",
    "score",
    "band",
    "renewal_date",
    "due_on",
    "status",
    "playbook",
    "rule",
)


def today(
    project: Project, owner: str, score: str = "health", *, shown: int | None = SHOWN
) -> dict[str, Any]:
    """``owner``'s day as of the book's latest scores, as plain data: the first ``shown``
    tasks and renewals (None: all of them, for a CSV) and how many there are."""
    model = project.load_model()
    day = project.latest_as_of()
    bands = [b.name for b in model.bands]
    watched = bands[:-1]  # every band but the best
    data: dict[str, Any] = {
        "owner": owner,
        "owned_accounts": project.owned_accounts(owner),
        "score_name": score,
        "as_of": day,
        "today": clock.today(),  # the tasks' due dates read from it; renewals from as_of
        "since": None,
        "since_scored": False,
        "renewal_days": RENEWAL_DAYS,
        "renewal_bands": watched,
        "changes": [],
        "changes_total": 0,
        "tasks": [],
        "tasks_total": 0,
        "tasks_link": TASKS_LINK,
        "renewals": [],
        "renewals_total": 0,
    }
    if day is None:
        return data
    since = day - dt.timedelta(days=WEEK)
    found = project.owner_day(
        owner,
        as_of=day,
        since=since,
        renew_until=day + dt.timedelta(days=RENEWAL_DAYS),
        renewal_bands=watched,
        score=score,
    )
    # ARR at stake first, then the soonest due (a task without a date last), as the link
    tasks, tasks_total = project.task_worklist(
        Filters(owner=owner), sort="arr", descending=True, limit=shown or CSV_ROWS
    )
    renewals = found["renewals"]
    first = project.first_as_of()
    return data | {
        "since": since,
        "since_scored": first is not None and first <= since,
        "changes": [
            {k: r[k] for k in ("account_id", "name", "arr", "renewal_date", "score", "band")}
            | {
                "score_before": r["score_before"],
                "band_before": r["band_before"],
                "change": r["change"].change if r["change"] else None,
                "reason": change_reason(model, r["change"], r["explanation"]),
            }
            for r in found["changes"]
        ],
        "changes_total": found["changes_total"],
        "tasks": [{k: t[k] for k in _TASK_KEYS} | {"name": t["account_name"]} for t in tasks],
        "tasks_total": tasks_total,
        "renewals": renewals[:shown] if shown else renewals,
        "renewals_total": len(renewals),
    }


def landing(project: Project, owner: str) -> str:
    """Where signing in takes a user who asked for no page: Today if they own accounts,
    else the Portfolio."""
    return "/today" if project.owned_accounts(owner) else "/"


def add_routes(web: APIRouter, project: Project, kit: PageKit) -> None:
    @web.get("/today")
    def today_page(
        request: Request, format: Literal["html", "json", "csv"] = "html", table: str = ""
    ) -> Response:
        user = kit.sessions.user(request)
        if user is None:
            return kit.signed_out(request, "json" if format == "csv" else format)
        data = today(project, user.name, shown=None if format == "csv" else SHOWN)
        if format == "csv":
            keys = CSV_TABLES.get(table)
            if keys is None:
                return envelope(
                    404,
                    f"Today has no table {table!r}",
                    type="NotFoundError",
                    hint=f"tables: {', '.join(CSV_TABLES)}",
                )
            rows = [[r.get(k) for k in keys] for r in data[table]]
            return week_view.csv_response(f"today-{table}-{data['as_of']}", (list(keys), rows))
        return kit.answer(request, format, "today.html", user, data)
