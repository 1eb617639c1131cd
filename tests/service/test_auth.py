"""Credentials and roles on the real app: each role may do exactly what it should."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI

import stethoscope.facade.access as access_module
from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.auth import Principal, require_ingest
from stethoscope.store import keys
from tests.conftest import ACCOUNTS_CSV
from tests.service.conftest import TOKEN, Api, bearer

# who may call what, written out here (not derived from service.auth) so that a change to
# the grants shows up as a failing test
VIEWERS = {"admin", "editor", "viewer", "local"}
EDITORS = {"admin", "editor", "local"}
ADMINS = {"admin", "local"}
PRINCIPALS = ("admin", "editor", "viewer", "ingest", "local")

Request = Callable[[Project], tuple[str, str, dict[str, Any]]]


def _fixed(method: str, url: str, **kwargs: Any) -> Request:
    return lambda _: (method, url, kwargs)


def _create_key(_: Project) -> tuple[str, str, dict[str, Any]]:
    return "POST", "/api/keys", {"json": {"name": f"k-{uuid.uuid4().hex[:8]}", "role": "viewer"}}


def _revoke_key(project: Project) -> tuple[str, str, dict[str, Any]]:
    victim = project.create_key(f"victim-{uuid.uuid4().hex[:8]}", "viewer")
    return "DELETE", f"/api/keys/{victim.key.id}", {}


def _new_user() -> tuple[str, str, dict[str, Any]]:
    body = {"name": f"u-{uuid.uuid4().hex[:8]}", "role": "viewer", "password": "long enough"}
    return "POST", "/api/users", {"json": body}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # as routed
    allowed: set[str]
    request: Request
    # False: the request is not meant to succeed (a made-up id), only to get past the role
    # check; the check comes before the request's own validation
    succeeds: bool = True


MATRIX: list[Case] = [
    Case("GET", "/api/status", VIEWERS, _fixed("GET", "/api/status")),
    Case("GET", "/api/runs", VIEWERS, _fixed("GET", "/api/runs")),
    Case("GET", "/api/sources", VIEWERS, _fixed("GET", "/api/sources")),
    Case("GET", "/api/runs/{run_id}", VIEWERS, _fixed("GET", "/api/runs/nope"), succeeds=False),
    # the test project has no model: the run fails, after the role check
    Case("POST", "/api/runs", EDITORS, _fixed("POST", "/api/runs", json={}), succeeds=False),
    Case(
        "POST",
        "/api/tables/{table}/import",
        EDITORS,
        _fixed(
            "POST",
            "/api/tables/accounts/import",
            params={"filename": "accounts.csv", "mode": "upsert"},
            content=ACCOUNTS_CSV.encode(),
        ),
    ),
    Case(
        "POST",
        "/api/demo",
        ADMINS,
        _fixed("POST", "/api/demo", json={"accounts": 3, "months": 1, "force": True}),
    ),
    Case("POST", "/api/keys", ADMINS, _create_key),
    Case("GET", "/api/keys", ADMINS, _fixed("GET", "/api/keys")),
    Case("DELETE", "/api/keys/{key_id}", ADMINS, _revoke_key),
    Case("GET", "/api/audit", ADMINS, _fixed("GET", "/api/audit")),
    Case("POST", "/api/users", ADMINS, lambda _: _new_user()),
    Case("GET", "/api/users", ADMINS, _fixed("GET", "/api/users")),
    Case(
        "POST",
        "/api/admin/forget",
        ADMINS,
        _fixed("POST", "/api/admin/forget", json={"account_id": "nobody"}),
    ),
    # reads of scores, accounts and models
    *(
        Case("GET", path, VIEWERS, _fixed("GET", url), succeeds=False)
        for path, url in [
            ("/api/accounts", "/api/accounts"),
            ("/api/accounts/{account_id}", "/api/accounts/nope"),
            ("/api/accounts/{account_id}/history", "/api/accounts/nope/history"),
            ("/api/accounts/{account_id}/explain", "/api/accounts/nope/explain"),
            ("/api/scores", "/api/scores"),
            ("/api/models", "/api/models"),
            ("/api/models/active", "/api/models/active"),
            ("/api/models/diff", "/api/models/diff"),
            ("/api/models/warnings", "/api/models/warnings"),
            ("/api/inputs", "/api/inputs"),
        ]
    ),
    # CSM inputs, touchpoints and rows of source data
    *(
        Case(method, path, EDITORS, _fixed(method, url, json={}), succeeds=False)
        for method, path, url in [
            ("POST", "/api/accounts/{account_id}/inputs", "/api/accounts/nope/inputs"),
            (
                "POST",
                "/api/accounts/{account_id}/touchpoints",
                "/api/accounts/nope/touchpoints",
            ),
            ("POST", "/api/inputs/{input_id}/revoke", "/api/inputs/nope/revoke"),
            ("POST", "/api/tables/{table}/rows", "/api/tables/accounts/rows"),
            ("PUT", "/api/tables/{table}/rows", "/api/tables/accounts/rows"),
        ]
    ),
    # alerts, tasks and the export
    *(
        Case("GET", path, VIEWERS, _fixed("GET", url), succeeds=ok)
        for path, url, ok in [
            ("/api/alerts", "/api/alerts", True),
            ("/api/alerts/report", "/api/alerts/report", True),
            ("/api/alerts/preview", "/api/alerts/preview", False),
            ("/api/alerts/outcomes", "/api/alerts/outcomes", True),
            ("/api/alerts/rules", "/api/alerts/rules", False),
            ("/api/tasks", "/api/tasks", True),
            ("/api/tasks/{task_id}", "/api/tasks/1", False),
            ("/api/export", "/api/export", False),
        ]
    ),
    Case("GET", "/api/alerts/deliveries", ADMINS, _fixed("GET", "/api/alerts/deliveries")),
    Case(
        "POST",
        "/api/alerts/deliveries/send",
        EDITORS,
        _fixed("POST", "/api/alerts/deliveries/send"),
    ),
    Case(
        "POST",
        "/api/alerts/evaluate",
        EDITORS,
        _fixed("POST", "/api/alerts/evaluate", json={}),
        succeeds=False,
    ),
    Case(
        "POST",
        "/api/tasks/bulk",
        EDITORS,
        _fixed("POST", "/api/tasks/bulk", json={"ids": [1], "action": "done"}),
        succeeds=False,
    ),
    Case(
        "POST",
        "/api/tasks/changes/{change_id}/undo",
        EDITORS,
        _fixed("POST", "/api/tasks/changes/1/undo"),
        succeeds=False,
    ),
    Case(
        "POST",
        "/api/tasks/{task_id}",
        EDITORS,
        _fixed("POST", "/api/tasks/1", json={"status": "done"}),
        succeeds=False,
    ),
]


@pytest.fixture
def secrets(project: Project) -> dict[str, str]:
    """A live key per role, and the local token."""
    out = {"local": TOKEN}
    for role in ("admin", "editor", "viewer", "ingest"):
        out[role] = project.create_key(f"{role}-key", role).secret
    return out


def test_the_matrix_covers_every_endpoint(app: FastAPI) -> None:
    routed = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }
    assert routed == {(c.method, c.path) for c in MATRIX}, "declare a new endpoint's role here"


IDS = [f"{c.method} {c.path}" for c in MATRIX]


ALLOWED = [(c, p) for c in MATRIX for p in PRINCIPALS if p in c.allowed]
FORBIDDEN = [(c, p) for c in MATRIX for p in PRINCIPALS if p not in c.allowed]


@pytest.fixture(scope="module")
def guarded(
    tmp_path_factory: pytest.TempPathFactory, empty_store: Path
) -> Iterator[tuple[Api, Project, dict[str, str]]]:
    """One app for the requests that change nothing: those refused before any route runs
    (401 and 403) and the reads (GET) a role may make. They share a project (a fresh one
    each costs more than the request)."""
    folder = tmp_path_factory.mktemp("guarded")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    shutil.copyfile(empty_store, folder / "stethoscope.duckdb")
    with Project.open(folder) as project:
        secrets = {"local": TOKEN}
        for role in ("admin", "editor", "viewer", "ingest"):
            secrets[role] = project.create_key(f"{role}-key", role).secret
        yield Api(create_app(project, TOKEN)), project, secrets


@pytest.mark.parametrize(
    ("case", "principal"), ALLOWED, ids=[f"{c.method} {c.path}-{p}" for c, p in ALLOWED]
)
def test_role_matrix_allowed(request: pytest.FixtureRequest, principal: str, case: Case) -> None:
    # a read runs on the shared project; a write on a fresh one of its own
    if case.method == "GET":
        api, project, secrets = request.getfixturevalue("guarded")
    else:
        api, project = request.getfixturevalue("api"), request.getfixturevalue("project")
        secrets = request.getfixturevalue("secrets")
    verb, url, kwargs = case.request(project)
    r = api.request(verb, url, headers=bearer(secrets[principal]), **kwargs)
    body = r.json()
    if case.succeeds:
        assert r.is_success, (r.status_code, body)
    else:
        assert r.status_code not in (401, 403), body


@pytest.mark.parametrize(
    ("case", "principal"), FORBIDDEN, ids=[f"{c.method} {c.path}-{p}" for c, p in FORBIDDEN]
)
def test_role_matrix_forbidden(
    guarded: tuple[Api, Project, dict[str, str]], principal: str, case: Case
) -> None:
    api, project, secrets = guarded
    verb, url, kwargs = case.request(project)
    r = api.request(verb, url, headers=bearer(secrets[principal]), **kwargs)
    body = r.json()
    assert r.status_code == 403, body
    assert body["type"] == "ForbiddenError"
    assert body["error"] == (
        f"the key '{principal}-key' has the role {principal}, which may not do this"
    )


@pytest.mark.parametrize("case", MATRIX, ids=IDS)
def test_every_endpoint_wants_a_valid_credential(
    guarded: tuple[Api, Project, dict[str, str]], case: Case
) -> None:
    api, project, _ = guarded
    verb, url, kwargs = case.request(project)
    r = api.request(verb, url, **kwargs)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json()["error"] == "a credential is required"
    for wrong in ("nope", "sk_" + "x" * 43, TOKEN + "x"):
        r = api.request(verb, url, headers=bearer(wrong), **kwargs)
        assert r.status_code == 401
        assert r.json()["error"] == "the credential is not valid"


def test_error_envelopes_of_401_and_403(api: Api, secrets: dict[str, str]) -> None:
    r = api.get("/api/status")
    assert r.json() == {
        "ok": False,
        "status": 401,
        "type": "AuthError",
        "error": "a credential is required",
        "errors": [],
        "hint": "send Authorization: Bearer <key>",
        "more": 0,
    }
    r = api.get("/api/audit", headers=bearer(secrets["editor"]))
    assert r.json() == {
        "ok": False,
        "status": 403,
        "type": "ForbiddenError",
        "error": "the key 'editor-key' has the role editor, which may not do this",
        "errors": [],
        "hint": "this needs the role admin; an admin can create such a key with "
        "`stethoscope keys create`",
        "more": 0,
    }
    assert "WWW-Authenticate" not in r.headers


def test_healthz_needs_no_credential(api: Api) -> None:
    assert api.get("/healthz").json() == {"ok": True}


def test_the_home_page_is_the_dashboard_and_the_api_docs_stay(api: Api) -> None:
    # the dashboard at / asks whoever is not signed in to sign in (tests/web test the rest)
    home = api.get("/")
    assert (home.status_code, home.headers["location"]) == (303, "/signin?next=%2F")
    assert api.get("/?format=json").status_code == 401
    docs = api.get("/api/docs")
    assert docs.status_code == 200
    assert "/api/openapi.json" in docs.text


def _basic(user: str, password: str = "") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_http_basic_is_refused_under_api(api: Api, secrets: dict[str, str]) -> None:
    r = api.get("/api/status", headers=_basic(secrets["admin"]))
    assert r.status_code == 401
    assert r.json()["error"] == (
        "HTTP Basic credentials are taken only by the ingest endpoints (/v1)"
    )


@pytest.fixture
def ingest_api(app: FastAPI) -> Api:
    """The app with an endpoint guarded as the /v1 ingest endpoints are."""

    def probe(who: Annotated[Principal, Depends(require_ingest)]) -> dict[str, str]:
        return {"name": who.name, "role": who.role, "actor": who.actor}

    app.add_api_route("/v1/probe", probe, methods=["POST"])
    return Api(app)


def test_ingest_takes_a_write_key_as_basic_user_or_bearer(
    ingest_api: Api, secrets: dict[str, str]
) -> None:
    ingest = secrets["ingest"]
    for headers in (_basic(ingest), bearer(ingest)):
        r = ingest_api.post("/v1/probe", headers=headers)
        assert r.status_code == 200, r.json()
        assert r.json() == {"name": "ingest-key", "role": "ingest", "actor": "key:ingest-key"}
    # admin may do everything; the local token is admin
    assert ingest_api.post("/v1/probe", headers=_basic(secrets["admin"])).status_code == 200
    r = ingest_api.post("/v1/probe", headers=bearer(TOKEN))
    assert r.json() == {"name": "local", "role": "admin", "actor": "local"}
    for role in ("editor", "viewer"):
        r = ingest_api.post("/v1/probe", headers=_basic(secrets[role]))
        assert r.status_code == 403, role
        assert r.json()["hint"].startswith("this needs the role admin or ingest")
    refused = {
        "nothing": {},
        "empty user": _basic("", ingest),
        "malformed": {"Authorization": "Basic !!!"},
        "unknown key": _basic("sk_unknown"),
    }
    for why, headers in refused.items():
        r = ingest_api.post("/v1/probe", headers=headers)
        assert r.status_code == 401, why


def test_revoked_key_is_refused(api: Api, secrets: dict[str, str], project: Project) -> None:
    new = api.post(
        "/api/keys", json={"name": "dashboard", "role": "viewer"}, headers=bearer(TOKEN)
    ).json()
    assert api.get("/api/status", headers=bearer(new["secret"])).status_code == 200
    r = api.delete(f"/api/keys/{new['id']}", headers=bearer(secrets["admin"]))
    assert r.status_code == 200
    assert r.json()["revoked_by"] == "key:admin-key"
    r = api.get("/api/status", headers=bearer(new["secret"]))
    assert r.status_code == 401
    assert r.json()["error"] == "the credential is not valid"
    # revoking twice says so; an unknown id too
    r = api.delete(f"/api/keys/{new['id']}", headers=bearer(TOKEN))
    assert r.status_code == 400
    assert "was already revoked" in r.json()["error"]
    assert api.delete("/api/keys/nope", headers=bearer(TOKEN)).json()["error"] == (
        "no key with id 'nope'"
    )
    # the listing leaves revoked keys out unless asked
    names = {k["name"] for k in api.get("/api/keys", headers=bearer(TOKEN)).json()["keys"]}
    assert "dashboard" not in names
    r = api.get("/api/keys", params={"revoked": "true"}, headers=bearer(TOKEN))
    assert "dashboard" in {k["name"] for k in r.json()["keys"]}


def test_secret_is_stored_only_as_a_hash(api: Api, project: Project) -> None:
    r = api.post("/api/keys", json={"name": "segment", "role": "ingest"}, headers=bearer(TOKEN))
    assert r.status_code == 201
    body = r.json()
    secret = body["secret"]
    assert secret.startswith("sk_")
    assert len(secret) == 46  # 32 random bytes, URL-safe base64
    assert body["prefix"] == secret[:7]
    con = project.store.con
    # no text column of any table holds the secret, or its random part
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND data_type IN ('VARCHAR', 'JSON')"
    ).fetchall()
    assert ("api_keys", "secret_sha256") in columns
    for table, column in columns:
        hits = con.execute(
            f'SELECT count(*) FROM "{table}" WHERE contains(CAST("{column}" AS VARCHAR), ?)',
            [secret[7:]],
        ).fetchone()
        assert hits == (0,), (table, column)
    stored = con.execute("SELECT secret_sha256 FROM api_keys WHERE id = ?", [body["id"]]).fetchone()
    assert stored == (hashlib.sha256(secret.encode()).hexdigest(),)
    # and the API never gives the secret or its hash again
    listed = api.get("/api/keys", headers=bearer(TOKEN)).json()["keys"]
    assert secret not in str(listed)
    assert stored[0] not in str(listed)


def test_last_used_at_is_noted_at_most_once_a_minute(
    api: Api, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = project.create_key("reader", "viewer")

    def last_used() -> Any:
        row = project.store.con.execute(
            "SELECT last_used_at FROM api_keys WHERE id = ?", [new.key.id]
        ).fetchone()
        assert row is not None
        return row[0]

    assert last_used() is None
    assert api.get("/api/status", headers=bearer(new.secret)).status_code == 200
    first = last_used()
    assert first is not None
    assert abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - first) < dt.timedelta(seconds=5)

    # the wall clock (which keys are noted by), moved on
    def at(when: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: when)

    # within the minute the next requests do not write; a minute on, one notes it again
    # (a write in between, so that the key is looked up again rather than known: the
    # server knows a key until its use is due by its own clock, which this test cannot move)
    at(first + dt.timedelta(seconds=30))
    api.get("/api/status", headers=bearer(new.secret))
    project.create_key("another", "viewer")
    api.get("/api/status", headers=bearer(new.secret))
    assert last_used() == first
    at(first + dt.timedelta(seconds=61))
    project.create_key("yet-another", "viewer")
    api.get("/api/status", headers=bearer(new.secret))
    api.get("/api/status", headers=bearer(new.secret))
    assert last_used() == first + dt.timedelta(seconds=61)


def test_when_a_keys_use_is_due_one_request_notes_it_while_the_others_go_on(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = project.create_key("reader", "viewer")
    digest = keys.digest(new.secret)
    noted = project.authenticate(new.secret)
    assert noted is not None
    assert noted.last_used_at is not None
    assert project.known_key(digest) == noted

    # a minute on, by both clocks: the server's (monotonic) and the wall clock keys are noted by
    later = time.monotonic() + 61
    monkeypatch.setattr(access_module, "time", SimpleNamespace(monotonic=lambda: later))
    at = dt.datetime.fromisoformat(noted.last_used_at) + dt.timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: at)
    # one request is told to look the key up (and note its use); the others meanwhile
    # are answered as before, without reading the store or waiting for its writer
    assert project.known_key(digest) is None
    assert [project.known_key(digest) for _ in range(3)] == [noted] * 3
    again = project.authenticate(new.secret)
    assert again is not None
    assert again.last_used_at == str(at)
    assert project.known_key(digest) == again


def test_keys_and_erasures_are_audited_with_their_actor(api: Api, secrets: dict[str, str]) -> None:
    admin = bearer(secrets["admin"])
    made = api.post("/api/keys", json={"name": "crm", "role": "editor"}, headers=admin).json()
    api.delete(f"/api/keys/{made['id']}", headers=bearer(TOKEN))
    api.post("/api/admin/forget", json={"contact_id": "c-404"}, headers=admin)
    entries = api.get("/api/audit", params={"limit": 3}, headers=admin).json()["entries"]
    assert [(e["actor"], e["action"], e["target"]) for e in entries] == [
        ("key:admin-key", "privacy.forget", entries[0]["target"]),
        ("local", "key.revoke", made["id"]),
        ("key:admin-key", "key.create", made["id"]),
    ]
    assert entries[0]["target"].startswith("contact:")
    assert "c-404" not in str(entries[0])
    assert entries[2]["detail"] == {"name": "crm", "role": "editor"}
    only = api.get("/api/audit", params={"action": "key.revoke"}, headers=admin).json()
    assert [e["action"] for e in only["entries"]] == ["key.revoke"]


def test_key_requests_are_checked(api: Api, project: Project) -> None:
    r = api.post("/api/keys", json={"name": "x", "role": "owner"}, headers=bearer(TOKEN))
    assert r.status_code == 400
    assert r.json()["errors"][0]["loc"] == ["body", "role"]
    r = api.post("/api/keys", json={"name": "no spaces", "role": "viewer"}, headers=bearer(TOKEN))
    assert r.status_code == 400
    assert r.json()["error"] == "unusable key name 'no spaces'"
    r = api.post("/api/admin/forget", json={}, headers=bearer(TOKEN))
    assert r.status_code == 400
    assert "give account_id or contact_id, not both" in r.json()["errors"][0]["msg"]
    # a name is unique among live keys; once revoked it may be used again
    first = project.create_key("etl", "editor")
    with pytest.raises(DataError, match=r"^a live key is already named 'etl'"):
        project.create_key("etl", "editor")
    project.revoke_key(first.key.id)
    assert project.create_key("etl", "editor").key.name == "etl"


def test_every_ingest_endpoint_takes_ingest_keys_and_admins_only(
    app: FastAPI, api: Api, secrets: dict[str, str]
) -> None:
    routes = [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1/")
        for method in operations
    ]
    assert routes
    for method, path in routes:
        assert api.request(method, path, json={}).status_code == 401, path
        for principal in PRINCIPALS:
            r = api.request(method, path, headers=_basic(secrets[principal]), json={})
            if principal in ("ingest", "admin", "local"):
                assert r.status_code not in (401, 403), (path, principal, r.json())
            else:
                assert r.status_code == 403, (path, principal)
