"""Administration over HTTP, for the admin role: API keys, the audit log, erasure."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, model_validator

from stethoscope.service.auth import require
from stethoscope.service.deps import Admin, ProjectDep


class KeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64, examples=["segment-prod"])
    role: Literal["admin", "editor", "viewer", "ingest"]


class UserRequest(BaseModel):
    name: str = Field(min_length=1, max_length=128, examples=["amara.diallo@example.com"])
    role: Literal["admin", "editor", "viewer"]
    password: str = Field(min_length=1, max_length=1024)


class ForgetRequest(BaseModel):
    """Exactly one of the two."""

    account_id: str | None = Field(None, min_length=1)
    contact_id: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one(self) -> ForgetRequest:
        if (self.account_id is None) == (self.contact_id is None):
            raise ValueError("give account_id or contact_id, not both")
        return self


router = APIRouter(prefix="/api", tags=["admin"], dependencies=[Depends(require("admin"))])


@router.post("/keys", status_code=201)
def create_key(project: ProjectDep, req: KeyRequest, who: Admin) -> dict[str, Any]:
    """Create an API key. The answer holds its secret: the only time it is shown."""
    new = project.create_key(req.name, req.role, actor=who.actor)
    return asdict(new.key) | {"secret": new.secret}


@router.get("/keys")
def list_keys(project: ProjectDep, revoked: bool = False) -> dict[str, Any]:
    """API keys (never their secrets); revoked ones too with ?revoked=true."""
    return {"keys": [asdict(k) for k in project.keys(revoked=revoked)]}


@router.delete("/keys/{key_id}")
def revoke_key(project: ProjectDep, key_id: str, who: Admin) -> dict[str, Any]:
    """Revoke a key: requests with it are refused from now on."""
    return asdict(project.revoke_key(key_id, actor=who.actor))


@router.get("/audit")
def audit(
    project: ProjectDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
    action: str | None = None,
) -> dict[str, Any]:
    """The latest audit log entries, newest first; only ``action``'s when given."""
    return {"entries": [asdict(e) for e in project.audit(limit, action=action)]}


@router.post("/admin/forget")
def forget(project: ProjectDep, req: ForgetRequest, who: Admin) -> dict[str, Any]:
    """Erase an account's or a contact's personal data from the store (GDPR, CCPA):
    see docs/concepts/privacy.md. Answers the rows deleted and updated per table."""
    e = project.forget(account_id=req.account_id, contact_id=req.contact_id, actor=who.actor)
    return asdict(e)


@router.post("/users", status_code=201)
def create_user(project: ProjectDep, req: UserRequest, who: Admin) -> dict[str, Any]:
    """Create a dashboard user (what `stethoscope users create` does through a running
    server). The store keeps the password's Argon2id hash only."""
    return asdict(project.create_user(req.name, req.role, req.password, actor=who.actor))


@router.get("/users")
def list_users(project: ProjectDep) -> dict[str, Any]:
    """The dashboard's users, never their password hashes."""
    return {"users": [asdict(u) for u in project.users()]}
