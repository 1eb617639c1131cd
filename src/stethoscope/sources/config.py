"""``[sources.NAME]`` in stethoscope.toml: what a source is, as written, checked in its words.

A source names a *kind* (a SaaS API, a database or files), how to reach it, and per
contract table where the rows come from and how columns map (``map``: contract column ->
source column, the ``--map`` of ``stethoscope import``). Secrets are never written in the
project file: each is a reference, ``env:VARIABLE`` or ``file:path``, read when the source
is used (``resolve_secrets``), and neither the value nor the file's text is ever logged.

    [sources.crm]
    kind = "hubspot"
    base_url = "https://api.hubapi.com"
    secrets = { token = "env:HUBSPOT_TOKEN" }
    schedule = "0 * * * *"              # optional; default: before each scoring run

    [sources.crm.tables.accounts]
    stream = "companies"
    map = { segment = "industry_tier" }

    [sources.warehouse]
    kind = "database"
    url = "mysql://reader@db.internal:3306/product"
    secrets = { password = "file:/run/secrets/db" }

    [sources.warehouse.tables.events]
    table = "analytics.events"
    map = { account_id = "company_id", event = "name", timestamp = "sent_at" }
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stethoscope.contract.schema import TABLES
from stethoscope.errors import ConfigError

SAAS_KINDS: tuple[str, ...] = ("hubspot", "salesforce", "zendesk", "stripe", "intercom")
# the kinds that can take scores back (their connector is a ScoreWriter)
WRITE_BACK_KINDS: tuple[str, ...] = ("hubspot", "salesforce")
# a CRM field or property name: letters, digits, underscores (Salesforce's __c included)
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
IN_PLACE_KINDS: tuple[str, ...] = ("database", "files")
KINDS: tuple[str, ...] = (*SAAS_KINDS, *IN_PLACE_KINDS)
Kind = Literal["hubspot", "salesforce", "zendesk", "stripe", "intercom", "database", "files"]
# the tables the engine can read in place: the activity a model counts over windows. The
# accounts and their contracts stay in the store, where versions, pages and the ingest
# need them (docs/concepts/sources.md)
IN_PLACE_TABLES: tuple[str, ...] = ("events", "tickets", "surveys", "touchpoints")
FILE_FORMATS: tuple[str, ...] = ("parquet", "csv", "delta", "iceberg")
DATABASE_SCHEMES: tuple[str, ...] = ("postgresql", "postgres", "mysql", "mariadb")
SECRET_SCHEMES: tuple[str, ...] = ("env:", "file:")


class TableSpec(BaseModel):
    """``[sources.NAME.tables.TABLE]``: where one contract table's rows come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stream: str | None = Field(
        None,
        description="SaaS kinds: the connector's stream feeding the table (default: the "
        "stream whose default table it is).",
    )
    table: str | None = Field(
        None,
        description="database: the table or view to read, optionally schema.table; a name, "
        "never a query.",
    )
    path: str | None = Field(
        None,
        description="files: a file, a folder of files or a glob, relative to the project "
        "(Delta and Iceberg: the table's folder, or an Iceberg metadata file).",
    )
    format: Literal["parquet", "csv", "delta", "iceberg"] | None = Field(
        None, description="files: parquet, csv, delta or iceberg (default: from the path)."
    )
    map: dict[str, str] = Field(
        default_factory=dict,
        description="contract column -> source column, as `stethoscope import --map`; "
        "columns named as the contract names them need no entry.",
    )


