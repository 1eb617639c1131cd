"""The REST API on a real scored book: the demo book under the successscore preset (two
scores, groups, a gut-check input), scored 30 days before its end and on each of its last
8 days, driven through the real app with real API keys."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from httpx import Response

from stethoscope import readouts
from stethoscope.service import api_scores, api_upserts
from tests.service.conftest import END, START, Book, bearer

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork for its test client; httpx still works, and is
    # what the project depends on
    warnings.filterwarnings("ignore", r"Using `httpx` with `starlette\.testclient`")

GROUPS = {"product_usage", "sentiment", "advocacy", "engagement", "relationship", "roi"}
LIST_KEYS = {"items", "total", "limit", "offset", "next_offset"}
ENVELOPE_KEYS = {"ok", "status", "type", "error", "errors", "hint", "more"}


@pytest.fixture(scope="module")
def book(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    """For tests that only read."""
    b = Book(built, tmp_path_factory.mktemp("read") / "book")
    yield b
    b.close()


@pytest.fixture
def fresh(built: Path, tmp_path: Path) -> Iterator[Book]:
    """For tests that write."""
    b = Book(built, tmp_path / "book")
    yield b
    b.close()


def _error(r: Response, status: int, loc: list[Any]) -> dict[str, Any]:
    """The envelope of an error response, checked to name ``loc``."""
    body = r.json()
    assert r.status_code == status, body
    assert set(body) == ENVELOPE_KEYS
    assert (body["ok"], body["status"]) == (False, status)
    assert loc in [e["loc"] for e in body["errors"]], body["errors"]
    return body


def _pages(book: Book, url: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every item of a listing, page by page, following next_offset."""
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        body = book.ok(url, limit=limit, offset=offset, **params)
        assert set(body) >= LIST_KEYS
        assert (body["limit"], body["offset"]) == (limit, offset)
        assert len(body["items"]) <= limit
        items += body["items"]
        offset = body["next_offset"]
    assert len(items) == body["total"]
    return items


def _json(obj: Any) -> Any:
    """What `--format json` of the CLI prints for a facade result."""
    return json.loads(json.dumps(obj.model_dump(), default=str))


# -- accounts ----------------------------------------------------------------------------


def test_accounts_are_paginated_with_a_total(book: Book) -> None:
    first = book.ok("/api/accounts", limit=7)
    assert set(first) == LIST_KEYS
    assert first["total"] == book.project.status().counts["accounts"] == 40
    assert first["next_offset"] == 7
    items = _pages(book, "/api/accounts", 7)
    ids = [a["id"] for a in items]
    assert len(set(ids)) == 40
    # by name, then id
    assert [(a["name"], a["id"]) for a in items] == sorted((a["name"], a["id"]) for a in items)
    beyond = book.ok("/api/accounts", offset=40)
    assert (beyond["items"], beyond["total"], beyond["next_offset"]) == ([], 40, None)
    one = items[0]
    assert set(one) == {
        "id",
        "name",
        "owner",
        "segment",
        "industry",
        "plan",
        "arr",
        "seats",
        "customer_since",
        "renewal_date",
        "parent_id",
        "attributes",
    }
    assert isinstance(one["attributes"], dict | None)


def test_accounts_filter_search_and_sort(book: Book) -> None:
    every = book.ok("/api/accounts", limit=1000)["items"]
    segment, owner = every[0]["segment"], every[-1]["owner"]
    for field, value in (("segment", segment), ("owner", owner)):
        got = book.ok("/api/accounts", limit=1000, **{field: value})
        expected = [a for a in every if a[field] == value]
        assert 0 < got["total"] == len(expected) < 40
        assert got["items"] == expected
    target = every[5]
    word = target["name"].split()[0][1:].upper()  # inside the name, in another case
    found = book.ok("/api/accounts", search=word, limit=1000)
    assert target in found["items"]
    assert found["total"] == sum(
        word.lower() in a["name"].lower() or word.lower() in a["id"].lower() for a in every
    )
    by_id = book.ok("/api/accounts", search=target["id"].upper())
    assert [a["id"] for a in by_id["items"]] == [target["id"]]

    arr = [
        a["arr"] for a in book.ok("/api/accounts", sort="arr", order="desc", limit=1000)["items"]
    ]
    known = [x for x in arr if x is not None]
    assert known == sorted(known, reverse=True)
    assert arr == known + [None] * (len(arr) - len(known))  # missing values last
    renewals = book.ok("/api/accounts", sort="renewal_date", limit=1000)["items"]
    days = [a["renewal_date"] for a in renewals if a["renewal_date"]]
    assert days == sorted(days)

    body = _error(book.get("/api/accounts", sort="colour"), 400, ["query", "sort"])
    assert body["type"] == "RequestError"
    _error(book.get("/api/accounts", limit=0), 400, ["query", "limit"])
    _error(book.get("/api/accounts", limit=1001), 400, ["query", "limit"])
    _error(book.get("/api/accounts", order="up"), 400, ["query", "order"])


