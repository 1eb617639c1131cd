"""The dashboard's pages on the real app and a real scored book: sign-in, CSRF, roles, and
that every number shown is the facade's."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

import pytest

from stethoscope.service.web.session import CSRF_COOKIE, SESSION_COOKIE
from tests.web.conftest import PASSWORD, Book, user_name


def _json(obj: Any) -> Any:
    """``obj`` as the pages' JSON twins write it (times in ISO 8601, with a T)."""
    return json.loads(
        json.dumps(obj, default=lambda o: o.isoformat() if hasattr(o, "isoformat") else str(o))
    )


# -- signing in --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/accounts?band=red", "/accounts/acc_000001"])
def test_pages_need_a_signed_in_user(book: Book, url: str) -> None:
    b = book.browser()
    r = b.get(url)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/signin?next=%2F")
    sep = "&" if "?" in url else "?"
    refused = b.get(url + sep + "format=json")
    assert refused.status_code == 401
    assert refused.json()["type"] == "AuthError"


def test_sign_in_and_out(book: Book) -> None:
    b = book.browser()
    page = b.get("/signin")
    assert page.status_code == 200
    assert '<label for="name">' in page.text
    assert '<label for="password">' in page.text
    token = b.csrf()
    r = b.post(
        "/signin",
        data={
            "csrf_token": token,
            "name": "viewer@x.example",
            "password": PASSWORD,
            "next": "/accounts?band=red",
        },
    )
    assert (r.status_code, r.headers["location"]) == (303, "/accounts?band=red")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    assert b.get("/").status_code == 200
    # signed in, the sign-in page sends the user on
    assert b.get("/signin?next=/accounts").headers["location"] == "/accounts"
    out = b.post("/signout", data={"csrf_token": b.csrf("/")})
    assert (out.status_code, out.headers["location"]) == (303, "/signin")
    assert b.get("/").status_code == 303


def test_a_wrong_password_is_refused_and_audited(fresh: Book) -> None:
    b = fresh.browser()
    r = b.sign_in("viewer@x.example", "not the password")
    assert r.status_code == 401
    assert "Unknown user or wrong password." in r.text
    assert SESSION_COOKIE not in b.cookies
    assert b.get("/").status_code == 303
    assert b.sign_in("nobody@x.example").status_code == 401
    failed = fresh.project.audit(action="user.signin_failed")
    viewer = next(u for u in fresh.project.users() if u.role == "viewer")
    assert [(e.target, e.detail["reason"]) for e in failed] == [
        (None, "unknown user"),
        (viewer.id, "wrong password"),
    ]
    # the audit log never holds the password
    assert PASSWORD not in json.dumps([asdict(e) for e in fresh.project.audit(1000)])


def test_the_next_page_is_never_another_site(book: Book) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        b = book.browser()  # signing in issues a new CSRF token: a new browser each time
        token = b.csrf()
        r = b.post(
            "/signin",
            data={
                "csrf_token": token,
                "name": "viewer@x.example",
                "password": PASSWORD,
                "next": target,
            },
        )
        assert (r.status_code, r.headers["location"]) == (303, "/")


def test_a_form_without_its_csrf_token_is_refused(fresh: Book) -> None:
    b = fresh.browser()
    b.csrf()  # the cookie half is there; the form half is missing or wrong
    for data in ({}, {"csrf_token": "forged"}):
        r = b.post("/signin", data={"name": "viewer@x.example", "password": PASSWORD, **data})
        assert r.status_code == 403
        assert SESSION_COOKIE not in b.cookies
    # a token without its cookie does not do either
    token = b.csrf()
    b.cookies.delete(CSRF_COOKIE)
    r = b.post(
        "/signin", data={"csrf_token": token, "name": "viewer@x.example", "password": PASSWORD}
    )
    assert r.status_code == 403

    editor = fresh.browser("editor")
    account = fresh.project.scores(limit=1)[0].account_id
    form = {"name": "gut_check", "value": "2", "reason": "no token"}
    assert editor.post(f"/accounts/{account}/inputs", data=form).status_code == 403
    assert editor.post("/signout", data={}).status_code == 403
    assert fresh.project.inputs(account) == []


# -- the pages -----------------------------------------------------------------------------