class WriteBackSpec(BaseModel):
    """``[sources.NAME.write_back]``: after each run, changed scores written to the CRM."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score: str = Field("health", description="The model's score written back (default: health).")
    score_field: str | None = Field(
        None,
        description="The CRM field holding the score (default: HubSpot health_score, "
        "Salesforce Health_Score__c).",
    )
    band_field: str | None = Field(
        None,
        description="The CRM field holding the band (default: health_band, Health_Band__c).",
    )
    reason_field: str | None = Field(
        None,
        description="The CRM field holding the top reason in words (default: health_reason, "
        "Health_Reason__c).",
    )

    @field_validator("score_field", "band_field", "reason_field")
    @classmethod
    def _check_field(cls, value: str | None) -> str | None:
        if value is not None and not _FIELD.match(value):
            raise ValueError(
                f"expected a field name of letters, digits and underscores, got {value!r}"
            )
        return value

    def options(self, kind: str) -> dict[str, str]:
        """The connector options that name these fields (``hubspot``: *_property,
        ``salesforce``: *_field)."""
        suffix = "property" if kind == "hubspot" else "field"
        given = {"score": self.score_field, "band": self.band_field, "reason": self.reason_field}
        return {f"{k}_{suffix}": v for k, v in given.items() if v is not None}


class SourceSpec(BaseModel):
    """``[sources.NAME]``: a source as written in the project file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = Field(
        description="hubspot, salesforce, zendesk, stripe or intercom (synced into the "
        "store), or database or files (read in place)."
    )
    base_url: str | None = Field(
        None, description="SaaS kinds: the API's address (default: the vendor's own)."
    )
    url: str | None = Field(
        None,
        description="database: postgresql://user@host:port/db or mysql://user@host:port/db, "
        "without a password (give it in secrets.password).",
    )
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description="name -> env:VARIABLE or file:path; the connector's token or the "
        "database's password. Never the secret itself.",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="SaaS kinds: the connector's own options (docs/reference/sources.md).",
    )
    schedule: str | None = Field(
        None,
        description="When `stethoscope serve` syncs the source: a cron expression; default: "
        "before each scheduled scoring run.",
    )
    tables: dict[str, TableSpec] = Field(
        default_factory=dict,
        description="Per contract table, where its rows come from: [sources.NAME.tables.TABLE].",
    )
    write_back: WriteBackSpec | None = Field(
        None,
        description="hubspot, salesforce: after each run, write changed scores, bands and "
        "reasons to the CRM: [sources.NAME.write_back].",
    )

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, value: str | None) -> str | None:
        from stethoscope.cron import check_cron

        if value is None:
            return None
        return check_cron(value) or None

    @field_validator("secrets")
    @classmethod
    def _check_secrets(cls, value: dict[str, str]) -> dict[str, str]:
        for name, ref in value.items():
            if not ref.startswith(SECRET_SCHEMES) or not ref.partition(":")[2].strip():
                # the value is not repeated: it may be the secret itself
                raise ValueError(
                    f"secret '{name}' must be a reference, env:VARIABLE or file:path: a "
                    "secret written in the project file is refused (move it to the "
                    "environment or a file and name that here)"
                )
        return value

    @model_validator(mode="after")
    def _check_kind(self) -> SourceSpec:
        problems: list[str] = []
        for label, url in (("base_url", self.base_url), ("url", self.url)):
            if url and urlsplit(url).password:
                problems.append(
                    f"{label} holds a password: give it in secrets.password as "
                    "env:VARIABLE or file:path instead"
                )
        saas = self.kind in SAAS_KINDS
        if not saas and self.base_url:
            problems.append(f"base_url is for the SaaS kinds, not {self.kind}")
        if self.kind == "database":
            scheme = urlsplit(self.url or "").scheme.partition("+")[0]
            if not self.url:
                problems.append("a database source needs url (e.g. mysql://user@host:3306/db)")
            elif scheme not in DATABASE_SCHEMES:
                problems.append(
                    f"url: expected postgresql://... or mysql://..., got scheme {scheme!r}"
                )
        elif self.url:
            problems.append(f"url is for database sources, not {self.kind}")
        if self.write_back is not None and self.kind not in WRITE_BACK_KINDS:
            problems.append(
                f"write_back: a {self.kind} source cannot take scores back (only "
                f"{' and '.join(WRITE_BACK_KINDS)})"
            )
        if not saas and not self.tables:
            problems.append(f"a {self.kind} source needs [tables.TABLE] for what it holds")
        for name, t in self.tables.items():
            problems += [f"tables.{name}: {p}" for p in _table_problems(self.kind, name, t)]
        if problems:
            raise ValueError("\n".join(problems))
        return self


def did_you_mean(name: str, options: list[str]) -> str:
    """' (did you mean 'x'?)' for a close option, else ''."""
    import difflib

    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _table_problems(kind: str, name: str, t: TableSpec) -> list[str]:
    if name not in TABLES:
        return [f"'{name}' is not a contract table{did_you_mean(name, list(TABLES))}"]
    out: list[str] = []
    table = TABLES[name]
    for column in t.map:
        if column not in table.names:
            out.append(
                f"map: '{column}' is not a column of {name}"
                f"{did_you_mean(column, list(table.names))}"
            )
    wants = {"database": "table", "files": "path"}.get(kind, "stream")
    given = {"stream": t.stream, "table": t.table, "path": t.path}
    for key, value in given.items():
        if key != wants and value is not None:
            out.append(f"{key} is not a key of a {kind} source's table (it reads {wants})")
    if wants != "stream" and not given[wants]:
        out.append(f"a {kind} source's table needs {wants}")
    if t.format is not None and kind != "files":
        out.append("format is for files sources")
    if kind in IN_PLACE_KINDS and name not in IN_PLACE_TABLES:
        out.append(
            f"{name} cannot be read in place (tables read in place: "
            f"{', '.join(IN_PLACE_TABLES)}); import or sync it into the store"
        )
    return out


def resolve_secrets(name: str, spec: SourceSpec, project_dir: Path) -> dict[str, str]:
    """The values of the source's secrets, read now from the environment and files; a
    ConfigError names the reference that cannot be read (never a value)."""
    out: dict[str, str] = {}
    problems: list[str] = []
    for key, ref in spec.secrets.items():
        scheme, _, target = ref.partition(":")
        where = f"sources.{name}.secrets.{key}"
        if scheme == "env":
            value = os.environ.get(target.strip())
            if value is None:
                problems.append(f"{where}: the environment variable {target.strip()} is not set")
                continue
            out[key] = value
        else:
            path = Path(target.strip()).expanduser()
            path = path if path.is_absolute() else project_dir / path
            try:
                out[key] = path.read_text().strip()
            except OSError as e:
                problems.append(f"{where}: cannot read {path} ({e.strerror})")
    if problems:
        from stethoscope.errors import Problem

        raise ConfigError(
            f"the secrets of source '{name}' cannot be read",
            [Problem("stethoscope.toml", p) for p in problems],
            hint="set the variable in the server's environment, or fix the file's path",
        )
    return out


def redacted(values: Mapping[str, str], text: str) -> str:
    """``text`` with every secret value in ``values`` replaced by ***: an error from a
    driver or an API may quote what it was given."""
    for value in values.values():
        if len(value) >= 4:
            text = text.replace(value, "***")
    return text