def test_account_with_its_current_scores(book: Book) -> None:
    row = book.ok("/api/scores", sort="arr", order="desc", limit=1)["items"][0]
    got = book.ok(f"/api/accounts/{row['account_id']}")
    assert got["id"] == row["account_id"]
    assert got["model_version"] == book.project.load_model().version
    scores = {s["score_name"]: s for s in got["scores"]}
    assert set(scores) == {"health", "expansion"}
    health = scores["health"]
    assert health["as_of"] == END.isoformat()
    assert (health["score"], health["band"], health["change_7d"]) == (
        row["score"],
        row["band"],
        row["change_7d"],
    )
    body = _error(book.get("/api/accounts/nobody"), 404, ["path", "account_id"])
    assert body == {
        "ok": False,
        "status": 404,
        "type": "NotFoundError",
        "error": "no account 'nobody'",
        "errors": [{"loc": ["path", "account_id"], "msg": "no account 'nobody'"}],
        "hint": None,
        "more": 0,
    }


# -- scores ------------------------------------------------------------------------------


def test_the_sorts_are_those_of_the_readouts() -> None:
    assert get_args(api_scores.ScoreSort) == readouts.SORTS
    assert get_args(api_scores.AccountSort) == readouts.ACCOUNT_SORTS


def test_scores_are_what_the_cli_lists(book: Book) -> None:
    body = book.ok("/api/scores", limit=1000)
    assert set(body) == LIST_KEYS | {"score_name", "as_of", "model_version"}
    assert (body["score_name"], body["as_of"]) == ("health", END.isoformat())
    scored = book.project.scores(as_of=END)  # what `stethoscope scores` shows
    assert body["total"] == len(scored) == 40
    for got, cli in zip(body["items"], scored, strict=True):
        assert {k: v for k, v in got.items() if k != "groups"} == json.loads(
            cli.model_dump_json(exclude={"groups"})
        )
        assert set(got["groups"]) == GROUPS
    # group scores as explain has them
    e = book.ok(f"/api/accounts/{body['items'][0]['account_id']}/explain")
    assert body["items"][0]["groups"] == {g["group"]: g["score"] for g in e["groups"]}
    assert any(x["change_7d"] for x in body["items"])
    assert any(x["change_30d"] for x in body["items"])
    assert all(x["change_90d"] is None for x in body["items"])  # 30 days of history

    # sorted, ascending by default, as the CLI sorts
    assert [x["score"] for x in body["items"]] == sorted(x["score"] for x in body["items"])
    desc = book.ok("/api/scores", sort="change_7d", order="desc", limit=1000)["items"]
    moves = [x["change_7d"] for x in desc if x["change_7d"] is not None]
    assert moves == sorted(moves, reverse=True)
    assert _pages(book, "/api/scores", 6) == body["items"]


def test_scores_filters(book: Book) -> None:
    every = book.ok("/api/scores", limit=1000)["items"]
    for field, value in (
        ("band", "red"),
        ("segment", every[0]["segment"]),
        ("owner", every[-1]["owner"]),
    ):
        got = book.ok("/api/scores", limit=1000, **{field: value})
        expected = [x for x in every if x[field] == value]
        assert 0 < got["total"] == len(expected) < 40, field
        assert got["items"] == expected
    page = book.ok("/api/scores", band="green", limit=3, offset=2)
    assert page["items"] == [x for x in every if x["band"] == "green"][2:5]

    week_ago = book.ok("/api/scores", as_of=(END - dt.timedelta(days=7)).isoformat(), limit=1000)
    assert week_ago["as_of"] == (END - dt.timedelta(days=7)).isoformat()
    then = {x["account_id"]: x["score"] for x in week_ago["items"]}
    for x in every:
        if x["change_7d"] is not None:
            assert round(x["score"] - then[x["account_id"]], 1) == x["change_7d"]
    expansion = book.ok("/api/scores", score="expansion", limit=1000)
    assert expansion["score_name"] == "expansion"
    assert {x["scorecard"] for x in expansion["items"]} == {"expansion"}
    assert all(set(x["groups"]) == {"advocacy", "roi"} for x in expansion["items"])
    later = book.ok("/api/scores", as_of=(END + dt.timedelta(days=1)).isoformat())
    assert (later["items"], later["total"], later["next_offset"]) == ([], 0, None)

    body = _error(book.get("/api/scores", score="nope"), 400, ["query", "score"])
    assert body["error"] == "the model has no score 'nope'"
    assert body["hint"] == "scores are: health, expansion"
    _error(book.get("/api/scores", sort="colour"), 400, ["query", "sort"])
    _error(book.get("/api/scores", as_of="yesterday"), 400, ["query", "as_of"])


