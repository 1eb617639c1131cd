"""HTTP details a client relies on: the credential is checked before the body is read, a
405 says which methods the path takes, and the ingest operations declare in OpenAPI what
they take and how they refuse."""

from __future__ import annotations

from typing import Any

import pytest

from stethoscope.project import Project
from tests.service.conftest import TOKEN, Api, bearer

MALFORMED = b'{"rows": ['  # not JSON: FastAPI reads it before any dependency runs
JSON = {"content-type": "application/json"}


def _with_bodies(api: Api) -> list[tuple[str, str]]:
    """(method, path) of every /api operation that takes a JSON body."""
    schema = api.get("/api/openapi.json").json()
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if path.startswith("/api/") and "application/json" in content:
                out.append((method.upper(), path.replace("{", "").replace("}", "")))
    return out


def test_a_malformed_body_without_a_credential_is_401(api: Api, project: Project) -> None:
    operations = _with_bodies(api)
    assert ("POST", "/api/keys") in operations
    assert len(operations) >= 8
    viewer = project.create_key("v", "viewer").secret
    for method, path in operations:
        r = api.request(method, path, content=MALFORMED, headers=JSON)
        assert r.status_code == 401, (method, path, r.json())
        assert r.json()["type"] == "AuthError"
        assert r.headers["www-authenticate"] == "Bearer"
        r = api.request(method, path, content=MALFORMED, headers=JSON | bearer("not-a-key"))
        assert r.status_code == 401, (method, path)
        # a key whose role may not: 403, still before the body
        r = api.request(method, path, content=MALFORMED, headers=JSON | bearer(viewer))
        assert r.status_code == 403, (method, path, r.json())
    # with a credential that may, the body's problem is said
    r = api.request("POST", "/api/keys", content=MALFORMED, headers=JSON | bearer(TOKEN))
    assert r.status_code == 400
    assert r.json()["errors"][0]["loc"][0] == "body"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/runs", "GET, POST"),
        ("DELETE", "/api/runs", "GET, POST"),
        ("GET", "/v1/track", "POST"),
        ("POST", "/api/keys/k1", "DELETE"),
        ("PATCH", "/api/tables/accounts/rows", "POST, PUT"),
        ("DELETE", "/healthz", "GET"),
    ],
)
def test_a_405_says_the_methods_the_path_takes(
    api: Api, method: str, path: str, allow: str
) -> None:
    r = api.request(method, path)
    assert r.status_code == 405
    assert r.headers["allow"] == allow
    assert r.json()["status"] == 405


def test_the_ingest_operations_declare_body_credentials_and_refusals(api: Api) -> None:
    schema: dict[str, Any] = api.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBasic"] == {
        "type": "http",
        "scheme": "basic",
        "description": schemes["HTTPBasic"]["description"],
    }
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    for kind in ("track", "identify", "group", "batch"):
        op = schema["paths"][f"/v1/{kind}"]["post"]
        body = op["requestBody"]
        assert body["required"] is True
        assert body["content"]["application/json"]["schema"]["type"] == "object"
        assert op["security"] == [{"HTTPBasic": []}, {"HTTPBearer": []}]
        for status in ("400", "401", "403", "413", "415"):
            content = op["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}, status
    batch = schema["paths"]["/v1/batch"]["post"]["requestBody"]["content"]["application/json"]
    assert batch["schema"]["required"] == ["batch"]
    track = schema["paths"]["/v1/track"]["post"]["requestBody"]["content"]["application/json"]
    assert track["schema"]["required"] == ["event"]