def test_portfolio_adds_up_to_the_scored_book(book: Book) -> None:
    b = book.browser("viewer")
    data = b.get("/?format=json").json()
    p = book.project
    rows = p.scores()
    assert data["as_of"] == "2025-06-30"
    assert data["accounts"] == len(rows) == p.count_scores(as_of=dt.date(2025, 6, 30))
    assert [x["name"] for x in data["bands"]] == ["red", "yellow", "green"]
    for band in data["bands"]:
        inside = [r for r in rows if r.band == band["name"]]
        assert band["accounts"] == len(inside)
        assert band["arr"] == pytest.approx(sum(r.arr or 0 for r in inside))
    assert sum(x["accounts"] for x in data["bands"]) == data["accounts"]
    red = next(x for x in data["bands"] if x["name"] == "red")
    assert data["at_risk"] == {"band": "red", "accounts": red["accounts"], "arr": red["arr"]}
    until = dt.date(2025, 6, 30) + dt.timedelta(days=90)
    due = [r for r in rows if r.renewal_date and dt.date(2025, 6, 30) < r.renewal_date <= until]
    assert sum(x["accounts"] for x in data["renewals"]) == len(due)
    drops = [r for r in rows if r.change_7d is not None and r.change_7d < 0]
    assert [d["change_7d"] for d in data["drops"]] == sorted(r.change_7d for r in drops)[:10]

    html = b.get("/")
    assert html.status_code == 200
    assert "frame-ancestors 'none'" in html.headers["content-security-policy"]
    assert html.headers["cache-control"] == "no-store"
    assert f'data-band="red">{red["accounts"]}<' in html.text
    assert f"{data['at_risk']['arr']:,.0f}" in html.text
    for d in data["drops"]:
        assert d["account_id"] in html.text


def test_accounts_filter_sort_search_and_page(book: Book) -> None:
    b = book.browser("viewer")
    p = book.project
    red = b.get("/accounts?band=red&format=json").json()
    assert red["total"] == p.count_scores(as_of=dt.date(2025, 6, 30), band="red") > 0
    assert {r["band"] for r in red["items"]} == {"red"}

    by_arr = b.get("/accounts?sort=arr&order=desc&format=json").json()
    assert by_arr["total"] == 40
    assert len(by_arr["items"]) == 40
    assert [r["account_id"] for r in by_arr["items"]] == [
        r.account_id for r in p.scores(sort="arr", descending=True)
    ]
    # one row of the facade's book, as shown
    first = by_arr["items"][0]
    assert first == _json(
        p.scores(sort="arr", descending=True, limit=1)[0].model_dump(exclude={"groups"})
    )

    name = by_arr["items"][3]["name"]
    found = b.get("/accounts", params={"q": name.upper()[2:8], "format": "json"}).json()
    assert name in [r["name"] for r in found["items"]]
    assert all(name.upper()[2:8].lower() in r["name"].lower() for r in found["items"])

    html = b.get("/accounts?band=red").text
    for label in ("q", "band", "owner", "segment", "sort", "order"):
        assert f'<label for="{label}">' in html
    assert ">red</span>" in html  # the band as text, not only a colour
    for row in red["items"]:
        assert row["account_id"] in html