def test_history_by_date_score_and_version(book: Book) -> None:
    account = book.ok("/api/scores", limit=1)["items"][0]
    url = f"/api/accounts/{account['account_id']}/history"
    week = book.ok(url, **{"from": (END - dt.timedelta(days=6)).isoformat(), "to": END.isoformat()})
    assert week["total"] == 14  # 7 days, 2 scores
    health = book.ok(url, score="health", **{"from": (END - dt.timedelta(days=6)).isoformat()})
    assert [h["as_of"] for h in health["items"]] == [
        (END - dt.timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    version = book.project.load_model().version
    assert {(h["score_name"], h["model_version"]) for h in health["items"]} == {("health", version)}
    assert health["items"][-1]["score"] == account["score"]
    every = _pages(book, url, 5)
    assert len(every) == 18  # 9 days, 2 scores
    assert every[0]["as_of"] == START.isoformat()
    assert book.ok(url, model_version="0" * 64)["total"] == 0
    _error(
        book.get(url, **{"from": END.isoformat(), "to": START.isoformat()}), 400, ["query", "to"]
    )
    _error(book.get("/api/accounts/nobody/history"), 404, ["path", "account_id"])


def test_explain_adds_up_exactly_and_is_the_cli_json(book: Book) -> None:
    decimals = book.project.load_model().scale.decimals
    for row in book.ok("/api/scores", limit=12)["items"]:
        e = book.ok(f"/api/accounts/{row['account_id']}/explain")
        assert e["score"] == row["score"]
        total = sum(m["contribution"] for m in e["measures"]) + e["floor"]
        assert round(total, decimals) == e["score"], row["account_id"]
        assert e == _json(book.project.explain(row["account_id"]))
        assert set(e["trends"]["score"]) == {"7", "30", "90"}
        assert e["trends"]["score"]["7"] == row["change_7d"]
    account = row["account_id"]
    expansion = book.ok(f"/api/accounts/{account}/explain", score="expansion")
    assert expansion["scorecard"] == "expansion"
    assert expansion == _json(book.project.explain(account, score="expansion"))


def test_explain_vs_attributes_the_change_exactly(book: Book) -> None:
    movers = [
        x for x in book.ok("/api/scores", limit=1000)["items"] if x["change_30d"] not in (None, 0)
    ]
    assert len(movers) > 5
    for x in movers[:8]:
        c = book.ok(f"/api/accounts/{x['account_id']}/explain", vs=START.isoformat())
        assert (c["date_from"], c["date_to"]) == (START.isoformat(), END.isoformat())
        assert c["change"] == x["change_30d"]
        assert round(sum(ln["change"] for ln in c["lines"]), 1) == c["change"]
        assert round(c["score_to"] - c["score_from"], 1) == c["change"]
        assert c == _json(book.project.explain_change(x["account_id"], vs=START))
    mid = END - dt.timedelta(days=10)
    c = book.ok(
        f"/api/accounts/{x['account_id']}/explain",
        vs=START.isoformat(),
        as_of=mid.isoformat(),
    )
    assert c["date_to"] == mid.isoformat()
    assert round(sum(ln["change"] for ln in c["lines"]), 1) == c["change"]


def test_explain_errors_name_the_field(book: Book) -> None:
    account = book.ok("/api/scores", limit=1)["items"][0]["account_id"]
    url = f"/api/accounts/{account}/explain"
    body = _error(book.get(url, vs="2001-01-01"), 400, ["path", "account_id"])
    assert body["type"] == "DataError"
    assert body["error"] == f"account '{account}' is not a scored customer on 2001-01-01"
    _error(book.get(url, score="nope"), 400, ["query", "score"])
    _error(book.get(url, vs="last week"), 400, ["query", "vs"])
    _error(book.get("/api/accounts/nobody/explain"), 404, ["path", "account_id"])


# -- models ------------------------------------------------------------------------------


def test_models_active_and_listed(book: Book) -> None:
    m = book.project.load_model()
    active = book.ok("/api/models/active")
    assert active == {
        "version": m.version,
        "name": "successscore",
        "description": m.description,
        "scores": ["health", "expansion"],
        "text": (book.folder / "model.yaml").read_text(),
        "scored_to": END.isoformat(),
    }
    listed = book.ok("/api/models")
    assert listed["total"] == 1
    (v,) = listed["items"]
    assert (v["version"], v["name"], v["active"]) == (m.version, "successscore", True)
    assert (v["scored_from"], v["scored_to"]) == (START.isoformat(), END.isoformat())


def test_model_diff_between_stored_versions(fresh: Book) -> None:
    old = fresh.project.load_model()
    text = old.source.replace("product_usage: 25", "product_usage: 5").replace(
        "sentiment: 20", "sentiment: 40"
    )
    assert text != old.source
    (fresh.folder / "model.yaml").write_text(text)
    new = fresh.project.load_model()
    # the new model has not scored: only the old one is stored, and it is not active
    listed = fresh.ok("/api/models")["items"]
    assert [(v["version"], v["active"]) for v in listed] == [(old.version, False)]
    assert fresh.ok("/api/models/active")["scored_to"] is None

    d = fresh.ok("/api/models/diff", old=old.version[:12])
    assert (d["version_old"], d["version_new"], d["as_of"]) == (
        old.version,
        new.version,
        END.isoformat(),
    )
    assert d["accounts"] == 40
    assert sum(n for row in d["transitions"].values() for n in row.values()) == 40
    moved = {(bo, bn): n for bo, row in d["transitions"].items() for bn, n in row.items()}
    assert d["changed_band"] == sum(n for (bo, bn), n in moved.items() if bo != bn) > 0
    for band, n in d["into_band"].items():
        gained = sum(k for (bo, bn), k in moved.items() if bn == band and bo != band)
        lost = sum(k for (bo, bn), k in moved.items() if bo == band and bn != band)
        assert n == gained - lost
    changes = [abs(m["change"]) for m in d["movers"]]
    assert len(changes) == 10
    assert changes == sorted(changes, reverse=True)
    assert all(round(m["score_new"] - m["score_old"], 6) == m["change"] for m in d["movers"])
    # both named: the same version twice changes nothing
    same = fresh.ok("/api/models/diff", old=old.version, new=old.version[:8], top=3)
    assert (same["version_old"], same["version_new"]) == (old.version, old.version)
    assert len(same["movers"]) == 3
    assert (same["changed_band"], {m["change"] for m in same["movers"]}) == (0, {0})

    body = _error(fresh.get("/api/models/diff", old="abcdef"), 400, ["query", "old"])
    assert body["error"] == "no stored model version starts with 'abcdef'"
    _error(fresh.get("/api/models/diff", old="abc"), 400, ["query", "old"])
    body = _error(
        fresh.get("/api/models/diff", old=old.version, new=new.version), 400, ["query", "new"]
    )
    assert body["error"] == f"no stored model version starts with '{new.version}'"
    _error(fresh.get("/api/models/diff", old=old.version, score="nope"), 400, ["query", "score"])
    _error(fresh.get("/api/models/diff"), 400, ["query", "old"])


# -- CSM inputs --------------------------------------------------------------------------


def run(book: Book, body: dict[str, Any] | None) -> dict[str, Any]:
    r = book.send("POST", "/api/runs", json=body)
    assert r.status_code == 201, r.json()
    done: dict[str, Any] = r.json()
    stored = book.ok(f"/api/runs/{done['run_id']}")
    assert (stored["status"], stored["trigger"]) == ("ok", "api")
    return done


def _score(book: Book, account: str) -> float:
    got = book.ok(f"/api/accounts/{account}")
    return next(s["score"] for s in got["scores"] if s["score_name"] == "health")


def test_an_input_rescores_its_account_at_once(fresh: Book) -> None:
    # an input counts from the day it is entered: score the book as of today
    today = dt.datetime.now(dt.UTC).date()
    assert run(fresh, None)["as_of_to"] == today.isoformat()  # no body: today
    account = fresh.ok("/api/scores", limit=1)["items"][0]["account_id"]
    before = _score(fresh, account)
    r = fresh.send(
        "POST",
        f"/api/accounts/{account}/inputs",
        json={"name": "gut_check", "value": 0, "reason": "  exec sponsor left  "},
    )
    assert r.status_code == 201, r.json()
    made = r.json()
    assert (made["account_id"], made["name"], made["value"], made["status"]) == (
        account,
        "gut_check",
        0.0,
        "live",
    )
    assert (made["author"], made["reason"]) == ("key:editor-key", "exec sponsor left")
    assert made["expires_at"] is not None  # the model's default: 90 days
    # the account was scored again at once, on the book's latest date (today)
    rescored = made.pop("rescored")
    assert (rescored["as_of"], rescored["not_now"], rescored["before"]["health"]) == (
        today.isoformat(),
        None,
        before,
    )
    listed = fresh.ok("/api/inputs", account=account)
    assert (listed["total"], listed["items"]) == (1, [made])
    assert fresh.ok("/api/inputs", account="someone-else")["total"] == 0
    lowered = _score(fresh, account)
    assert lowered == rescored["scores"]["health"] < before
    # the next run of the book gives it the same score
    run(fresh, {"as_of": today.isoformat()})
    assert _score(fresh, account) == lowered
    gut = next(
        m
        for m in fresh.ok(f"/api/accounts/{account}/explain")["measures"]
        if m["measure"] == "gut_check"
    )
    assert (gut["value"], gut["grade"]) == (0, 0.0)

    r = fresh.send("POST", f"/api/inputs/{made['id']}/revoke", json={"reason": "wrong account"})
    assert r.status_code == 200, r.json()
    revoked = r.json()
    assert (revoked["status"], revoked["revoked_by"], revoked["revoke_reason"]) == (
        "revoked",
        "key:editor-key",
        "wrong account",
    )
    assert fresh.ok("/api/inputs")["total"] == 0
    assert fresh.ok("/api/inputs", include_revoked="true")["items"] == [revoked]
    run(fresh, {"as_of": today.isoformat()})
    assert _score(fresh, account) == before
    actions = {(e.action, e.actor, e.target) for e in fresh.project.audit()}
    assert ("input.add", "key:editor-key", made["id"]) in actions
    assert ("input.revoke", "key:editor-key", made["id"]) in actions

    again = fresh.send("POST", f"/api/inputs/{made['id']}/revoke", json={"reason": "twice"})
    assert _error(again, 409, ["path", "input_id"])["type"] == "ConflictError"
    _error(
        fresh.send("POST", "/api/inputs/nope/revoke", json={"reason": "x"}),
        404,
        ["path", "input_id"],
    )
    _error(
        fresh.send("POST", f"/api/inputs/{made['id']}/revoke", json={"reason": " "}),
        400,
        ["body", "reason"],
    )


def test_expired_inputs_are_listed_on_request(fresh: Book) -> None:
    account = fresh.ok("/api/accounts", limit=1)["items"][0]["id"]
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    r = fresh.send(
        "POST",
        f"/api/accounts/{account}/inputs",
        json={"name": "reference_customer", "value": True, "reason": "spoke at our event"},
    )
    assert r.status_code == 201, r.json()
    assert (r.json()["value"], r.json()["status"]) == (1.0, "live")
    r = fresh.send(
        "POST",
        f"/api/accounts/{account}/inputs",
        json={"name": "gut_check", "value": "7.5", "reason": "fine", "expires": str(tomorrow)},
    )
    assert r.status_code == 201, r.json()
    gut = r.json()
    assert gut["expires_at"] == f"{tomorrow}T00:00:00Z"
    # a day later it has expired
    fresh.project.store.con.execute(
        "UPDATE csm_inputs SET expires_at = expires_at - INTERVAL 2 DAY WHERE id = ?", [gut["id"]]
    )
    live = fresh.ok("/api/inputs")
    assert [x["name"] for x in live["items"]] == ["reference_customer"]
    every = fresh.ok("/api/inputs", include_expired="true")
    # entered in the same second: newest first cannot tell them apart
    assert sorted((x["name"], x["status"]) for x in every["items"]) == [
        ("gut_check", "expired"),
        ("reference_customer", "live"),
    ]
    assert fresh.ok("/api/inputs", include_expired="true", limit=1, offset=1)["items"] == [
        every["items"][1]
    ]


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({"name": "gut_check", "value": 12, "reason": "x"}, ["body", "value"], "must be from"),
        ({"name": "gut_check", "value": "high", "reason": "x"}, ["body", "value"], "a number"),
        ({"name": "reference_customer", "value": "maybe", "reason": "x"}, ["body", "value"], ""),
        ({"name": "gut_chek", "value": 3, "reason": "x"}, ["body", "name"], "declares no input"),
        ({"name": "gut_check", "value": 3, "reason": "  "}, ["body", "reason"], "reason"),
        ({"name": "gut_check", "value": 3}, ["body", "reason"], "Field required"),
        (
            {"name": "gut_check", "value": 3, "reason": "x", "expires": "2020-01-01"},
            ["body", "expires"],
            "not in the future",
        ),
    ],
)
def test_input_errors_name_the_field(
    fresh: Book, body: dict[str, Any], loc: list[str], message: str
) -> None:
    account = fresh.ok("/api/accounts", limit=1)["items"][0]["id"]
    r = fresh.send("POST", f"/api/accounts/{account}/inputs", json=body)
    got = _error(r, 400, loc)
    assert message in json.dumps(got)
    assert fresh.ok("/api/inputs")["total"] == 0


