"""Keys of a JSON column (``properties.value``) as metric columns and filters.

A key is read with each backend's own JSON function (DuckDB ``json_extract_string``,
Postgres ``jsonb_extract_path_text``, Spark ``get_json_object``), not Ibis's JSON attribute
access: on Postgres that
compiles ``.str`` to invalid SQL, and on Spark to a UDF that exists only while Ibis runs the
query, so the compiled SQL a run stores would not run on its own.

A key's text is its string unquoted, or the JSON text of a number or true/false. Its number
is that text when it is a decimal number (``12.5``, ``"7"``, ``-1e3``) and missing
otherwise (``"abc"``, ``true``, an object): one bad value never fails a run. The pattern
bounds the digits so that every value it accepts fits a double on every backend (Postgres
raises on ``1e400`` where DuckDB gives infinity).
"""

from __future__ import annotations

from typing import cast

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

from stethoscope.model.types import Filter, json_key

NUMBER = r"^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$"


@ibis.udf.scalar.builtin(name="json_extract_string")  # type: ignore[untyped-decorator]
def _duckdb_text(document: idt.JSON, path: str) -> str:  # type: ignore[empty-body]
    """DuckDB: the value at a JSON path as text (a string unquoted), NULL if absent."""


@ibis.udf.scalar.builtin(name="jsonb_extract_path_text")  # type: ignore[untyped-decorator]
def _postgres_text(document: idt.JSON, key: str) -> str:  # type: ignore[empty-body]
    """Postgres: the value under ``key`` as text (a string unquoted), NULL if absent."""


@ibis.udf.scalar.builtin(name="get_json_object")  # type: ignore[untyped-decorator]
def _spark_text(document: str, path: str) -> str:  # type: ignore[empty-body]
    """Spark: the value at a JSON path as text (a string unquoted), NULL if absent. Numbers
    and nested values read as DuckDB's ``json_extract_string`` writes them (``12.50`` is
    ``12.5``, ``1e3`` is ``1000.0``, ``[1, 2]`` is ``[1,2]``: measured on both)."""


def json_text(document: ir.Value, key: str, dialect: str) -> ir.StringValue:
    """The value under ``key`` of a JSON column as text, with the backend's builtin
    function (see the module doc); ``key`` is letters, digits, _ and - (the model checks)."""
    if dialect == "postgres":
        return cast(ir.StringValue, _postgres_text(document, key))
    if dialect == "pyspark":
        # Spark's JSON text is a string column; a key is quoted as a bracketed member
        return cast(ir.StringValue, _spark_text(document.cast("string"), f"$['{key}']"))
    return cast(ir.StringValue, _duckdb_text(document, f'$."{key}"'))


def staged_name(column: str) -> str:
    """The column a backfill's staged rows hold a key's text in (``properties.plan``)."""
    return "stethoscope_" + column.replace(".", "__")


def is_key(column: str) -> bool:
    return json_key(column) is not None


def text_of(t: ir.Table, column: str, dialect: str) -> ir.StringValue:
    """The text of the key ``column`` (``properties.plan``) in the rows of ``t``: from the
    JSON column, or from its staged column when ``t`` holds a backfill's staged rows."""
    if staged_name(column) in t.columns:
        return cast(ir.StringValue, t[staged_name(column)])
    split = json_key(column)
    assert split is not None, column
    base, key = split
    return json_text(t[base], key, dialect)


def number_of(text: ir.StringValue) -> ir.FloatingValue:
    """The number a key's text holds, or NULL (see module doc)."""
    return cast(
        ir.FloatingValue,
        ibis.cases((text.re_search(NUMBER), text.cast("float64")), else_=ibis.null("float64")),
    )


def key_condition(t: ir.Table, f: Filter, dialect: str) -> ir.BooleanValue:
    """Rows whose key ``f.column`` has (or, negated, has none of) ``f.values``: text and
    true/false compare with the key's text, numbers with its number. A row without the
    key has none of the values, so ``not:`` keeps it."""
    text = text_of(t, f.column, dialect)
    words = [("true" if v else "false") if isinstance(v, bool) else v for v in f.values]
    texts = [v for v in words if isinstance(v, str)]
    numbers = [v for v in words if isinstance(v, float)]
    parts: list[ir.BooleanValue] = []
    if texts:
        parts.append(text.isin(texts))
    if numbers:
        parts.append(number_of(text).isin(numbers))
    cond = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    cond = cond.fill_null(False)
    return ~cond if f.negated else cond