def test_accounts_are_paged_on_the_server(book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    from stethoscope.service.web import views

    monkeypatch.setattr(views, "PAGE_SIZE", 15)
    b = book.browser("viewer")
    pages = [b.get(f"/accounts?page={n}&sort=name&format=json").json() for n in (1, 2, 3)]
    assert [len(x["items"]) for x in pages] == [15, 15, 10]
    assert {x["pages"] for x in pages} == {3}
    ids = [r["account_id"] for x in pages for r in x["items"]]
    assert ids == [r.account_id for r in book.project.scores(sort="name")]
    html = b.get("/accounts?page=2&sort=name").text
    assert 'rel="prev"' in html
    assert 'rel="next"' in html
    assert b.get("/accounts?page=0").status_code == 400


def test_my_book_is_the_signed_in_owners(book: Book) -> None:
    b = book.browser("editor")
    owner = user_name(book.project, "editor")
    mine = b.get("/accounts?mine=1&format=json").json()
    expected = [r for r in book.project.scores() if r.owner == owner]
    assert mine["total"] == len(expected) > 0
    assert {r["owner"] for r in mine["items"]} == {owner}
    assert 'id="my-book"' in b.get("/accounts").text
    # nobody owns the viewer's accounts
    assert book.browser("viewer").get("/accounts?mine=1&format=json").json()["total"] == 0


def test_what_people_type_is_escaped(book: Book) -> None:
    b = book.browser("viewer")
    html = b.get("/accounts", params={"q": '<script>alert("x")</script>'}).text
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_account_page_is_the_explanation(book: Book) -> None:
    b = book.browser("viewer")
    p = book.project
    account = p.scores(sort="arr", descending=True, limit=1)[0].account_id
    data = b.get(f"/accounts/{account}?format=json").json()
    explained = p.explain(account)
    assert data["explanation"] == _json(explained.model_dump())
    assert data["account"] == _json(p.account(account).model_dump())  # type: ignore[union-attr]
    total = explained.floor + sum(m.contribution for m in explained.measures)
    assert round(total, 1) == explained.score
    html = b.get(f"/accounts/{account}").text
    assert f'id="score-value">{explained.score:,.1f}<' in html
    for m in explained.measures:
        assert f"<td>{m.measure}</td>" in html
    assert f">{explained.band}</span>" in html
    # a viewer has no form to add an input
    assert "/inputs" not in html
    assert 'id="input-value"' not in html

    vs = "2025-05-31"
    change = b.get(f"/accounts/{account}?vs={vs}&format=json").json()["change"]
    assert change == _json(p.explain_change(account, vs=dt.date.fromisoformat(vs)).model_dump())
    shown = b.get(f"/accounts/{account}?vs={vs}").text
    assert f'id="change-value">{change["change"]:+,.1f}<' in shown

    assert b.get("/accounts/nope").status_code == 404
    assert b.get("/accounts/nope?format=json").json()["type"] == "NotFoundError"


# -- CSM inputs ----------------------------------------------------------------------------


def _score(book: Book, account: str) -> float:
    return next(s.score for s in book.project.current_scores(account) if s.score_name == "health")


def test_a_viewer_cannot_add_an_input(fresh: Book) -> None:
    b = fresh.browser("viewer")
    account = fresh.project.scores(limit=1)[0].account_id
    token = b.csrf(f"/accounts/{account}")
    form = {"csrf_token": token, "name": "gut_check", "value": "0", "reason": "viewer tries"}
    r = b.post(f"/accounts/{account}/inputs", data=form)
    assert r.status_code == 403
    assert fresh.project.inputs(account) == []


def test_an_editor_adds_a_gut_check_and_it_counts_at_once(fresh: Book) -> None:
    today = dt.datetime.now(dt.UTC).date()
    fresh.project.run(as_of=today)
    b = fresh.browser("editor")
    editor = next(u for u in fresh.project.users() if u.role == "editor")
    account = fresh.project.scores(sort="score", descending=True, limit=1)[0].account_id
    before = _score(fresh, account)
    page = b.get(f"/accounts/{account}").text
    for field in ("input-name", "input-value", "input-reason", "input-expires"):
        assert f'<label for="{field}">' in page
    token = b.csrf(f"/accounts/{account}")

    bad = b.post(
        f"/accounts/{account}/inputs",
        data={"csrf_token": token, "name": "gut_check", "value": "99", "reason": "too high"},
    )
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text
    assert 'value="too high"' in bad.text
    assert fresh.project.inputs(account) == []
    # a date is written YYYY-MM-DD (Python 3.11 would read 20991231 as well)
    form = {"csrf_token": token, "name": "gut_check", "value": "0", "reason": "r"}
    bad = b.post(f"/accounts/{account}/inputs", data={**form, "expires": "20991231"})
    assert bad.status_code == 400
    assert "expected a date like 2025-12-31 for the expiry, got &#39;20991231&#39;" in bad.text
    assert fresh.project.inputs(account) == []

    r = b.post(
        f"/accounts/{account}/inputs",
        data={
            "csrf_token": token,
            "name": "gut_check",
            "value": "0",
            "reason": "exec sponsor left",
            "expires": "",
        },
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"/accounts/{account}?added=")
    [made] = fresh.project.inputs(account)
    assert (made["author"], made["reason"], made["value_number"]) == (
        f"user:{editor.name}",
        "exec sponsor left",
        0.0,
    )
    assert "&rescored=" in r.headers["location"]
    shown = b.get(r.headers["location"]).text
    assert "Added gut_check = 0.0, and scored this account again at once" in shown
    assert "exec sponsor left" in shown
    assert f"user:{editor.name}" in shown
    assert ("input.add", f"user:{editor.id}", made["id"]) in {
        (e.action, e.actor, e.target) for e in fresh.project.audit()
    }
    # it counts at once, marked on the chart (and listed under it)
    at_once = _score(fresh, account)
    assert at_once < before
    mark = f"{today}: input gut_check = 0 by user:{editor.name}"
    assert f'class="mark mark-input"><title>{mark}</title>' in shown
    assert f'<li class="mark-input">I {mark}</li>' in shown
    # and a run of the book gives it the same score
    fresh.project.run(as_of=today)
    after = _score(fresh, account)
    assert after == at_once
    data = b.get(f"/accounts/{account}?format=json").json()
    gut = next(m for m in data["explanation"]["measures"] if m["measure"] == "gut_check")
    assert (gut["value"], gut["grade"]) == (0, 0.0)
    assert data["explanation"]["score"] == after


def test_account_timeline_is_the_stored_history(book: Book) -> None:
    b = book.browser("viewer")
    p = book.project
    account = p.scores(limit=1)[0].account_id
    timeline = b.get(f"/accounts/{account}?format=json").json()["timeline"]
    version = p.load_model().version
    stored = p.history(account, score="health", model_version=version).items
    assert timeline == _json([r.model_dump(include={"as_of", "score", "band"}) for r in stored])
    # scored 30 days before the end, then each of the last 8 days
    assert [t["as_of"] for t in timeline][:2] == ["2025-05-31", "2025-06-23"]
    assert len(timeline) == 9
    html = b.get(f"/accounts/{account}").text
    # the gap between the two runs breaks the line; the lone first score is a dot
    assert html.count('class="line"></polyline>') == 1
    assert html.count('r="3" class="line"></circle>') == 1
    # every score has its tooltip with its date and band
    assert html.count('class="hit"><title>') == 9
    assert html.count("<td>2025-06-2") >= 7


def test_the_trend_chart_scales_and_breaks_at_gaps() -> None:
    from stethoscope.charts import trend

    d = dt.date(2025, 1, 1)
    rows = [
        {"as_of": d + dt.timedelta(days=n), "score": v, "band": "x"}
        for n, v in ((0, 0.0), (1, 100.0), (2, None), (3, 50.0), (4, 50.0), (10, 25.0))
    ]
    svg = str(trend(rows, low=0, high=100, thresholds=[], markers=[], width=110, height=36))
    # plot: x from 34 to 102 over 10 days, y from 8 (100) to 18 (0)
    assert '<polyline points="34.0,18.0 40.8,8.0" class="line">' in svg
    assert '<polyline points="54.4,13.0 61.2,13.0" class="line">' in svg
    assert '<circle cx="102.0" cy="15.5" r="3" class="line">' in svg
    assert 'aria-label="Score from 2025-01-01 to 2025-01-11, scale 0 to 100"' in svg
    assert str(trend([], low=0, high=100, thresholds=[], markers=[])) == ""


def test_model_versions_are_marked_on_the_trend() -> None:
    from stethoscope.charts import trend

    d = dt.date(2025, 1, 1)
    new = [{"as_of": d + dt.timedelta(days=5), "score": 40.0, "band": "red"}]
    old = [{"as_of": d, "score": 60.0, "band": "green"}]
    markers = [
        {"as_of": d, "label": "a 1234"},
        {"as_of": d + dt.timedelta(days=5), "label": "b 5678"},
    ]
    svg = str(trend(new, low=0, high=100, thresholds=[("red", 50)], markers=markers, older=[old]))
    assert svg.count('class="marker">') == 2
    assert "model version b 5678 from 2025-01-06" in svg
    assert 'class="older">' in svg
    assert "<title>red below 50</title>" in svg