def test_input_for_an_unknown_account(fresh: Book) -> None:
    r = fresh.send(
        "POST", "/api/accounts/nobody/inputs", json={"name": "gut_check", "value": 3, "reason": "x"}
    )
    _error(r, 404, ["path", "account_id"])


# -- upserting rows ----------------------------------------------------------------------


def test_upsert_inserts_and_replaces_by_key(fresh: Book) -> None:
    old = fresh.ok("/api/accounts", limit=1)["items"][0]
    changed = {k: v for k, v in old.items() if v is not None and k != "attributes"}
    changed["arr"] = 123456.5
    new = {"id": "api-1", "name": "Api One", "customer_since": "2025-01-02", "tier": "gold"}
    for method in ("PUT", "POST"):
        r = fresh.send(method, "/api/tables/accounts/rows", json={"rows": [changed, new]})
        assert r.status_code == 200, r.json()
        assert r.json() == {
            "table": "accounts",
            "rows": 2,
            "inserted": 1 if method == "PUT" else 0,
            "updated": 1 if method == "PUT" else 2,
            "ignored_fields": [],
        }
    assert fresh.ok(f"/api/accounts/{old['id']}")["arr"] == 123456.5
    got = fresh.ok("/api/accounts/api-1")
    assert (got["name"], got["customer_since"], got["attributes"]) == (
        "Api One",
        "2025-01-02",
        {"tier": "gold"},  # extra fields are kept as attributes, as `import` keeps them
    )
    assert fresh.ok("/api/accounts")["total"] == 41

    ticket = {"id": "t-api", "account_id": "api-1", "opened_at": "2025-06-01T10:00:00Z"}
    r = fresh.send("POST", "/api/tables/tickets/rows", json={"rows": [ticket | {"colour": "red"}]})
    assert r.status_code == 200, r.json()
    assert (r.json()["inserted"], r.json()["ignored_fields"]) == (1, ["colour"])
    # a table with a derived key: the same natural key updates the row
    goal = {"account_id": "api-1", "name": "launch", "set_at": "2025-02-01"}
    for achieved in (None, "2025-05-01"):
        r = fresh.send(
            "PUT", "/api/tables/goals/rows", json={"rows": [goal | {"achieved_at": achieved}]}
        )
        assert r.status_code == 200, r.json()
    assert r.json()["updated"] == 1
    stored = fresh.project.store.con.execute(
        "SELECT achieved_at FROM goals WHERE account_id = 'api-1'"
    ).fetchall()
    assert stored == [(dt.date(2025, 5, 1),)]


