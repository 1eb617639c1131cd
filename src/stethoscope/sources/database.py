"""A ``database`` source's table, read where it is: Postgres through psycopg, MySQL and
MariaDB through PyMySQL, into Arrow for the run (never into the store).

The query is built as a syntax tree (sqlglot) and printed in the source's dialect: the
table and column names the project file gives are quoted identifiers, never SQL text. The
as-of window is pushed down: rows after the run's last date are not read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow as pa

from stethoscope.errors import SourceError
from stethoscope.sources.config import SourceSpec, redacted

FETCH_ROWS = 50_000


@dataclass(frozen=True)
class Endpoint:
    dialect: str  # postgres or mysql
    host: str
    port: int | None
    user: str | None
    database: str

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        scheme = parts.scheme.partition("+")[0]
        dialect = "mysql" if scheme in ("mysql", "mariadb") else "postgres"
        return cls(
            dialect,
            parts.hostname or "127.0.0.1",
            parts.port,
            unquote(parts.username) if parts.username else None,
            unquote(parts.path.lstrip("/")),
        )


@contextmanager
def connect(spec: SourceSpec, secrets: Mapping[str, str]) -> Iterator[Any]:
    """A DB-API connection to the source, read-only where the driver can say so."""
    assert spec.url is not None
    end = Endpoint.parse(spec.url)
    password = secrets.get("password")
    try:
        if end.dialect == "mysql":
            import pymysql

            con: Any = pymysql.connect(
                conv=_text_times(),
                host=end.host,
                port=end.port or 3306,
                user=end.user or "root",
                password=password or "",
                database=end.database or None,
                charset="utf8mb4",
                connect_timeout=10,
            )
            # the session's times are UTC, as the contract's are
            with con.cursor() as cur:
                cur.execute("SET time_zone = '+00:00'")
        else:
            import psycopg
            from psycopg.types.json import set_json_loads

            con = psycopg.connect(
                host=end.host,
                port=end.port or 5432,
                user=end.user,
                password=password,
                dbname=end.database or None,
                connect_timeout=10,
                options="-c TimeZone=UTC -c default_transaction_read_only=on",
            )
            # JSON arrives as its text, as a file holds it
            set_json_loads(lambda text: text.decode() if isinstance(text, bytes) else text, con)
    except ImportError as e:
        raise SourceError(
            f"no driver for {end.dialect} ({e.name} is not installed)",
            hint="pip install 'stethoscope[sources]'",
        ) from None
    except Exception as e:  # each driver has its own OperationalError
        raise SourceError(
            f"cannot connect to {end.dialect} at {end.host}: {redacted(secrets, str(e))}"
        ) from None
    try:
        yield con
    finally:
        con.close()


def _text_times() -> dict[Any, Any]:
    """PyMySQL's conversions, less those of dates, times and decimals: they arrive as text
    and Arrow parses them (reading 400,000 rows took 2.8 s so, 6.2 s with datetime objects
    made in Python)."""
    from pymysql import converters
    from pymysql.constants import FIELD_TYPE

    conv = dict(converters.conversions)
    for kind in (
        FIELD_TYPE.DATETIME,
        FIELD_TYPE.TIMESTAMP,
        FIELD_TYPE.DATE,
        FIELD_TYPE.DECIMAL,
        FIELD_TYPE.NEWDECIMAL,
    ):
        conv.pop(kind, None)
    return conv


def _table(name: str) -> Any:
    from sqlglot import exp

    parts = name.split(".")
    if len(parts) > 2 or not all(parts):
        raise SourceError(f"table {name!r}: expected a name or schema.name")
    if len(parts) == 2:
        return exp.table_(parts[1], db=parts[0], quoted=True)
    return exp.table_(parts[0], quoted=True)


def _sql(tree: Any, dialect: str) -> str:
    return str(tree.sql(dialect=dialect))


def columns(con: Any, dialect: str, table: str) -> list[str]:
    """The source table's column names (from an empty read: no catalog of either engine)."""
    from sqlglot import exp

    query = exp.select("*").from_(_table(table)).limit(0)
    try:
        with con.cursor() as cur:
            cur.execute(_sql(query, dialect))
            return [str(d[0]) for d in cur.description or ()]
    except Exception as e:
        raise SourceError(f"cannot read table {table!r}: {str(e).strip()}") from None


def read(
    con: Any,
    dialect: str,
    table: str,
    renames: Mapping[str, str],
    *,
    before: tuple[str, dt.date] | None = None,
    limit: int | None = None,
    types: Mapping[str, pa.DataType] | None = None,
) -> pa.Table:
    """The source columns ``renames`` names (source -> contract name), under their
    contract names; with ``before`` = (source column, day), only rows before that day;
    a column that arrives as text is parsed as its entry in ``types`` where it can be."""
    from sqlglot import exp

    query = exp.select(*[exp.column(c, quoted=True) for c in renames]).from_(_table(table))
    if before is not None:
        column, day = before
        cutoff = exp.cast(exp.Literal.string(f"{day.isoformat()} 00:00:00"), "TIMESTAMP")
        query = query.where(exp.LT(this=exp.column(column, quoted=True), expression=cutoff))
    if limit is not None:
        query = query.limit(limit)
    names = list(renames.values())
    arrow = dict(types or {})
    chunks: list[list[Any]] = [[] for _ in names]
    try:
        with con.cursor() as cur:
            cur.execute(_sql(query, dialect))
            while rows := cur.fetchmany(FETCH_ROWS):
                for i, values in enumerate(zip(*rows, strict=True)):
                    chunks[i].extend(values)
    except Exception as e:
        raise SourceError(f"cannot read table {table!r}: {str(e).strip()}") from None
    return pa.table({n: _array(v, arrow.get(n)) for n, v in zip(names, chunks, strict=True)})


def _array(values: list[Any], want: pa.DataType | None) -> pa.Array:
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: typed later from text
        return pa.array([None if v is None else str(v) for v in values], pa.string())
    if want is not None and pa.types.is_string(array.type):
        try:  # text of a date, time or number, parsed by Arrow (a MySQL driver's text)
            return array.cast(want)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return array  # typed later by the contract's rules, which name what is wrong
    return array
