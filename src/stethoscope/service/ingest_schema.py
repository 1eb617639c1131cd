"""What the ingest operations (``service.ingest``) declare in the OpenAPI document: the
call each takes as its JSON body, with the fields of Segment's calls that Stethoscope
reads (any other field is taken and left out, as Segment's API does), and the ways to send
the key."""

from __future__ import annotations

from typing import Any

SUCCESS = {"type": "object", "properties": {"success": {"type": "boolean", "const": True}}}
_IDS = {
    "userId": {"type": "string", "description": "The user (userId or anonymousId is needed)."},
    "anonymousId": {"type": "string"},
    "messageId": {"type": "string", "description": "Stored once, however often it is sent."},
    "timestamp": {"type": "string", "format": "date-time"},
    "context": {"type": "object"},
}
_FIELDS: dict[str, dict[str, Any]] = {
    "track": {
        "event": {"type": "string", "description": "The event's name."},
        "properties": {"type": "object"},
    },
    "identify": {"traits": {"type": "object", "description": "account_id names the account."}},
    "group": {"groupId": {"type": "string", "description": "The account."}, "traits": {}},
}
_REQUIRED = {"track": ["event"], "identify": [], "group": ["groupId"]}


def call_schema(kind: str) -> dict[str, Any]:
    """One call of ``kind`` (track, identify, group)."""
    return {"type": "object", "properties": _IDS | _FIELDS[kind], "required": _REQUIRED[kind]}


def batch_schema(kinds: list[str]) -> dict[str, Any]:
    """A batch of calls of any of ``kinds``."""
    return {
        "type": "object",
        "properties": {
            "batch": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"type": {"enum": kinds}},
                    "required": ["type"],
                },
            },
            "sentAt": {"type": "string", "format": "date-time"},
            "context": {"type": "object"},
        },
        "required": ["batch"],
    }


def body(kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The request body an ingest operation declares (JSON, or gzip of it), and its
    credentials: the write key as the HTTP Basic user name (Segment's libraries), or
    Bearer."""
    return {
        "requestBody": {
            "required": True,
            "description": f"A {kind} call as Segment's HTTP Tracking API sends it "
            "(Content-Encoding: gzip is taken)",
            "content": {"application/json": {"schema": schema}},
        },
        "security": [{"HTTPBasic": []}, {"HTTPBearer": []}],
    }