def test_upsert_errors_point_at_row_and_field(fresh: Book) -> None:
    rows = [
        {"id": "x1", "name": "X", "customer_since": "yesterday", "arr": -5},
        {"id": "x2", "customer_since": "2024-01-01"},
        {"id": "x3", "name": "Fine", "customer_since": "2024-01-01"},
        {"id": "x1", "name": "Again", "customer_since": "2024-01-01"},
    ]
    r = fresh.send("PUT", "/api/tables/accounts/rows", json={"rows": rows})
    body = _error(r, 400, ["body", "rows", 0, "customer_since"])
    assert body["type"] == "DataError"
    assert body["error"] == "4 problems in 3 rows; nothing was written"
    assert body["errors"] == [
        {"loc": ["body", "rows", 0, "arr"], "msg": "must be at least 0, got '-5'"},
        {
            "loc": ["body", "rows", 0, "customer_since"],
            "msg": "expected a date like 2024-01-31, got 'yesterday'",
        },
        {"loc": ["body", "rows", 1, "name"], "msg": "a value is required"},
        {"loc": ["body", "rows", 3, "id"], "msg": "duplicate id, also at rows[0], got 'x1'"},
    ]
    assert fresh.ok("/api/accounts")["total"] == 40  # nothing written, not even x3

    r = fresh.send(
        "PUT",
        "/api/tables/tickets/rows",
        json={"rows": [{"id": "t1", "account_id": "nope", "opened_at": "2025-01-01"}]},
    )
    body = _error(r, 400, ["body", "rows", 0, "account_id"])
    assert body["errors"][0]["msg"] == "unknown account 'nope'"


