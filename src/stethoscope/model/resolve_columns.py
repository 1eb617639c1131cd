"""The columns and filters of contract tables as a metric names them: a table's own
column, a key of its JSON column (``properties.plan``), or a column of the contact behind
a row's ``user_id`` (``contact.role``), with the problems found said in the model's words."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from stethoscope.contract.schema import TABLES, Column, Type
from stethoscope.errors import Problem
from stethoscope.model.spec import WhereSpec, found
from stethoscope.model.types import Filter, Scalar, contact_column, json_key

# contacts columns a filter may not name: personal data (erased by `forget`) and the key
PRIVATE_CONTACT_COLUMNS = ("id", "account_id", "email", "name")


def suggest(name: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a close option, else ''."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class ColumnResolver:
    """Problems collected by dotted path, and the columns and filters of tables."""

    def __init__(self, where: Callable[[str], str]) -> None:
        # the line a dotted path is written on
        self.where = where
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, *, at: str | None = None) -> None:
        """A problem of ``path``, on the line of ``at`` when the path is not written."""
        self.problems.append(Problem(self.where(at or path), f"{path}: {message}"))

    def _column(self, table: str, column: str, path: str) -> Column | None:
        t = TABLES[table]
        if column not in t.names:
            self.problem(
                path,
                f"unknown column '{column}' in table '{table}'"
                + (suggest(column, t.names) or f"; columns are {', '.join(t.names)}"),
            )
            return None
        return t.column(column)

    def _json_column(self, table: str, column: str, path: str) -> bool:
        """Whether ``column`` (``<json column>.<key>``) names a key of a JSON column."""
        split = json_key(column)
        assert split is not None
        base, _ = split
        col = self._column(table, base, path)
        if col is None:
            return False
        if col.type != Type.JSON:
            json = [c.name for c in TABLES[table].columns if c.type == Type.JSON]
            self.problem(
                path,
                f"'{base}' is a {col.type.value} column; only a JSON column has keys"
                + (f" (in '{table}': {', '.join(json)})" if json else f" ('{table}' has none)"),
            )
            return False
        return True

    def _where(
        self, table: str, where: dict[str, WhereSpec], path: str
    ) -> tuple[Filter, ...] | None:
        out: list[Filter] = []
        ok = True
        for column, w in where.items():
            p = f"{path}.{column}"
            col: Column | None = None
            of = table
            if contact_column(column) is not None:
                col = self._contact_column(table, column, p)
                if col is None:
                    ok = False
                    continue
                of = "contacts"
            elif json_key(column) is not None:
                if not self._json_column(table, column, p):
                    ok = False
                    continue
            else:
                col = self._column(table, column, p)
                if col is None:
                    ok = False
                    continue
                if col.type in (Type.JSON, Type.DATE, Type.TIMESTAMP):
                    self.problem(
                        p,
                        f"cannot filter on {col.type.value} column '{column}'"
                        + (
                            "; use window"
                            if col.type != Type.JSON
                            else f"; filter on one of its keys, e.g. {column}.plan"
                        ),
                    )
                    ok = False
                    continue
            if w.in_ is not None and w.not_ is not None:
                self.problem(p, "give either values to keep or not: values to drop, not both")
                ok = False
                continue
            values = w.in_ if w.in_ is not None else w.not_
            if not values:
                self.problem(p, "needs at least one value")
                ok = False
                continue
            # a JSON key holds text, numbers or true/false: each value compares as written
            checked = tuple(values) if col is None else self._filter_values(of, col, values, p)
            if checked is None:
                ok = False
                continue
            out.append(Filter(column, checked, negated=w.not_ is not None))
        return tuple(out) if ok else None

    def _contact_column(self, table: str, column: str, path: str) -> Column | None:
        """The ``contacts`` column of a filter ``contact.<column>`` on a table whose rows
        name a contact (``user_id``)."""
        name = contact_column(column)
        assert name is not None
        if "user_id" not in TABLES[table].names:
            with_users = [t.name for t in TABLES.values() if "user_id" in t.names]
            self.problem(
                path,
                f"'{table}' rows name no contact (no user_id); contact.<column> filters "
                f"{', '.join(with_users)}",
            )
            return None
        contacts = TABLES["contacts"]
        usable = [
            c.name
            for c in contacts.columns
            if c.name not in PRIVATE_CONTACT_COLUMNS
            and c.type not in (Type.JSON, Type.DATE, Type.TIMESTAMP)
        ]
        if name not in usable:
            self.problem(
                path,
                f"cannot filter on contacts column '{name}'"
                + (suggest(name, usable) or "")
                + f"; contact.<column> reads {', '.join(usable)}",
            )
            return None
        return contacts.column(name)

    def _filter_values(
        self, table: str, col: Column, values: list[Scalar], path: str
    ) -> tuple[Scalar, ...] | None:
        numeric = col.type in (Type.INTEGER, Type.FLOAT)
        out: list[Scalar] = []
        for v in values:
            if isinstance(v, bool) or numeric != isinstance(v, float):
                want = "numbers" if numeric else "text"
                self.problem(path, f"{table}.{col.name} holds {want}, got {found(v)}")
                return None
            if isinstance(v, str) and col.values is not None:
                v = v.strip().lower()
                if v not in col.values:
                    self.problem(
                        path,
                        f"'{v}' is not a value of {table}.{col.name}"
                        f"{suggest(v, col.values)}; expected {', '.join(col.values)}",
                    )
                    return None
            out.append(v)
        return tuple(out)
