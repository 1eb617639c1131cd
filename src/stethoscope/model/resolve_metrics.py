"""Resolution of the metrics of a model, and what every part of the resolver shares.

A metric reads one source: a table (an aggregate over a window), another metric (percent
change, ratio), an account attribute or a CSM input. Names a measure or a condition reads
may also be built-in account attributes (``tenure_days``, ``industry`` ...) or inputs:
they become implicit metrics ``{attribute: name}`` / ``{input: name}``, so the engine only
ever sees metrics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from typing import Literal

from stethoscope.contract.schema import TABLES, Type
from stethoscope.model import expressions
from stethoscope.model.resolve_columns import ColumnResolver, suggest
from stethoscope.model.spec import SOURCES, MetricSpec, ModelSpec, duration_days
from stethoscope.model.types import (
    Aggregate,
    Attribute,
    Contract,
    InputDef,
    InputRef,
    Metric,
    PercentChange,
    Ratio,
    json_key,
)

Kind = Literal["number", "text"]

# built-in account attributes a metric (or a condition) may read, and their kinds
ATTRIBUTES: dict[str, Kind] = {
    "arr": "number",
    "seats": "number",
    "segment": "text",
    "industry": "text",
    "plan": "text",
    "owner": "text",
    "tenure_days": "number",
    "days_to_renewal": "number",
}
ATTRIBUTE_KEY = re.compile(r"^attributes\.[A-Za-z0-9_-]+$")
NAME = expressions.NAME
RESERVED = expressions.RESERVED | {"weights", "description"}

NEEDS_COLUMN = frozenset({"count_distinct", "sum", "avg", "min", "max", "latest", "share"})
NUMERIC = ("sum", "avg", "min", "max")
# what may read a key of a JSON column (properties.value), and the totals rates divide
PROPERTY_AGGREGATES = frozenset({*NUMERIC, "latest", "count_distinct", "share"})
PER_USER = ("count", "count_distinct", "sum")
TENURE_SCALED = ("count", "sum", "active_days", "active_days_per_week")
TABLE_KEYS = ("aggregate", "column", "where", "window", "time_column", "share_of", "per", "scale")
# keys of contract metrics, as written -> as the spec names them
CONTRACT_KEYS = {"change": "change", "as": "as_"}
# the contract values that can be compared with their value some days earlier
CHANGING: tuple[str, ...] = ("mrr", "seats")


class MetricResolver(ColumnResolver):
    """Problems collected by dotted path, names, and the metrics of the model."""

    def __init__(
        self,
        spec: ModelSpec,
        where: Callable[[str], str],
        broken: dict[str, set[str]] | None = None,
        written: Container[str] = (),
    ) -> None:
        super().__init__(where)
        self.spec = spec
        # dotted paths the YAML wrote (tells a short form from a long one)
        self.written = written
        # section -> names written but invalid in shape; "" -> top-level keys invalid
        self.broken = broken or {}
        self.inputs: dict[str, InputDef] = {}
        self.metrics: dict[str, Metric] = {}

    def _broken(self, section: str, name: str) -> bool:
        names = self.broken.get(section, set())
        return name in names or "*" in names

    def _name(self, section: str, name: str) -> bool:
        path = f"{section}.{name}"
        if not NAME.match(name):
            self.problem(
                path,
                f"a name is lower-case letters, digits and _, starting with a letter; got {name!r}",
            )
            return False
        if name in RESERVED:
            self.problem(path, f"'{name}' is a reserved word; choose another name")
            return False
        return True

    # -- metrics ----------------------------------------------------------------------------

    def _metrics(self) -> None:
        later: list[tuple[str, MetricSpec]] = []
        for name, m in self.spec.metrics.items():
            if not self._name("metrics", name):
                continue
            path = f"metrics.{name}"
            sources = [k for k in SOURCES if getattr(m, k) is not None]
            if not sources:
                self.problem(
                    path, f"expected one of {', '.join(SOURCES)} (where its number comes from)"
                )
                continue
            if len(sources) > 1:
                self.problem(
                    path, f"has both {sources[0]} and {sources[1]}; a metric reads one source"
                )
                continue
            source = sources[0]
            for key in (*TABLE_KEYS, "vs", "kind", *CONTRACT_KEYS):
                if getattr(m, CONTRACT_KEYS.get(key, key)) is not None and _owner(key) != source:
                    self.problem(f"{path}.{key}", f"only for {_owner(key)} metrics")
            if source in ("percent_change", "ratio"):
                later.append((name, m))
            elif source == "table":
                self._table_metric(name, m)
            elif source == "attribute":
                self._attribute_metric(name, m)
            elif source == "contract":
                self._contract_metric(name, m)
            else:
                assert m.input is not None
                kind = self._input_kind(m.input, f"{path}.input")
                if kind is not None:
                    self.metrics[name] = Metric(name, InputRef(m.input), kind, m.description)
        # percent changes first: a ratio may divide one
        for name, m in sorted(later, key=lambda x: x[1].ratio is not None):
            self._derived_metric(name, m)
        self._ratio_cycles()

    def _table_metric(self, name: str, m: MetricSpec) -> None:
        path = f"metrics.{name}"
        assert m.table is not None
        if m.table == "accounts":
            self.problem(
                f"{path}.table",
                "accounts has one row per account; read its "
                "columns with attribute, e.g. {attribute: seats}",
            )
            return
        if m.table not in TABLES:
            self.problem(
                f"{path}.table",
                f"unknown table '{m.table}'"
                + (suggest(m.table, TABLES) or f"; tables are {', '.join(TABLES)}"),
            )
            return
        table = TABLES[m.table]
        if m.aggregate is None:
            self.problem(path, "needs an aggregate, e.g. aggregate: count")
            return
        fn = m.aggregate
        ok = True
        kind: Kind = "number"
        if fn in NEEDS_COLUMN and m.column is None:
            self.problem(path, f"aggregate '{fn}' needs a column")
            ok = False
        elif fn not in NEEDS_COLUMN and m.column is not None:
            self.problem(
                f"{path}.column",
                f"aggregate '{fn}' takes no column (it counts rows"
                " or days; count_distinct counts the values of a column)",
            )
            ok = False
        elif m.column is not None and json_key(m.column) is not None:
            ok = self._property_column(table.name, fn, m.column, f"{path}.column")
        elif m.column is not None:
            col = self._column(table.name, m.column, f"{path}.column")
            if col is None:
                ok = False
            elif fn in NUMERIC and col.type not in (Type.INTEGER, Type.FLOAT):
                self.problem(
                    f"{path}.column",
                    f"aggregate '{fn}' needs a numeric column; '{col.name}' is {col.type.value}",
                )
                ok = False
            elif col.type == Type.JSON or (
                fn != "count_distinct" and col.type in (Type.DATE, Type.TIMESTAMP)
            ):
                self.problem(
                    f"{path}.column",
                    f"aggregate '{fn}' cannot read "
                    f"{col.type.value} column '{col.name}'"
                    + (
                        "; use days_since"
                        if col.type != Type.JSON
                        else f"; read one of its keys, e.g. {col.name}.value"
                    ),
                )
                ok = False
            elif fn == "share" and col.type != Type.STRING:
                self.problem(
                    f"{path}.column",
                    f"aggregate 'share' needs a text column; '{col.name}' is {col.type.value}",
                )
                ok = False
            elif fn == "latest" and col.type == Type.STRING:
                kind = "text"
        ok = self._rate(path, m) and ok
        share_of: tuple[str, ...] = ()
        if fn == "share":
            if not m.share_of:
                self.problem(path, "aggregate 'share' needs share_of (the values to look for)")
                ok = False
            elif len(set(m.share_of)) < len(m.share_of):
                self.problem(f"{path}.share_of", "a value is listed twice")
                ok = False
            share_of = tuple(m.share_of or ())
        elif m.share_of is not None:
            self.problem(f"{path}.share_of", "only for aggregate 'share'")
            ok = False
        if fn == "active_days_per_week" and m.window is None:
            self.problem(path, "aggregate 'active_days_per_week' needs a window, e.g. 28d")
            ok = False
        if m.where is not None and not m.where:
            self.problem(f"{path}.where", "empty; name a column and its values, or leave where out")
            ok = False
        filters = self._where(table.name, m.where or {}, f"{path}.where")
        time_column = self._time_column(table.name, m.time_column, f"{path}.time_column")
        if not ok or filters is None or time_column is None:
            return
        agg = Aggregate(
            table=table.name,
            fn=fn,
            column=m.column,
            window_days=duration_days(m.window) if m.window else None,
            where=filters,
            share_of=share_of,
            time_column=time_column,
            per=m.per,
            scale=m.scale,
        )
        self.metrics[name] = Metric(name, agg, kind, m.description)

    def _property_column(self, table: str, fn: str, column: str, path: str) -> bool:
        """Whether ``column``, written ``<json column>.<key>``, is a key ``fn`` can read."""
        if not self._json_column(table, column, path):
            return False
        if fn not in PROPERTY_AGGREGATES:
            self.problem(
                path,
                f"aggregate '{fn}' cannot read a JSON key; it reads {', '.join(NUMERIC)}, "
                "latest (as numbers), count_distinct and share (as text)",
            )
            return False
        return True

    def _rate(self, path: str, m: MetricSpec) -> bool:
        """Whether ``per`` and ``scale`` suit the metric's aggregate and window."""
        ok = True
        if m.per is not None and m.aggregate not in PER_USER:
            self.problem(
                f"{path}.per",
                f"per divides a total ({', '.join(PER_USER)}); "
                f"aggregate '{m.aggregate}' is not one",
            )
            ok = False
        if m.scale is not None:
            if m.aggregate not in TENURE_SCALED:
                self.problem(
                    f"{path}.scale",
                    f"scale: tenure extrapolates a total ({', '.join(TENURE_SCALED)}); "
                    f"aggregate '{m.aggregate}' is not one",
                )
                ok = False
            elif m.window is None:
                self.problem(
                    f"{path}.scale",
                    "scale: tenure needs a window (the days it scales to), e.g. window: 30d",
                )
                ok = False
        return ok

    def _time_column(self, table: str, written: str | None, path: str) -> str | None:
        t = TABLES[table]
        times = [c.name for c in t.columns if c.type in (Type.DATE, Type.TIMESTAMP)]
        if written is None:
            return t.time_column
        if written not in times:
            self.problem(
                path,
                f"expected a date or timestamp column of '{table}' "
                f"({', '.join(times)}), got {written!r}",
            )
            return None
        return written

    def _attribute_metric(self, name: str, m: MetricSpec) -> None:
        path = f"metrics.{name}"
        attr = m.attribute
        assert attr is not None
        if attr in ATTRIBUTES:
            if m.kind is not None and m.kind != ATTRIBUTES[attr]:
                self.problem(f"{path}.kind", f"attribute '{attr}' is {ATTRIBUTES[attr]}")
                return
            self.metrics[name] = Metric(name, Attribute(attr), ATTRIBUTES[attr], m.description)
        elif ATTRIBUTE_KEY.match(attr):
            kind: Kind = m.kind or "text"
            self.metrics[name] = Metric(name, Attribute(attr), kind, m.description)
        else:
            self.problem(
                f"{path}.attribute",
                f"unknown attribute '{attr}'"
                + suggest(attr, ATTRIBUTES)
                + f"; expected {', '.join(ATTRIBUTES)} or attributes.<key>",
            )

    def _contract_metric(self, name: str, m: MetricSpec) -> None:
        path = f"metrics.{name}"
        what = m.contract
        assert what is not None
        if m.change is None:
            if m.as_ is not None:
                self.problem(f"{path}.as", "only with change (e.g. change: 90d, as: percent)")
                return
            kind: Kind = "text" if what == "plan" else "number"
            self.metrics[name] = Metric(name, Contract(what), kind, m.description)
            return
        if what not in CHANGING:
            self.problem(
                f"{path}.change",
                f"contract '{what}' has no change; change is for {' and '.join(CHANGING)}",
            )
            return
        source = Contract(what, duration_days(m.change), m.as_ == "percent")
        self.metrics[name] = Metric(name, source, "number", m.description)

    def _input_kind(self, name: str, path: str) -> Kind | None:
        if name in self.inputs:
            return "text" if self.inputs[name].kind == "choice" else "number"
        if not self._broken("inputs", name) and name not in self.spec.inputs:
            self.problem(path, f"unknown input '{name}'" + suggest(name, self.spec.inputs))
        return None

    def _derived_metric(self, name: str, m: MetricSpec) -> None:
        path = f"metrics.{name}"
        if m.percent_change is not None:
            base = m.percent_change
            src = self.metrics.get(base)
            if src is None:
                self._not_a_base(base, f"{path}.percent_change")
                return
            if isinstance(src.source, Contract):
                self.problem(
                    f"{path}.percent_change",
                    f"'{base}' is a contract metric; for its change write "
                    "{contract: ..., change: 90d, as: percent}",
                )
                return
            if not isinstance(src.source, Aggregate):
                what = {
                    Attribute: "an attribute",
                    InputRef: "an input",
                    Ratio: "a ratio",
                    PercentChange: "a percent_change",
                }[type(src.source)]
                self.problem(
                    f"{path}.percent_change",
                    f"'{base}' is {what} metric; percent_change needs a table metric with a window",
                )
                return
            if src.source.window_days is None:
                self.problem(
                    f"{path}.percent_change",
                    f"'{base}' has no window; percent_change compares two windows",
                )
                return
            if src.kind != "number":
                self.problem(
                    f"{path}.percent_change", f"'{base}' is text; percent_change needs a number"
                )
                return
            self.metrics[name] = Metric(
                name, PercentChange(base, m.vs or "previous"), "number", m.description
            )
            return
        assert m.ratio is not None
        ok = True
        for i, part in enumerate(m.ratio):
            kind = self.metric_kind(part, f"{path}.ratio[{i}]")
            if kind is None:
                ok = False
            elif kind != "number":
                read = self.metrics[part].source
                hint = (
                    f" (read {read.name} as a number with kind: number)"
                    if isinstance(read, Attribute) and ATTRIBUTE_KEY.match(read.name)
                    else ""
                )
                self.problem(f"{path}.ratio[{i}]", f"'{part}' is text; ratio needs numbers{hint}")
                ok = False
        if ok:
            self.metrics[name] = Metric(
                name, Ratio(m.ratio[0], m.ratio[1]), "number", m.description
            )

    def _not_a_base(self, base: str, path: str) -> None:
        """Report why ``base``, not resolved (yet), cannot be a percent change's base."""
        written = self.spec.metrics.get(base)
        needs = "percent_change needs a table metric with a window"
        if written is not None and written.ratio is not None:
            self.problem(path, f"'{base}' is a ratio metric; {needs}")
        elif written is not None and written.percent_change is not None:
            self.problem(path, f"'{base}' is a percent_change metric; {needs}")
        elif written is not None or self._broken("metrics", base):
            return  # invalid, and reported already
        elif base in ATTRIBUTES or base in self.inputs:
            self.problem(path, f"'{base}' is not a table metric; {needs}")
        else:
            self.problem(path, f"unknown metric '{base}'" + suggest(base, self.spec.metrics))

    def _ratio_cycles(self) -> None:
        ratios = {n: m.source for n, m in self.metrics.items() if isinstance(m.source, Ratio)}

        def refs(n: str) -> list[str]:
            r = ratios[n]
            return [x for x in (r.numerator, r.denominator) if x in ratios]

        for cycle in cycles(list(ratios), refs):
            self.problem(f"metrics.{cycle[0]}.ratio", "cycle " + " -> ".join(cycle))
            for n in cycle:
                self.metrics.pop(n, None)

    def metric_kind(self, name: str, path: str) -> Kind | None:
        """The kind of the metric ``name``, adding an implicit attribute or input metric if
        that is what it names; None (and a problem if unknown) when it cannot be used."""
        if name in self.metrics:
            return self.metrics[name].kind
        written = self.spec.metrics.get(name)
        if written is not None:
            # a ratio may divide a ratio resolved after it; anything else written but
            # not resolved was invalid, and is reported already
            return "number" if written.ratio is not None else None
        if self._broken("metrics", name):
            return None
        if name in ATTRIBUTES:
            self.metrics[name] = Metric(name, Attribute(name), ATTRIBUTES[name])
            return ATTRIBUTES[name]
        if name in self.inputs:
            kind = self._input_kind(name, path)
            assert kind is not None
            self.metrics[name] = Metric(name, InputRef(name), kind)
            return kind
        if self._broken("inputs", name) or name in self.spec.inputs:
            return None
        self.problem(
            path,
            f"unknown metric '{name}'"
            + suggest(name, [*self.spec.metrics, *ATTRIBUTES, *self.inputs]),
        )
        return None


def _owner(key: str) -> str:
    """The kind of metric a key belongs to."""
    if key in TABLE_KEYS:
        return "table"
    if key in CONTRACT_KEYS:
        return "contract"
    return {"vs": "percent_change", "kind": "attribute"}[key]


def cycles(nodes: list[str], edges: Callable[[str], list[str]]) -> list[list[str]]:
    """Each cycle once, as [a, b, ..., a], starting from the first node (in ``nodes``
    order) that is on it."""
    out: list[list[str]] = []
    done: set[str] = set()
    on_cycle: set[str] = set()

    def visit(n: str, stack: list[str]) -> None:
        if n in stack:
            cycle = [*stack[stack.index(n) :], n]
            if not on_cycle & set(cycle):
                out.append(cycle)
                on_cycle.update(cycle)
            return
        if n in done:
            return
        for m in edges(n):
            visit(m, [*stack, n])
        done.add(n)

    for n in nodes:
        visit(n, [])
    return out