@pytest.mark.parametrize(
    ("table", "content", "loc"),
    [
        ("events", {"rows": [{"account_id": "a"}]}, ["path", "table"]),
        ("nonsense", {"rows": [{"id": "a"}]}, ["path", "table"]),
        ("accounts", "not json", ["body"]),
        ("accounts", {"rows": []}, ["body", "rows"]),
        ("accounts", {"rows": [1]}, ["body", "rows", 0]),
        ("accounts", {"row": [{"id": "a"}]}, ["body", "rows"]),
    ],
)
def test_upsert_refuses_what_is_not_rows_of_a_keyed_table(
    fresh: Book, table: str, content: Any, loc: list[Any]
) -> None:
    data = content if isinstance(content, str) else json.dumps(content)
    r = fresh.send("PUT", f"/api/tables/{table}/rows", content=data)
    _error(r, 400, loc)


def test_upsert_body_size_is_limited(fresh: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_upserts, "MAX_BODY_BYTES", 200)
    row = {"id": "big", "name": "x" * 300, "customer_since": "2024-01-01"}
    r = fresh.send("PUT", "/api/tables/accounts/rows", json={"rows": [row]})
    _error(r, 413, ["body"])

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        data = json.dumps({"rows": [row]}).encode()
        yield from (data[i : i + 64] for i in range(0, len(data), 64))

    r = fresh.send("PUT", "/api/tables/accounts/rows", content=chunks())
    assert "content-length" not in r.request.headers
    _error(r, 413, ["body"])
    assert fresh.get("/api/accounts/big").status_code == 404


