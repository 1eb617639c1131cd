"""Checks that need the whole model, and resolution of a ``ModelSpec`` into a ``types.Model``.

One pass does both: each part is checked and resolved in order (inputs, metrics, measures,
groups, scorecards, scores), every problem is collected with its dotted path, and the
model is returned only when there is none. Names that the YAML defines but that failed the
shape checks (``broken``) are known: a reference to them is not reported again.

Names a measure or a condition reads may also be built-in account attributes
(``tenure_days``, ``industry`` ...) or inputs: they become implicit metrics
``{attribute: name}`` / ``{input: name}``, so the engine only ever sees metrics.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Container, Iterable
from typing import Literal

from stethoscope.contract.schema import TABLES, Column, Type
from stethoscope.errors import ModelError, Problem
from stethoscope.model import expressions
from stethoscope.model.spec import (
    GRADINGS,
    SOURCES,
    GroupSpec,
    InputSpec,
    MeasureSpec,
    MetricSpec,
    ModelSpec,
    WhereSpec,
    duration_days,
    found,
)
from stethoscope.model.types import (
    Aggregate,
    And,
    Attribute,
    Band,
    Boolean,
    Categorical,
    Compare,
    Const,
    Decay,
    Expr,
    Filter,
    Grading,
    Group,
    In,
    InputDef,
    InputRef,
    IsMissing,
    Item,
    Linear,
    Measure,
    Metric,
    Model,
    Name,
    Not,
    Nps,
    Or,
    PercentChange,
    Percentile,
    Ratio,
    Rule,
    Scalar,
    Scale,
    Score,
    Scorecard,
    Segment,
    Tertiles,
    Thresholds,
    ZScore,
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
MODEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED = expressions.RESERVED | {"weights", "description"}

NEEDS_COLUMN = frozenset({"count_distinct", "sum", "avg", "min", "max", "latest", "share"})
NUMERIC = frozenset({"sum", "avg", "min", "max"})
RANKED = frozenset({"percentile", "tertiles", "zscore"})
# the default bands (seed 001: below 70 investigate, below 60 act), as shares of max
DEFAULT_BANDS = (("red", 0.6, "Act"), ("yellow", 0.7, "Investigate"), ("green", None, "Healthy"))
TABLE_KEYS = ("aggregate", "column", "where", "window", "time_column", "share_of")


def suggest(name: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a close option, else ''."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _grade_ok(value: float) -> bool:
    return 0 <= value <= 100


class Resolver:
    def __init__(
        self,
        spec: ModelSpec,
        where: Callable[[str], str],
        broken: dict[str, set[str]] | None = None,
        written: Container[str] = (),
    ) -> None:
        self.spec = spec
        self.where = where
        # dotted paths the YAML wrote (tells a short form from a long one)
        self.written = written
        # section -> names written but invalid in shape; "" -> top-level keys invalid
        self.broken = broken or {}
        self.problems: list[Problem] = []
        self.inputs: dict[str, InputDef] = {}
        self.metrics: dict[str, Metric] = {}
        self.measures: dict[str, Measure] = {}
        self.groups: dict[str, Group] = {}
        self.scorecards: dict[str, Scorecard] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.where(path), f"{path}: {message}"))

    def _broken(self, section: str, name: str) -> bool:
        names = self.broken.get(section, set())
        return name in names or "*" in names

    def resolve(self) -> Model:
        s = self.spec
        if not MODEL_NAME.match(s.name) and "name" not in self.broken.get("", set()):
            self.problem("name", f"expected lower-case letters, digits, - and _, got {s.name!r}")
        scale = self._scale()
        bands = self._bands(scale)
        for name, i in s.inputs.items():
            if self._name("inputs", name):
                self.inputs[name] = self._input(name, i)
        self._metrics()
        for name, m in s.measures.items():
            if self._name("measures", name):
                measure = self._measure(name, m)
                if measure is not None:
                    self.measures[name] = measure
        self._compositions()
        scores = self._scores()
        for section in ("measures", "scorecards"):
            if not getattr(s, section) and not self.broken.get(section):
                self.problem(section, f"empty; define at least one {section[:-1]}")
        if self.problems:
            raise ModelError("invalid model", self.problems)
        return Model(
            name=s.name,
            description=s.description,
            scale=scale,
            bands=bands,
            metrics=self.metrics,
            measures=self.measures,
            groups=self.groups,
            scorecards=self.scorecards,
            scores=scores,
            inputs=self.inputs,
        )

    def _name(self, section: str, name: str) -> bool:
        path = f"{section}.{name}"
        if not NAME.match(name):
            self.problem(
                path,
                f"a name is lower-case letters, digits and _, starting with a letter; "
                f"got {name!r}",
            )
            return False
        if name in RESERVED:
            self.problem(path, f"'{name}' is a reserved word; choose another name")
            return False
        return True

    # -- scale, bands, inputs ---------------------------------------------------------------

    def _scale(self) -> Scale:
        sc = self.spec.scale
        if sc.min >= sc.max:
            self.problem("scale", f"min ({sc.min:g}) must be below max ({sc.max:g})")
        if not 0 <= sc.decimals <= 6:
            self.problem("scale.decimals", f"expected 0 to 6, got {sc.decimals}")
        return Scale(min=sc.min, max=sc.max, decimals=sc.decimals)

    def _bands(self, scale: Scale) -> tuple[Band, ...]:
        written = self.spec.bands
        if written is None:
            bands = tuple(
                Band(n, None if f is None else round(scale.max * f, 6), label)
                for n, f, label in DEFAULT_BANDS
            )
            if "bands" not in self.broken.get("", set()) and any(
                b.below is not None and b.below <= scale.min for b in bands
            ):
                self.problem(
                    "bands",
                    f"the default bands (below 60% and 70% of max) do not fit the scale "
                    f"{scale.min:g}-{scale.max:g}; write bands",
                )
            return bands
        if not written:
            self.problem("bands", "empty; define at least one band (or leave bands out)")
        seen: set[str] = set()
        last: float | None = None
        for i, b in enumerate(written):
            path = f"bands[{i}]"
            if not NAME.match(b.name):
                self.problem(
                    f"{path}.name", f"expected lower-case letters, digits and _, got {b.name!r}"
                )
            elif b.name in seen:
                self.problem(f"{path}.name", f"band '{b.name}' is defined twice")
            seen.add(b.name)
            final = i == len(written) - 1
            if final and b.below is not None:
                self.problem(
                    f"{path}.below",
                    "the last band takes every score above the others and has no below",
                )
            elif not final and b.below is None:
                self.problem(path, "needs below (every band but the last has one)")
            elif b.below is not None:
                if not scale.min < b.below <= scale.max:
                    self.problem(
                        f"{path}.below",
                        f"{b.below:g} is outside the scale {scale.min:g}-{scale.max:g}",
                    )
                elif last is not None and b.below <= last:
                    self.problem(
                        f"{path}.below",
                        f"{b.below:g} is not above the band before ({last:g}); "
                        "bands go from worst to best",
                    )
                last = b.below
        return tuple(Band(b.name, b.below, b.label) for b in written)

    def _input(self, name: str, i: InputSpec) -> InputDef:
        path = f"inputs.{name}"
        if i.kind != "choice" and i.choices is not None:
            self.problem(f"{path}.choices", "only for kind choice")
        if i.kind != "number":
            for key in ("minimum", "maximum"):
                if getattr(i, key) is not None:
                    self.problem(f"{path}.{key}", "only for kind number")
        if i.kind == "choice":
            if not i.choices:
                self.problem(path, "kind choice needs choices, e.g. choices: [kickoff, live]")
            elif len(set(i.choices)) < len(i.choices):
                self.problem(f"{path}.choices", "a choice is listed twice")
        if i.minimum is not None and i.maximum is not None and i.minimum >= i.maximum:
            self.problem(path, f"minimum ({i.minimum:g}) must be below maximum ({i.maximum:g})")
        return InputDef(
            name=name,
            kind=i.kind,
            choices=tuple(i.choices or ()),
            minimum=i.minimum,
            maximum=i.maximum,
            expires_days=duration_days(i.expires) if i.expires else None,
            description=i.description,
        )

    # -- metrics ----------------------------------------------------------------------------

    def _metrics(self) -> None:
        later: list[tuple[str, MetricSpec]] = []
        for name, m in self.spec.metrics.items():
            if not self._name("metrics", name):
                continue
            path = f"metrics.{name}"
            sources = [k for k in SOURCES if getattr(m, k) is not None]
            if not sources:
                self.problem(path, f"expected one of {', '.join(SOURCES)} (where its number "
                             "comes from)")
                continue
            if len(sources) > 1:
                self.problem(path, f"has both {sources[0]} and {sources[1]}; a metric reads "
                             "one source")
                continue
            source = sources[0]
            for key in (*TABLE_KEYS, "vs", "kind"):
                if getattr(m, key) is not None and _owner(key) != source:
                    self.problem(f"{path}.{key}", f"only for {_owner(key)} metrics")
            if source in ("percent_change", "ratio"):
                later.append((name, m))
            elif source == "table":
                self._table_metric(name, m)
            elif source == "attribute":
                self._attribute_metric(name, m)
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
            self.problem(f"{path}.table", "accounts has one row per account; read its "
                         "columns with attribute, e.g. {attribute: seats}")
            return
        if m.table not in TABLES:
            self.problem(f"{path}.table", f"unknown table '{m.table}'"
                         + (suggest(m.table, TABLES) or f"; tables are {', '.join(TABLES)}"))
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
            self.problem(f"{path}.column", f"aggregate '{fn}' takes no column (it counts rows"
                         " or days; count_distinct counts the values of a column)")
            ok = False
        elif m.column is not None:
            col = self._column(table.name, m.column, f"{path}.column")
            if col is None:
                ok = False
            elif fn in NUMERIC and col.type not in (Type.INTEGER, Type.FLOAT):
                self.problem(f"{path}.column", f"aggregate '{fn}' needs a numeric column; "
                             f"'{col.name}' is {col.type.value}")
                ok = False
            elif col.type == Type.JSON or (
                fn != "count_distinct" and col.type in (Type.DATE, Type.TIMESTAMP)
            ):
                self.problem(f"{path}.column", f"aggregate '{fn}' cannot read "
                             f"{col.type.value} column '{col.name}'"
                             + ("; use days_since" if col.type != Type.JSON else ""))
                ok = False
            elif fn == "share" and col.type != Type.STRING:
                self.problem(f"{path}.column", f"aggregate 'share' needs a text column; "
                             f"'{col.name}' is {col.type.value}")
                ok = False
            elif fn == "latest" and col.type == Type.STRING:
                kind = "text"
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
            self.problem(f"{path}.where", "empty; name a column and its values, or leave "
                         "where out")
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
        )
        self.metrics[name] = Metric(name, agg, kind, m.description)

    def _column(self, table: str, column: str, path: str) -> Column | None:
        t = TABLES[table]
        if column not in t.names:
            self.problem(path, f"unknown column '{column}' in table '{table}'"
                         + (suggest(column, t.names) or f"; columns are {', '.join(t.names)}"))
            return None
        return t.column(column)

    def _time_column(self, table: str, written: str | None, path: str) -> str | None:
        t = TABLES[table]
        times = [c.name for c in t.columns if c.type in (Type.DATE, Type.TIMESTAMP)]
        if written is None:
            return t.time_column
        if written not in times:
            self.problem(path, f"expected a date or timestamp column of '{table}' "
                         f"({', '.join(times)}), got {written!r}")
            return None
        return written

    def _where(self, table: str, where: dict[str, WhereSpec], path: str
               ) -> tuple[Filter, ...] | None:
        out: list[Filter] = []
        ok = True
        for column, w in where.items():
            p = f"{path}.{column}"
            col = self._column(table, column, p)
            if col is None:
                ok = False
                continue
            if col.type in (Type.JSON, Type.DATE, Type.TIMESTAMP):
                self.problem(p, f"cannot filter on {col.type.value} column '{column}'"
                             + ("; use window" if col.type != Type.JSON else ""))
                ok = False
                continue
            if w.in_ is not None and w.not_ is not None:
                self.problem(p, "give the values to keep or not: the values to drop, not both")
                ok = False
                continue
            values = w.in_ if w.in_ is not None else w.not_
            if not values:
                self.problem(p, "needs at least one value")
                ok = False
                continue
            checked = self._filter_values(table, col, values, p)
            if checked is None:
                ok = False
                continue
            out.append(Filter(column, checked, negated=w.not_ is not None))
        return tuple(out) if ok else None

    def _filter_values(self, table: str, col: Column, values: list[Scalar], path: str
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
                    self.problem(path, f"'{v}' is not a value of {table}.{col.name} "
                                 f"(expected {', '.join(col.values)}){suggest(v, col.values)}")
                    return None
            out.append(v)
        return tuple(out)

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
            self.problem(f"{path}.attribute", f"unknown attribute '{attr}'"
                         + suggest(attr, ATTRIBUTES)
                         + f"; expected {', '.join(ATTRIBUTES)} or attributes.<key>")

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
            if src is None and base in ATTRIBUTES | self.inputs:
                self.problem(f"{path}.percent_change", f"'{base}' is not a table metric; "
                             "percent_change needs a table metric with a window")
                return
            if src is None:
                if base not in self.spec.metrics and not self._broken("metrics", base):
                    self.problem(f"{path}.percent_change", f"unknown metric '{base}'"
                                 + suggest(base, self.spec.metrics))
                return
            if not isinstance(src.source, Aggregate):
                what = type(src.source).__name__.lower().replace("inputref", "input")
                self.problem(f"{path}.percent_change", f"'{base}' is an {what} metric; "
                             "percent_change needs a table metric with a window")
                return
            if src.source.window_days is None:
                self.problem(f"{path}.percent_change", f"'{base}' has no window; "
                             "percent_change compares two windows")
                return
            if src.kind != "number":
                self.problem(f"{path}.percent_change", f"'{base}' is text; "
                             "percent_change needs a number")
                return
            self.metrics[name] = Metric(name, PercentChange(base, m.vs or "previous"),
                                        "number", m.description)
            return
        assert m.ratio is not None
        ok = True
        for i, part in enumerate(m.ratio):
            kind = self.metric_kind(part, f"{path}.ratio[{i}]")
            if kind is None:
                ok = False
            elif kind != "number":
                self.problem(f"{path}.ratio[{i}]", f"'{part}' is text; ratio needs numbers")
                ok = False
        if ok:
            self.metrics[name] = Metric(name, Ratio(m.ratio[0], m.ratio[1]), "number",
                                        m.description)

    def _ratio_cycles(self) -> None:
        ratios = {n: m.source for n, m in self.metrics.items() if isinstance(m.source, Ratio)}

        def refs(n: str) -> list[str]:
            r = ratios[n]
            return [x for x in (r.numerator, r.denominator) if x in ratios]

        for cycle in _cycles(list(ratios), refs):
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
        self.problem(path, f"unknown metric '{name}'"
                     + suggest(name, [*self.spec.metrics, *ATTRIBUTES, *self.inputs]))
        return None

    # -- measures ---------------------------------------------------------------------------

    def _measure(self, name: str, m: MeasureSpec) -> Measure | None:
        path = f"measures.{name}"
        kind = self.metric_kind(m.metric, f"{path}.metric")
        written = m.gradings()
        if not written:
            self.problem(path, f"no grading; expected one of {', '.join(GRADINGS)}")
            return None
        if len(written) > 1:
            self.problem(path, f"has both {written[0]} and {written[1]}; a measure has "
                         "exactly one grading")
            return None
        key = written[0]
        grading = self._grading(key, m, f"{path}.{key}")
        if m.other is not None and key != "categories":
            self.problem(f"{path}.other", "only for categories grading")
        elif m.other is not None and not _grade_ok(m.other):
            self.problem(f"{path}.other", f"grade {m.other:g} is outside 0-100")
        if m.direction is not None and key not in RANKED:
            self.problem(f"{path}.direction", "only for percentile, tertiles and zscore; "
                         f"{key} says which values are better by itself")
        if kind is not None and grading is not None:
            wants: Kind = "text" if key == "categories" else "number"
            if key != "boolean" and kind != wants:
                self.problem(f"{path}.metric", f"'{m.metric}' is {kind}; {key} grades "
                             + ("text values" if wants == "text" else "numbers")
                             + ("" if wants == "text" else " (categories grade text)"))
                grading = None
        rules: list[Rule] = []
        for i, r in enumerate(m.rules):
            when = self.condition(r.when, f"{path}.rules[{i}].when")
            if not _grade_ok(r.grade):
                self.problem(f"{path}.rules[{i}].grade", f"grade {r.grade:g} is outside 0-100")
            elif when is not None:
                rules.append(Rule(when, r.grade))
        if grading is None or kind is None or len(rules) < len(m.rules):
            return None
        return Measure(
            name=name,
            metric=m.metric,
            grading=grading,
            direction=m.direction or "higher",
            missing=m.missing if m.missing == "skip" else float(m.missing),
            rules=tuple(rules),
            description=m.description,
        )

    def _grades(self, path: str, grades: Iterable[tuple[str, float]]) -> bool:
        ok = True
        for key, g in grades:
            if not _grade_ok(g):
                self.problem(f"{path}{key}", f"grade {g:g} is outside 0-100")
                ok = False
        return ok

    def _grading(self, key: str, m: MeasureSpec, path: str) -> Grading | None:
        if key == "linear":
            if m.linear is None:
                self.problem(path, "expected [zero, full], e.g. [0, 20]")
                return None
            zero, full = m.linear
            if zero == full:
                self.problem(path, f"zero and full are both {zero:g}; they must differ")
                return None
            return Linear(zero, full)
        if key == "thresholds":
            t = m.thresholds
            if t is None or not t.points:
                self.problem(path, "expected [at_least, grade] pairs, e.g. [[0, 0], [5, 50]]")
                return None
            p = f"{path}.points" if f"{path}.points" in self.written else path
            ok = self._grades(p, [(f"[{i}]", g) for i, (_, g) in enumerate(t.points)])
            ok = self._grades(path, [(".below", t.below)]) and ok
            for i in range(1, len(t.points)):
                if t.points[i][0] <= t.points[i - 1][0]:
                    self.problem(f"{p}[{i}]", f"at_least values must ascend; "
                                 f"{t.points[i][0]:g} follows {t.points[i - 1][0]:g}")
                    ok = False
            return Thresholds(tuple((a, g) for a, g in t.points), t.below) if ok else None
        if key == "percentile":
            return Percentile(m.percentile.within if m.percentile else "all")
        if key == "tertiles":
            t3 = m.tertiles
            if t3 is None:
                return Tertiles()
            ok = self._grades(f"{path}.grades", [(f"[{i}]", g) for i, g in enumerate(t3.grades)])
            return Tertiles(t3.within, (t3.grades[0], t3.grades[1], t3.grades[2])) if ok else None
        if key == "zscore":
            return ZScore(m.zscore.within if m.zscore else "all")
        if key == "nps":
            n = m.nps
            if n is None:
                return Nps()
            ok = self._grades(path, [(f".{k}", getattr(n, k)) for k in ("detractor", "passive",
                                                                       "promoter")])
            return Nps(n.detractor, n.passive, n.promoter) if ok else None
        if key == "boolean":
            b = m.boolean
            if b is None:
                return Boolean()
            ok = self._grades(path, [(".true", b.true), (".false", b.false)])
            return Boolean(b.true, b.false) if ok else None
        if key == "categories":
            c = m.categories
            if not c:
                self.problem(path, "expected values and their grades, e.g. {starter: 50, "
                             "enterprise: 100}")
                return None
            ok = self._grades(path, [(f".{k}", g) for k, g in c.items()])
            return Categorical(tuple(c.items()), m.other) if ok else None
        assert key == "decay"
        if m.decay is None:
            self.problem(path, "expected a half-life, e.g. {half_life: 30d}")
            return None
        return Decay(float(duration_days(m.decay.half_life)))

    # -- conditions -------------------------------------------------------------------------

    def condition(self, text: str, path: str) -> Expr | None:
        """A condition parsed, its names checked, and true/false compared with a number
        turned into 1/0 (so the engine sees numbers with numbers, text with text)."""
        try:
            expr = expressions.parse(text, where=self.where(path), path=path)
        except ModelError as e:
            self.problems += e.problems
            return None
        kinds = {n: self.metric_kind(n, path) for n in sorted(expressions.names(expr))}
        if any(k is None for k in kinds.values()):
            return None
        before = len(self.problems)
        typed = self._typed(expr, {n: k for n, k in kinds.items() if k is not None}, path)
        return typed if len(self.problems) == before else None

    def _typed(self, e: Expr, kinds: dict[str, Kind], path: str) -> Expr:
        match e:
            case Compare(left, op, right):
                if isinstance(left, Name) and isinstance(right, Name):
                    if kinds[left.name] != kinds[right.name]:
                        self.problem(path, f"'{left.name}' is {kinds[left.name]} and "
                                     f"'{right.name}' is {kinds[right.name]}; they cannot "
                                     "be compared")
                    elif kinds[left.name] == "text" and op not in ("==", "!="):
                        self.problem(path, f"'{op}' compares numbers; '{left.name}' is text")
                    return e
                name = left if isinstance(left, Name) else right
                const = right if isinstance(right, Const) else left
                assert isinstance(name, Name) and isinstance(const, Const)
                value = self._value(name.name, kinds[name.name], const.value, path)
                if kinds[name.name] == "text" and op not in ("==", "!="):
                    self.problem(path, f"'{op}' compares numbers; '{name.name}' is text")
                c = Const(value)
                return Compare(name, op, c) if name is left else Compare(c, op, name)
            case In(name, values, negated):
                k = kinds[name.name]
                return In(name, tuple(self._value(name.name, k, v, path) for v in values),
                          negated)
            case IsMissing():
                return e
            case And(items):
                return And(tuple(self._typed(i, kinds, path) for i in items))
            case Or(items):
                return Or(tuple(self._typed(i, kinds, path) for i in items))
            case Not(item):
                return Not(self._typed(item, kinds, path))
        raise AssertionError(e)

    def _value(self, name: str, kind: Kind, value: Scalar, path: str) -> Scalar:
        if kind == "number":
            if isinstance(value, bool):
                return 1.0 if value else 0.0
            if isinstance(value, str):
                self.problem(path, f"'{name}' is a number; compare it with a number, "
                             f"got {value!r}")
            return value
        if not isinstance(value, str):
            self.problem(path, f"'{name}' is text; compare it with text in quotes, "
                         f"got {found(value)}")
        return value

    # -- groups and scorecards --------------------------------------------------------------

    def _compositions(self) -> None:
        s = self.spec
        for name in s.groups:
            if name in s.measures and self._name("groups", name):
                self.problem(f"groups.{name}", f"'{name}' is also a measure; a measure and "
                             "a group need different names")
        for name, g in s.groups.items():
            if self._name("groups", name) and name not in s.measures:
                items = self._items(f"groups.{name}", g)
                if items is not None:
                    self.groups[name] = Group(name, items, g.description)
        for name, card in s.scorecards.items():
            if self._name("scorecards", name):
                items = self._items(f"scorecards.{name}", card)
                if items is not None:
                    self.scorecards[name] = Scorecard(name, items, card.description)

        def members(n: str) -> list[str]:
            return [i.name for i in self.groups[n].items
                    if i.kind == "group" and i.name in self.groups]

        for cycle in _cycles(list(self.groups), members):
            self.problem(f"groups.{cycle[0]}.{cycle[1]}", "cycle " + " -> ".join(cycle))

    def _items(self, path: str, g: GroupSpec) -> tuple[Item, ...] | None:
        s = self.spec
        if not g.weights:
            self.problem(path, "empty; list members and weights, e.g. {usage: 2, logins: 1}")
            return None
        items: list[Item] = []
        ok = True
        for member, weight in g.weights.items():
            p = f"{path}.{member}"
            if weight <= 0:
                self.problem(p, f"weight must be more than 0, got {weight:g}")
                ok = False
            if member in s.measures or self._broken("measures", member):
                items.append(Item(member, "measure", weight))
            elif member in s.groups or self._broken("groups", member):
                items.append(Item(member, "group", weight))
            else:
                self.problem(p, f"unknown measure or group '{member}'"
                             + suggest(member, [*s.measures, *s.groups]))
                ok = False
        return tuple(items) if ok else None

    # -- scores -----------------------------------------------------------------------------

    def _scores(self) -> dict[str, Score]:
        s = self.spec
        if s.scores is None:
            cards = list(s.scorecards)
            if len(cards) == 1:
                return {"health": Score("health", (Segment("all", cards[0]),))}
            if len(cards) > 1 and "scores" not in self.broken.get("", set()):
                self.problem("scores", f"needed when there is more than one scorecard "
                             f"({', '.join(cards)}): say which accounts each one scores")
            return {}
        if not s.scores:
            self.problem("scores", "empty; define at least one score, or leave scores out")
        out: dict[str, Score] = {}
        for name, sc in s.scores.items():
            if not self._name("scores", name):
                continue
            path = f"scores.{name}"
            if not sc.segments:
                self.problem(f"{path}.segments", "empty; define at least one segment")
                continue
            segments: list[Segment] = []
            seen: set[str] = set()
            catch_all: str | None = None
            for i, seg in enumerate(sc.segments):
                p = f"{path}.segments[{i}]"
                seg_name = seg.name or seg.scorecard
                if not NAME.match(seg_name):
                    self.problem(f"{p}.name", "expected lower-case letters, digits and _, "
                                 f"got {seg_name!r}")
                elif seg_name in seen:
                    self.problem(p, f"segment '{seg_name}' is defined twice in this score"
                                 + ("" if seg.name else "; give each a name"))
                seen.add(seg_name)
                if catch_all is not None:
                    self.problem(p, f"never reached: segment '{catch_all}' before it has no "
                                 "when and takes every account")
                when = None if seg.when is None else self.condition(seg.when, f"{p}.when")
                if seg.when is None:
                    catch_all = seg_name
                if seg.scorecard not in s.scorecards:
                    if not self._broken("scorecards", seg.scorecard):
                        self.problem(f"{p}.scorecard", f"unknown scorecard '{seg.scorecard}'"
                                     + suggest(seg.scorecard, s.scorecards))
                    continue
                if seg.when is None or when is not None:
                    segments.append(Segment(seg_name, seg.scorecard, when))
            out[name] = Score(name, tuple(segments), sc.description)
        return out


def _owner(key: str) -> str:
    """The kind of metric a key belongs to."""
    if key in TABLE_KEYS:
        return "table"
    return {"vs": "percent_change", "kind": "attribute"}[key]


def _cycles(nodes: list[str], edges: Callable[[str], list[str]]) -> list[list[str]]:
    """Each cycle once, as [a, b, ..., a], starting from the first node (in ``nodes``
    order) that is on it."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    on_cycle: set[str] = set()

    def visit(n: str, stack: list[str]) -> None:
        if n in stack:
            cycle = stack[stack.index(n):] + [n]
            if not on_cycle & set(cycle):
                cycles.append(cycle)
                on_cycle.update(cycle)
            return
        if n in done:
            return
        for m in edges(n):
            visit(m, [*stack, n])
        done.add(n)

    for n in nodes:
        visit(n, [])
    return cycles
