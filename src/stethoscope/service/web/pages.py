"""The dashboard's routes: sign-in and sign-out, Portfolio (``/``), Accounts
(``/accounts``) and Account (``/accounts/{id}``), with its form for CSM inputs.

Every page needs a signed-in user (else it redirects to /signin), and answers its data as
JSON with ``?format=json`` (401 without a session). Every POST checks the form's CSRF
token first (403), then the user's role (403). Signing in without asking for a page lands
a user who owns accounts on Today (``/today``, service.web.today_page), anyone else on the
Portfolio.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.service.api_common import Day, iso_day
from stethoscope.service.deps import Kit, ProjectDep, WebUser
from stethoscope.service.errors import envelope
from stethoscope.service.web import today_page, views, week_view, worklist_view
from stethoscope.service.web.account_again import account_again, blank_input_form
from stethoscope.service.web.account_filters import Filtered
from stethoscope.service.web.routing import (
    PAGE_HEADERS,
    STALE_FORM,
    PageKit,
    forbidden,
    templates,
)
from stethoscope.service.web.session import CSRF_FIELD
from stethoscope.service.web.timing import TimedRoute

if TYPE_CHECKING:
    from stethoscope.store.users import User

HERE = Path(__file__).parent
STATIC = HERE / "static"
Format = Annotated[Literal["html", "json"], Query(description="json: the page's data.")]
# a page whose tables are also CSV files (``table`` names one)
CsvFormat = Annotated[
    Literal["html", "json", "csv"],
    Query(description="json: the page's data; csv: one of its tables (table=NAME)."),
]


@functools.cache
def _failure_templates() -> Jinja2Templates:
    return templates()


def failure_page(request_id: str) -> Response:
    """The page for an error nobody expected: nothing read from the store (it may be what
    failed), the request id the server's log has beside the traceback."""
    html = (
        _failure_templates()
        .get_template("error.html")
        .render(
            user=None,
            path="",
            title="Something went wrong",
            message="An unexpected error stopped this page. Try again; if it happens again, "
            f"give the request id {request_id} to whoever runs the server: its log has the "
            "details under that id.",
        )
    )
    return HTMLResponse(html, status_code=500, headers=PAGE_HEADERS)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (//evil.example, /\\evil.example)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


router = APIRouter(include_in_schema=False, route_class=TimedRoute)


# -- signing in and out --------------------------------------------------------------


@router.get("/signin")
def signin_page(
    request: Request, project: ProjectDep, kit: Kit, user: WebUser, next: str | None = None
) -> Response:
    if user is not None:
        target = _safe_next(next) if next else today_page.landing(project, user.name)
        return RedirectResponse(target, status_code=303)
    # no page asked for: an empty next, so that signing in lands the user on their home
    target = _safe_next(next) if next else ""
    return kit.render(request, "signin.html", None, {"next": target, "error": None})


@router.post("/signin")
async def signin(request: Request, project: ProjectDep, kit: Kit) -> Response:
    form = await request.form()
    if not kit.sessions.csrf_ok(request, form.get(CSRF_FIELD)):
        return forbidden(STALE_FORM)
    name, password = str(form.get("name") or "").strip(), str(form.get("password") or "")
    asked = str(form.get("next") or "")
    target = _safe_next(asked) if asked else ""
    address = request.client.host if request.client else "unknown"
    wait = await run_in_threadpool(project.signin_wait, name, address)
    if wait:
        minutes = max(1, round(wait / 60))
        error = (
            "Too many failed sign-ins from this address: try again in "
            f"{minutes} minute{'s' if minutes > 1 else ''}."
        )
        data = {"next": target, "error": error, "name": name}
        response = kit.render(request, "signin.html", None, data, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = await run_in_threadpool(project.sign_in, name, password)
    if user is None:
        await run_in_threadpool(project.signin_failed, name, address)
        return kit.render(
            request,
            "signin.html",
            None,
            {"next": target, "error": "Unknown user or wrong password.", "name": name},
            status=401,
        )
    if not target:
        target = await run_in_threadpool(today_page.landing, project, user.name)
    response = RedirectResponse(target, status_code=303)
    await run_in_threadpool(kit.sessions.sign_in, response, user, address)
    return response


@router.post("/signout")
async def signout(request: Request, kit: Kit) -> Response:
    form = await request.form()
    if not kit.sessions.csrf_ok(request, form.get(CSRF_FIELD)):
        return forbidden(STALE_FORM)
    response = RedirectResponse("/signin", status_code=303)
    await run_in_threadpool(kit.sessions.sign_out, request, response)
    return response


# -- pages ---------------------------------------------------------------------------


@router.get("/")
def portfolio_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    format: CsvFormat = "html",
    mine: bool = False,
    table: str | None = None,
) -> Response:
    if user is None:
        return kit.signed_out(request, "json" if format == "csv" else format)
    data = views.portfolio(project, owner=user.name if mine else None)
    if data["as_of"] is not None:
        data |= week_view.week(
            project, data["as_of"], data["history_dates"], user.name if mine else None
        )
    if format == "csv":
        found = week_view.tables(data) if data["as_of"] is not None else {}
        if table not in found:
            return envelope(
                404,
                f"the portfolio has no table {table!r}" if found else "no scores yet",
                type="NotFoundError",
                hint=f"tables: {', '.join(found)}" if found else "run `stethoscope run`",
            )
        name = f"portfolio-{table}-{data['as_of']}" + ("-mine" if mine else "")
        return week_view.csv_response(name, found[table]())
    return kit.answer(request, format, "portfolio.html", user, data)


@router.get("/accounts")
def accounts_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    filters: Filtered,
    format: Format = "html",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    if user is None:
        return kit.signed_out(request, format)
    data = views.accounts(project, **filters.query(user.name), page=page)
    data["mine"] = filters.mine
    if format == "json":
        return JSONResponse(jsonable_encoder(data))
    kept = filters.kept()

    def link(**changes: Any) -> str:
        """This listing's address with some parameters changed (None drops one)."""
        params = {k: v for k, v in (kept | changes).items() if v not in (None, "")}
        return "/accounts?" + urlencode(params)

    return kit.render(request, "accounts.html", user, data, link=link)


@router.get("/accounts/{account_id}")
def account_page(
    request: Request,
    project: ProjectDep,
    kit: Kit,
    user: WebUser,
    account_id: str,
    format: Format = "html",
    vs: Day | None = None,
    as_of: Day | None = None,
    added: str | None = None,
    rescored: str | None = None,
    changed: int | None = None,
    undone: int | None = None,
) -> Response:
    if user is None:
        return kit.signed_out(request, format)
    data = views.account(project, account_id, vs=vs, as_of=as_of)
    if data is None:
        return _not_found(kit, request, format, user, account_id)
    if format == "json":
        return JSONResponse(jsonable_encoder(data))
    # after a form: say which input was added (one of this account's, else nothing)
    added_input = next((i for i in data["inputs"] if added and i["id"] == added), None)
    return kit.render(
        request,
        "account.html",
        user,
        data,
        form=blank_input_form(),
        form_error=None,
        added=added_input,
        rescored=rescored if rescored and rescored.replace("-", "").isalnum() else None,
        account_tasks=worklist_view.account_tasks(project, account_id, user, changed, undone),
    )


@router.post("/accounts/{account_id}/inputs")
async def add_input(request: Request, project: ProjectDep, kit: Kit, account_id: str) -> Response:
    posted = await kit.posted(request, doing="add inputs")
    if not isinstance(posted, tuple):
        return posted
    user, form = posted
    if await run_in_threadpool(project.account, account_id) is None:
        return _not_found(kit, request, "html", user, account_id)
    fields = {k: str(form.get(k) or "").strip() for k in ("name", "value", "reason", "expires")}
    try:
        expires = _expiry(fields["expires"])
        if not fields["reason"]:
            raise DataError("say why: a reason is required")
        if not fields["value"]:
            raise DataError("a value is required")
        row = await run_in_threadpool(
            lambda: project.add_input(
                account_id,
                fields["name"],
                fields["value"],
                reason=fields["reason"],
                author=f"user:{user.name}",
                expires=expires,
                actor=f"user:{user.id}",
                rescore=True,
            )
        )
    except DataError as e:
        return await account_again(
            kit.render, request, project, account_id, user, form=fields, form_error=e.message
        )
    said = {"added": row["id"]}
    if row["rescored"].run_id is not None:  # scored again: the page shows it at once
        said["rescored"] = row["rescored"].run_id
    target = f"/accounts/{quote(account_id, safe='')}?" + urlencode(said)
    return RedirectResponse(target + "#inputs", status_code=303)


def _not_found(
    kit: PageKit, request: Request, format: str, user: User, account_id: str
) -> Response:
    if format == "json":
        return envelope(404, f"no account '{account_id}'", type="NotFoundError")
    return kit.render(
        request, "error.html", user, {"message": f"No account '{account_id}'."}, status=404
    )


def _expiry(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        day = iso_day(text)
    except ValueError:
        raise DataError(f"expected a date like 2025-12-31 for the expiry, got {text!r}") from None
    if day <= clock.today():
        raise DataError(f"the expiry {day} is not in the future")
    return day