# -- roles and documentation -------------------------------------------------------------

READS = [
    "/api/accounts",
    "/api/accounts/{account}",
    "/api/accounts/{account}/history",
    "/api/accounts/{account}/explain",
    "/api/scores",
    "/api/models",
    "/api/models/active",
    "/api/inputs",
]
WRITES = [
    ("POST", "/api/runs", {"as_of": "2025-06-30"}),
    ("POST", "/api/accounts/{account}/inputs", {"name": "gut_check", "value": 3, "reason": "x"}),
    ("POST", "/api/inputs/{input}/revoke", {"reason": "x"}),
    ("PUT", "/api/tables/accounts/rows", {"rows": [{"id": "r", "name": "R"}]}),
    ("POST", "/api/tables/accounts/rows", {"rows": [{"id": "r", "name": "R"}]}),
]


def test_roles(fresh: Book) -> None:
    account = fresh.ok("/api/accounts", limit=1)["items"][0]["id"]
    made = fresh.send(
        "POST",
        f"/api/accounts/{account}/inputs",
        json={"name": "gut_check", "value": 3, "reason": "x"},
    ).json()

    def url(u: str) -> str:
        return u.format(account=account, input=made["id"])

    for path in READS:
        for role in ("viewer", "editor", "admin"):
            assert fresh.get(url(path), role=role).status_code == 200, (path, role)
        r = fresh.get(url(path), role="ingest")
        assert r.status_code == 403, path
        assert r.json()["type"] == "ForbiddenError"
        r = fresh.client.get(url(path))
        assert r.status_code == 401, path
        assert r.json()["error"] == "a credential is required"
    for method, path, body in WRITES:
        for role in ("viewer", "ingest"):
            r = fresh.send(method, url(path), role=role, json=body)
            assert r.status_code == 403, (method, path, role)
            assert r.json()["error"] == (
                f"the key '{role}-key' has the role {role}, which may not do this"
            )
        r = fresh.client.request(method, url(path), json=body)
        assert r.status_code == 401, (method, path)
    # nothing was written by the refused requests
    assert fresh.ok("/api/inputs")["total"] == 1
    assert fresh.get("/api/accounts/r").status_code == 404


