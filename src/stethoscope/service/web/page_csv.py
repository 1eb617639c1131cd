"""The tables of the Accounts, Account, Model and Runs pages as CSV files, each linked
beside its table: ``/export/accounts`` (every account the listing's filters find, in its
order), ``/export/accounts/{id}?table=NAME``, ``/export/model?table=NAME`` and
``/export/runs`` (the page of runs shown). The cells are written as the Portfolio's, Today's
and the worklist's (service.web.week_view.csv_response: no cell runs as a formula in a
spreadsheet); an unknown table is a 404 naming the page's tables.

A module-level router: a route names what it needs (``project: ProjectDep, user:
SignedIn``, service.deps), not a closure over the project. ``SignedIn`` is the dashboard's
user, from the session cookie a browser sends with the link (the API's role types admit
Bearer keys only); 401 without one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stethoscope.service.api_common import Day
from stethoscope.service.deps import ProjectDep, SignedIn
from stethoscope.service.errors import envelope
from stethoscope.service.web import model_page, runs_page, views, week_view
from stethoscope.service.web.account_filters import Filtered
from stethoscope.service.web.timing import TimedRoute
from stethoscope.store.worklist import Filters

if TYPE_CHECKING:
    from stethoscope.rows import BookRow, Row

    Table = tuple[list[str], list[list[Any]]]

# the most accounts one CSV of the listing holds (the 100k book's whole red band fits)
CSV_ROWS = 100_000


router = APIRouter(include_in_schema=False, route_class=TimedRoute)


def _rows(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> Table:
    return list(keys), [[r.get(k) for k in keys] for r in rows]


def _fields(rows: Sequence[Row], names: Sequence[str]) -> Table:
    """A table of typed rows (stethoscope.rows): some of their fields."""
    return list(names), [[getattr(r, n) for n in names] for r in rows]


def _answer(page: str, name: str, tables: dict[str, Callable[[], Table]], table: str) -> Response:
    """The table named ``table`` as a CSV download called ``name``, else a 404 that lists
    the page's tables."""
    if table not in tables:
        return envelope(
            404,
            f"the {page} page has no table {table!r}",
            type="NotFoundError",
            hint=f"tables: {', '.join(tables)}",
        )
    return week_view.csv_response(name, tables[table]())


ACCOUNT_KEYS = (
    "account_id", "name", "owner", "segment", "arr", "renewal_date", "score", "band",
    "coverage", "change_7d", "change_30d",
)  # fmt: skip


@router.get("/export/accounts")
def accounts_csv(
    project: ProjectDep,
    user: SignedIn,
    filters: Filtered,
) -> Response:
    """Every account the Accounts page's filters find (at most ``CSV_ROWS``), in its order."""
    day = project.latest_as_of()
    items: list[BookRow] = []
    if day is not None:
        items = project.book_page(as_of=day, **filters.query(user.name), limit=CSV_ROWS).items
    name = f"accounts-{day}" + ("-mine" if filters.mine else "")
    return week_view.csv_response(name, _fields(items, ACCOUNT_KEYS))


@router.get("/export/accounts/{account_id}")
def account_csv(
    project: ProjectDep,
    user: SignedIn,
    account_id: str,
    table: str = "",
    vs: Day | None = None,
    as_of: Day | None = None,
) -> Response:
    """One of the Account page's tables, as the page shows it for the same ``vs`` and
    ``as_of``."""
    data = views.account(project, account_id, vs=vs, as_of=as_of)
    if data is None:
        return envelope(404, f"no account '{account_id}'", type="NotFoundError")
    e = data["explanation"] or {}
    change = data["change"] or {}
    people = data["relationship"]
    tables: dict[str, Callable[[], Table]] = {
        "scores": lambda: _rows(
            data["scores"],
            (
                "score_name",
                "as_of",
                "score",
                "band",
                "coverage",
                "segment",
                "scorecard",
                "change_7d",
                "change_30d",
                "change_90d",
            ),
        ),
        "timeline": lambda: _rows(data["timeline"][::-1], ("as_of", "score", "band")),
        "groups": lambda: _rows(e.get("groups", []), ("group", "score", "weight", "contribution")),
        "measures": lambda: _rows(
            e.get("measures", []),
            ("measure", "group", "metric", "value", "grade", "weight", "contribution", "age_days"),
        ),
        "change": lambda: _rows(
            change.get("lines", []),
            (
                "measure",
                "value_from",
                "value_to",
                "grade_from",
                "grade_to",
                "contribution_from",
                "contribution_to",
                "change",
            ),
        ),
        "inputs": lambda: _rows(
            data["inputs"],
            ("id", "name", "value", "author", "reason", "created_at", "expires_at", "status"),
        ),
        "usage": lambda: _rows(data["activity"]["usage"][::-1], ("week", "events", "users")),
        "tasks": lambda: _rows(
            project.task_worklist(Filters(account_id=account_id), limit=200)[0],
            ("id", "title", "rule", "severity", "status", "due_on", "owner", "playbook"),
        ),
        "touchpoints": lambda: _rows(
            people["touchpoints"],
            ("occurred_at", "kind", "contact_id", "contact_name", "author", "note", "id"),
        ),
        "contacts": lambda: _rows(
            people["contacts"], ("id", "name", "role", "email", "champion", "last_active")
        ),
        "audit": lambda: _rows(
            [a | {"input": (a["detail"] or {}).get("name")} for a in data["audit"]],
            ("at", "who", "action", "input", "target"),
        ),
    }
    day = data["as_of"] or project.latest_as_of()
    return _answer("account", f"account-{account_id}-{table}-{day}", tables, table)


@router.get("/export/model")
def model_csv(project: ProjectDep, user: SignedIn, table: str = "") -> Response:
    """One of the Model page's tables: bands, segments, measures, inputs, versions."""
    data = model_page.model_view(project)
    m = data["model"]
    graded = {c["measure"]: c for c in (data["coverage"] or {}).get("measures", [])}
    tables: dict[str, Callable[[], Table]] = {
        "bands": lambda: _rows(data["bands"], ("name", "label", "from", "below")),
        "segments": lambda: _rows(
            [seg | {"score": s["name"]} for s in m["scores"] for seg in s["segments"]],
            ("score", "name", "when", "scorecard"),
        ),
        "measures": lambda: _rows(
            [
                x
                | {
                    "graded": graded.get(x["name"], {}).get("graded"),
                    "applies": graded.get(x["name"], {}).get("applies"),
                }
                for x in m["measures"]
            ],
            (
                "name",
                "metric",
                "metric_words",
                "grading",
                "missing",
                "description",
                "graded",
                "applies",
            ),
        ),
        "inputs": lambda: _rows(
            [i | {"choices": "; ".join(i["choices"])} for i in m["inputs"]],
            ("name", "kind", "minimum", "maximum", "choices", "expires_days", "description"),
        ),
        "versions": lambda: _fields(
            data["versions"], ("version", "name", "created_at", "scored_from", "scored_to")
        ),
    }
    return _answer("model", f"model-{table}-{m['version'][:12]}", tables, table)


@router.get("/export/runs")
def runs_csv(
    project: ProjectDep,
    user: SignedIn,
    status: Literal["running", "ok", "failed", ""] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The runs the Runs page shows for the same ``status`` and ``page``."""
    data = runs_page.runs_view(project, status=status or None, page=page)
    keys = (
        "id", "status", "trigger", "as_of_from", "as_of_to", "accounts", "started_at",
        "finished_at", "seconds", "model_version", "error",
    )  # fmt: skip
    return week_view.csv_response(f"runs-page-{page}", _rows(data["runs"], keys))
