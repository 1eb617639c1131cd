"""The checks of a staged value, in SQL: typing it into its contract type, and listing what
is wrong with it (``contract.importer`` runs both in one pass over each batch of a file).

Only identifiers of our own contract and values of our own (limits, vocabularies) appear in
the SQL built here; the values checked are columns of the staged batch.
"""

from __future__ import annotations

from stethoscope import clock
from stethoscope.contract.schema import (
    FIRST_DATE,
    FIRST_TIME,
    FUTURE_YEARS,
    LAST_DATE,
    SQL_TYPES,
    Column,
    Table,
    Type,
    last_time,
    q,
)

# what surrounds a value and is not part of it: ASCII white space (space, tab, line breaks,
# vertical tab, form feed); a value of nothing else is missing
_BLANK = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def _text(expr: str) -> str:
    v = f"CAST({expr} AS VARCHAR)"
    # DuckDB's trim of a set of characters costs three times its plain trim (0.5 s against
    # 0.17 s for 5M values, measured): only a value whose first or last character is at or
    # below the space (where the set is) goes through it; '' and NULL give '' and NULL
    edge = f"ord({v}) <= 32 OR ord(right({v}, 1)) <= 32"
    return f"NULLIF(CASE WHEN {edge} THEN trim({v}, {_BLANK}) ELSE {v} END, '')"


def text_column(col: Column) -> str:
    """The column of a staged row holding ``col``'s value as text (see ``staged_texts``)."""
    return q(f"_text__{col.name}")


def typed_column(col: Column) -> str:
    """The column of a staged row holding ``col``'s typed value (see ``staged_texts``)."""
    return q(f"_typed__{col.name}")


def staged_texts(table: Table, present: set[str]) -> str:
    """Each present column's text (``text_column``), computed once a row: the typed value
    and every check read it. Written out in each place instead, the checks of a wide table
    made a statement that DuckDB took 0.1 s to plan, for each file imported."""
    return ", ".join(
        f"{_text(q(c.name))} AS {text_column(c)}" for c in table.columns if c.name in present
    )


def typed_expr(col: Column, present: bool, text: str | None = None) -> str:
    """SQL turning the staged value of ``col`` into its contract type (NULL if it cannot).
    ``text``: the column holding its text already (``staged_texts``), if there is one."""
    if not present:
        return f"CAST(NULL AS {SQL_TYPES[col.type]})"
    raw = q(col.name)
    text = text or _text(raw)
    match col.type:
        case Type.STRING:
            return f"lower({text})" if col.values else text
        case Type.INTEGER:
            d = f"TRY_CAST({text} AS DOUBLE)"
            return f"CASE WHEN isfinite({d}) AND {d} = trunc({d}) THEN TRY_CAST({d} AS BIGINT) END"
        case Type.FLOAT:
            d = f"TRY_CAST({text} AS DOUBLE)"
            return f"CASE WHEN isfinite({d}) THEN {d} END"
        case Type.DATE:
            return f"TRY_CAST({text} AS DATE)"
        case Type.TIMESTAMP:
            # an offset is honoured; a value without one is taken as UTC (session zone)
            return f"CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS TIMESTAMP)"
        case Type.JSON:
            j = f"TRY_CAST({_json_source(raw, text)} AS JSON)"
            return f"CASE WHEN json_type({j}) = 'OBJECT' THEN {j} END"
    raise AssertionError(col.type)


def _json_source(raw: str, text: str) -> str:
    # a struct or map read from Parquet becomes JSON text; text is taken as written
    return (
        f"CASE WHEN typeof({raw}) LIKE 'STRUCT%' OR typeof({raw}) LIKE 'MAP%' "
        f"THEN CAST(to_json({raw}) AS VARCHAR) ELSE {text} END"
    )


_EXPECTED = {
    Type.INTEGER: "a whole number",
    Type.FLOAT: "a number",
    Type.DATE: "a date like 2024-01-31",
    Type.TIMESTAMP: "a timestamp like 2024-01-31T09:30:00Z",
    Type.JSON: "a JSON object",
}