def test_openapi_documents_the_responses(book: Book) -> None:
    doc = book.client.get("/api/openapi.json").json()

    def response(path: str, method: str = "get") -> Any:
        return doc["paths"][path][method]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]

    assert response("/api/scores") == {"$ref": "#/components/schemas/ScorePage"}
    assert response("/api/accounts/{account_id}") == {"$ref": "#/components/schemas/AccountDetail"}
    explain = response("/api/accounts/{account_id}/explain")
    assert {s["$ref"] for s in explain["anyOf"]} == {
        "#/components/schemas/Explanation",
        "#/components/schemas/Change",
    }
    assert response("/api/models/diff") == {"$ref": "#/components/schemas/ModelDiff"}
    page = doc["components"]["schemas"]["ScorePage"]["properties"]
    assert set(page) >= LIST_KEYS | {"as_of", "score_name"}
    rows = doc["paths"]["/api/tables/{table}/rows"]
    assert set(rows) == {"put", "post"}
    assert (
        rows["put"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["rows"][
            "type"
        ]
        == "array"
    )
    assert response("/api/tables/{table}/rows", "put") == {
        "$ref": "#/components/schemas/UpsertResult"
    }


def test_start_a_run(fresh: Book) -> None:
    done = run(fresh, {"from": "2025-06-01", "to": "2025-06-02"})
    assert (done["as_of_from"], done["as_of_to"], done["dates"]) == ("2025-06-01", "2025-06-02", 2)
    assert sum(done["bands"]["health"].values()) == done["accounts"]
    assert fresh.ok("/api/scores", as_of="2025-06-02")["total"] == done["accounts"]
    weekly = run(fresh, {"from": "2025-05-05", "to": "2025-05-20", "every": "1w"})
    assert (weekly["as_of_from"], weekly["as_of_to"], weekly["dates"], weekly["every"]) == (
        "2025-05-05",
        "2025-05-19",
        3,
        "7d",
    )
    assert fresh.ok("/api/scores", as_of="2025-05-12")["total"] > 0
    assert fresh.ok("/api/scores", as_of="2025-05-13")["total"] == 0
    for body, loc in (
        ({"as_of": "2025-06-01", "from": "2025-05-01"}, ["body"]),
        ({"from": "2025-06-02", "to": "2025-06-01"}, ["body"]),
        ({"asof": "2025-06-01"}, ["body", "asof"]),
        ({"as_of": "June"}, ["body", "as_of"]),
        ({"from": "2025-06-01", "every": "month"}, ["body", "every"]),
        ({"every": "7d"}, ["body"]),
    ):
        _error(fresh.send("POST", "/api/runs", json=body), 400, loc)


def test_every_api_endpoint_is_documented(book: Book) -> None:
    text = (Path(__file__).parents[2] / "docs/reference/api.md").read_text()
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    paths = book.client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        if path.startswith("/api/"):
            for method in operations:
                endpoint = f"`{method.upper()} {path}`"
                assert any(endpoint in h for h in headings), endpoint


@pytest.mark.parametrize("name", ["%00", "a%00.csv", ".hidden.csv", "../", "a%0Ab.csv"])
def test_import_refuses_an_unusable_file_name(fresh: Book, name: str) -> None:
    # schemathesis found a NUL in the name answered with a 500
    r = fresh.send("POST", f"/api/tables/accounts/import?filename={name}", content=b"id,name\n")
    body = r.json()
    assert r.status_code == 400, body
    assert body["error"].startswith("unusable file name")


# -- dates a request sends (docs/reference/api.md#dates) -----------------------------------


@pytest.mark.parametrize(
    ("method", "url", "where", "sent"),
    [
        ("GET", "/api/scores", "query", {"as_of": "0"}),
        ("GET", "/api/scores", "query", {"as_of": "1714521600"}),
        ("GET", "/api/scores", "query", {"as_of": "2025-6-30"}),
        ("GET", "/api/accounts/x/history", "query", {"from": "0"}),
        ("GET", "/api/accounts/x/explain", "query", {"vs": "20250101"}),
        ("GET", "/api/export", "query", {"as_of": "0"}),
        ("POST", "/api/runs", "body", {"as_of": 0}),
        ("POST", "/api/runs", "body", {"from": 1714521600, "to": "2025-06-30"}),
        ("POST", "/api/alerts/evaluate", "body", {"from": 0}),
    ],
)
def test_a_date_is_text_written_yyyy_mm_dd(
    book: Book, method: str, url: str, where: str, sent: dict[str, Any]
) -> None:
    """Not a number of seconds: ?as_of=0 was read as 1970-01-01."""
    kwargs = {"params": sent} if where == "query" else {"json": sent}
    r = book.client.request(method, url, headers=bearer(book.keys["admin"]), **kwargs)
    field = next(k for k, v in sent.items() if not str(v).startswith("2025-06"))
    body = _error(r, 400, [where, field])
    msg = next(e["msg"] for e in body["errors"] if e["loc"] == [where, field])
    assert msg.endswith("expected a date written YYYY-MM-DD, like 2026-05-01")


def test_a_date_outside_the_window_is_refused_and_one_inside_is_taken(book: Book) -> None:
    body = _error(book.get("/api/scores", as_of="0024-01-01"), 400, ["query", "as_of"])
    assert body["errors"][0]["msg"].endswith("expected a date from 1900-01-01 to 2199-12-31")
    assert book.ok("/api/scores", as_of="2025-06-30")["total"] == 40
    r = book.client.get("/accounts/x?as_of=0", headers=bearer(book.keys["viewer"]))
    assert r.status_code == 400
