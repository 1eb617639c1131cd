"""Runtime settings: the project file ``stethoscope.toml``, overridden by env vars.

A project is a folder. Its settings live in ``stethoscope.toml`` at its top (optional); relative
paths in it are relative to that folder. Environment variables win over the file, so a
deployment can point the same project at another database with ``STETHOSCOPE_DATABASE_URL``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from stethoscope.cron import check_cron
from stethoscope.errors import ConfigError, Problem
from stethoscope.sources.config import SourceSpec

__all__ = ["PROJECT_FILE", "Settings", "check_cron", "find_project", "load_settings"]

PROJECT_FILE = "stethoscope.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STETHOSCOPE_", extra="forbid")

    project_dir: Path = Field(default_factory=Path.cwd, exclude=True)
    database_url: str = Field(
        "stethoscope.duckdb",
        description="Where everything is stored: a DuckDB file path (relative to the project) "
        "or duckdb:///absolute/path.duckdb; postgresql://... in production.",
    )
    model: str = Field(
        "model.yaml",
        description="The health model file, relative to the project.",
    )
    lock_timeout: float = Field(
        300.0,
        description="Seconds a command waits for another process that holds the embedded "
        "database before giving up.",
    )
    memory_limit: str = Field(
        "4GB",
        description="Most memory the embedded database may use before it spills to disk "
        "(DuckDB's memory_limit, e.g. 4GB or 500MB).",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
    )
    threads: int = Field(
        0,
        ge=0,
        description="Threads the embedded database's queries may use (DuckDB's threads); "
        "0: one per core. Fewer leave cores to other work on a shared machine.",
    )
    compute: Literal["store", "spark"] = Field(
        "store",
        description="Where a run's scoring is computed: store (the database itself) or spark "
        "(a Spark session through Ibis; results are still written to the store). "
        "docs/concepts/scale.md.",
    )
    spark_master: str = Field(
        "local[2]",
        description="The Spark to compute on when compute = spark: local[N] (a session in "
        "this process on N cores), spark://host:port (a standalone cluster) or sc://host:port "
        "(Spark Connect, Databricks included).",
        pattern=r"^(local(\[(\d+|\*)\])?|spark://\S+|sc://\S+|yarn|k8s://\S+)$",
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description="Spark settings for the session compute = spark opens "
        '(e.g. spark.executor.memory = "8g"); the session\'s time zone is always UTC.',
    )
    spark_tables: dict[str, str] = Field(
        default_factory=dict,
        description="Contract tables read in place by Spark: table = a catalog table "
        "(lake.events) or a path with its format (parquet:/data/events, delta:s3://b/events). "
        "A table not listed travels from the store each run.",
    )
    spark_detail_path: str = Field(
        "",
        description="Where a backfill on Spark writes each date's detail (compute = spark): "
        "parquet:PATH (a local, HDFS or object-store folder), partitioned by run id and as-of "
        "date; the store keeps the history, the current scores and the last date's detail, "
        "and the run is published only when every date is written. Empty: all detail in "
        "the store. docs/concepts/scale.md.",
        pattern=r"^(parquet:\S+)?$",
    )
    spark_batch_rows: int = Field(
        250_000,
        ge=1_000,
        description="Most rows of a date's scores that come back from Spark at once "
        "(compute = spark): bounds the memory of this process.",
    )
    host: str = Field("127.0.0.1", description="Address `stethoscope serve` listens on.")
    port: int = Field(8765, description="Port `stethoscope serve` listens on.")
    log_format: Literal["text", "json"] = Field(
        "text",
        description="How `stethoscope serve` writes its log on stderr: text lines, or JSON "
        "lines (one object a line, with the request id of the request being answered).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info",
        description="The least severity `stethoscope serve` logs; debug adds a line per "
        "request (method, path, status, time).",
    )
    read_model: bool = Field(
        True,
        description="Whether `stethoscope serve` answers GET /api/accounts/{id} from a copy "
        "of each account and its current scores kept in memory and renewed after every "
        "write (embedded store only; about 1 KB an account).",
    )
    schedule: str = Field(
        "0 2 * * *",
        # the default is not checked on every open (importing croniter costs a run's start
        # 15 ms); tests/service/test_schedule.py checks that it fires
        validate_default=False,
        description="When `stethoscope serve` scores the book: a cron expression (minute hour "
        "day month weekday) in schedule_timezone; empty turns scheduled runs off.",
    )
    schedule_timezone: str = Field(
        "UTC",
        description="Time zone of the schedule and of the day a scheduled run scores "
        "(an IANA name like Europe/Berlin).",
    )
    schedule_retries: int = Field(
        3, ge=0, description="How many times a failed scheduled run is tried again."
    )
    schedule_retry_delay: float = Field(
        300.0, ge=0, description="Seconds between a failed scheduled run and its next try."
    )
    alert_rules: str = Field(
        "",
        description="A file of alert rules, relative to the project; empty: the `alerts:` "
        "key of the model file (docs/concepts/alerts.md).",
    )
    alert_channels: dict[str, str] = Field(
        default_factory=dict,
        description="Named chat and webhook channels for alert rules: name = apprise URL "
        "(slack://..., workflows://... for Teams, json://host/path); `email` is always there.",
    )
    alert_digest_hour: int = Field(
        8, ge=0, le=23, description="Hour of the day (UTC) when digest alerts are sent."
    )
    alert_drain_interval: float = Field(
        60.0, gt=0, description="Seconds between the server's sends of waiting deliveries."
    )
    alert_retry_delay: float = Field(
        60.0,
        gt=0,
        description="Seconds before a failed delivery is tried again; doubled "
        "after each failure, up to alert_retry_max.",
    )
    alert_retry_max: float = Field(
        3600.0, gt=0, description="Most seconds between two tries of a failed delivery."
    )
    public_url: str = Field(
        "",
        description="The dashboard's address as people reach it, for links in alerts "
        "(default: http://host:port).",
    )
    smtp_host: str = Field("", description="SMTP server for alert emails; empty: no email.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP server port.")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls",
        description="starttls (upgrade a plain connection), tls (SMTP over TLS, port 465) or none.",
    )
    smtp_username: str = Field("", description="SMTP user name; empty: no authentication.")
    smtp_password: str = Field("", description="SMTP password (best set in the environment).")
    smtp_from: str = Field("stethoscope@localhost", description="The From address of alert emails.")
    smtp_timeout: float = Field(30.0, gt=0, description="Seconds an SMTP exchange may take.")
    sync_webhook_url: str = Field(
        "",
        description="Posted after every run with the scores that changed (JSON, signed); "
        "empty: no outbound sync.",
    )
    sync_webhook_secret: str = Field(
        "",
        description="Key of the sync webhook's Standard Webhooks signature: whsec_<base64>, "
        "or any text (its UTF-8 bytes).",
    )
    sync_webhook_page_size: int = Field(
        500, ge=1, le=100_000, description="Changed scores per sync webhook body, at most."
    )

    sources: dict[str, SourceSpec] = Field(
        default_factory=dict,
        description="Where contract tables come from besides imports: [sources.NAME] "
        "sections, one per source (docs/reference/sources.md).",
    )

    @field_validator("sources")
    @classmethod
    def _check_source_names(cls, value: dict[str, SourceSpec]) -> dict[str, SourceSpec]:
        import re

        for name in value:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,62}", name):
                raise ValueError(
                    f"source name {name!r}: expected a letter, then letters, digits, _ or -"
                )
        return value

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, value: str) -> str:
        return check_cron(value)

    @field_validator("schedule_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(
                f"unknown time zone {value!r}: expected an IANA name like 'UTC' or 'Europe/Berlin'"
            ) from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # environment over the project file (which arrives as init kwargs)
        return (env_settings, init_settings)

    @property
    def database_path(self) -> Path | None:
        """The embedded database file, or None when the URL names a server database."""
        url = self.database_url
        if url.startswith(("postgresql://", "postgres://", "postgresql+")):
            return None
        if url.startswith("duckdb://"):
            url = url.removeprefix("duckdb://")
        path = Path(url).expanduser()
        return path if path.is_absolute() else self.project_dir / path


def find_project(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding stethoscope.toml, else ``start``."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return start


def load_settings(project_dir: Path | None = None) -> Settings:
    """Settings of the project at ``project_dir`` (or found from the working directory)."""
    if project_dir is None:
        env_dir = os.environ.get("STETHOSCOPE_PROJECT")
        project_dir = Path(env_dir) if env_dir else find_project()
    project_dir = project_dir.resolve()
    file = project_dir / PROJECT_FILE
    values: dict[str, Any] = {}
    if file.is_file():
        try:
            values = tomllib.loads(file.read_text())
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"cannot read {file}: {e}") from None
    try:
        return Settings(project_dir=project_dir, **values)
    except ValidationError as e:
        where = f"{file.name}" if file.is_file() else "environment"
        problems = []
        for err in e.errors():
            loc = ".".join(map(str, err["loc"]))
            message = str(err["msg"]).removeprefix("Value error, ")
            # a source's checks report every problem at once, one per line
            parts = message.split("\n") if loc.startswith("sources.") else [message]
            problems += [Problem(where, f"{loc}: {part}") for part in parts]
        keys = ", ".join(k for k in Settings.model_fields if k != "project_dir")
        hint = f"see docs/reference/settings.md; keys are: {keys}"
        if any(p.message.startswith("sources") for p in problems):
            hint = "see docs/reference/sources.md for the keys of [sources.NAME]"
        raise ConfigError(
            f"invalid settings for project {project_dir}", problems, hint=hint
        ) from None