# a JSON text holding U+0000 (its escape, not preceded by another backslash)
_JSON_NUL = r"(^|[^\\])(\\\\)*\\u0000"


def _shown(raw: str) -> str:
    """A value as a problem names it: cut short, U+0000 drawn as its symbol (the problems
    travel to a Postgres store, which cannot hold U+0000)."""
    return (
        f"replace(CASE WHEN length({raw}) > 100 THEN left({raw}, 97) || '...' ELSE {raw} END, "
        "chr(0), chr(9216))"
    )


def problems_expr(table: Table, present: set[str], merged: dict[str, str]) -> str:
    """Per-value checks of a row, as a list of {col, reason, value} structs (empty when the
    row is fine), computed in the same pass that types the row, over a staged row with
    each present column's text and typed value (``text_column``, ``typed_column``).
    ``merged``: the JSON column that extra columns are folded into, and the SQL of its
    value with them."""
    cases: list[str] = []
    now = clock.now()
    for col in table.columns:
        if col.name not in present and col.name not in merged:
            continue
        if col.name in present:
            raw, typed = text_column(col), typed_column(col)
        else:
            raw, typed = _text(q(col.name)), f"({typed_expr(col, False)})"

        def add(cond: str, reason: str, col: Column = col, raw: str = raw) -> None:
            cases.append(
                f"CASE WHEN {cond} THEN {{'col': '{col.name}', 'reason': '{reason}', "
                f"'value': {_shown(raw)}}} END"
            )

        if col.type is Type.JSON:
            text = f"CAST(({merged.get(col.name, typed)}) AS VARCHAR)"
            # ``raw`` is the column's text only when it is in the file: checked as merged
            add(f"regexp_matches({text}, '{_JSON_NUL}')", _NUL, raw=text)
            add(
                f"length({text}) > {col.longest}",
                f"holds more than {col.longest:,} characters of JSON",
                raw=text,
            )
        if col.name not in present:
            continue
        if col.type is Type.STRING:
            add(f"strpos(CAST({q(col.name)} AS VARCHAR), chr(0)) > 0", _NUL)
            add(f"length({raw}) > {col.longest}", f"holds more than {col.longest:,} characters")
        if col.required and not (col.name == table.key and table.key_is_derived):
            add(f"{raw} IS NULL", "a value is required")
        if col.type is not Type.STRING:
            add(f"{raw} IS NOT NULL AND {typed} IS NULL", f"expected {_EXPECTED[col.type]}")
        if col.type is Type.TIMESTAMP:
            first, last = FIRST_TIME, last_time(now).replace(microsecond=0)
            add(
                f"{typed} NOT BETWEEN TIMESTAMP '{first}' AND TIMESTAMP '{last}'",
                f"expected a time from {first.date()} to {last.date()} (now + "
                f"{FUTURE_YEARS} years)",
            )
        if col.type is Type.DATE:
            add(
                f"{typed} NOT BETWEEN DATE '{FIRST_DATE}' AND DATE '{LAST_DATE}'",
                f"expected a date from {FIRST_DATE} to {LAST_DATE}",
            )
        if col.values:
            vals = ", ".join(f"'{v}'" for v in col.values)
            add(
                f"{raw} IS NOT NULL AND {typed} NOT IN ({vals})",
                f"expected one of {', '.join(col.values)}",
            )
        if col.minimum is not None:
            add(f"{typed} < {col.minimum}", f"must be at least {col.minimum:g}")
        if col.maximum is not None:
            add(f"{typed} > {col.maximum}", f"must be at most {col.maximum:g}")
    if not cases:
        return "[]::STRUCT(col VARCHAR, reason VARCHAR, value VARCHAR)[]"
    return f"list_filter([{', '.join(cases)}], lambda p: p IS NOT NULL)"


_NUL = "holds the character U+0000 (NUL), which no store keeps: remove it"
