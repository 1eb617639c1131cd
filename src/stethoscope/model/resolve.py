"""Checks that need the whole model, and resolution of a ``ModelSpec`` into a ``types.Model``.

One pass does both: each part is checked and resolved in order (inputs, metrics, measures,
groups, scorecards, scores), every problem is collected with its dotted path, and the
model is returned only when there is none. Names that the YAML defines but that failed the
shape checks (``broken``) are known: a reference to them is not reported again. Metrics are
resolved in ``resolve_metrics``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable

from stethoscope.errors import ModelError
from stethoscope.model import expressions
from stethoscope.model.resolve_columns import suggest
from stethoscope.model.resolve_metrics import NAME, Kind, MetricResolver, cycles
from stethoscope.model.spec import (
    GRADINGS,
    GroupSpec,
    InputSpec,
    MeasureSpec,
    ModelSpec,
    duration_days,
    found,
)
from stethoscope.model.types import (
    And,
    Band,
    Boolean,
    Categorical,
    Compare,
    Const,
    Decay,
    Expr,
    Grading,
    Group,
    In,
    InputDef,
    IsMissing,
    Item,
    Linear,
    Measure,
    Model,
    Name,
    Not,
    Nps,
    Or,
    Percentile,
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

MODEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RANKED = frozenset({"percentile", "tertiles", "zscore"})
# the default bands (seed 001: below 70 investigate, below 60 act), as shares of max
DEFAULT_BANDS = (("red", 0.6, "Act"), ("yellow", 0.7, "Investigate"), ("green", None, "Healthy"))


def _grade_ok(value: float) -> bool:
    return 0 <= value <= 100


class Resolver(MetricResolver):
    """``Resolver(spec, where, broken, written).resolve()``: the model, or a ModelError
    with every problem (``where`` maps a dotted path to ``file:line``)."""

    def __init__(
        self,
        spec: ModelSpec,
        where: Callable[[str], str],
        broken: dict[str, set[str]] | None = None,
        written: Container[str] = (),
    ) -> None:
        super().__init__(spec, where, broken, written)
        self.measures: dict[str, Measure] = {}
        self.groups: dict[str, Group] = {}
        self.scorecards: dict[str, Scorecard] = {}

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
                    at="scale",
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

    # -- measures ---------------------------------------------------------------------------

    def _measure(self, name: str, m: MeasureSpec) -> Measure | None:
        path = f"measures.{name}"
        kind = self.metric_kind(m.metric, f"{path}.metric")
        written = m.gradings()
        if not written:
            self.problem(path, f"no grading; expected one of {', '.join(GRADINGS)}")
            return None
        if len(written) > 1:
            self.problem(
                path, f"has both {written[0]} and {written[1]}; a measure has exactly one grading"
            )
            return None
        key = written[0]
        grading = self._grading(key, m, f"{path}.{key}")
        if m.other is not None and key != "categories":
            self.problem(f"{path}.other", "only for categories grading")
        elif m.other is not None and not _grade_ok(m.other):
            self.problem(f"{path}.other", f"grade {m.other:g} is outside 0-100")
        if m.direction is not None and key not in RANKED:
            self.problem(
                f"{path}.direction",
                "only for percentile, tertiles and zscore; "
                f"{key} says which values are better by itself",
            )
        if kind is not None and grading is not None:
            wants: Kind = "text" if key == "categories" else "number"
            if key != "boolean" and kind != wants:
                self.problem(
                    f"{path}.metric",
                    f"'{m.metric}' is text; {key} grades numbers (categories grade text)"
                    if wants == "number"
                    else f"'{m.metric}' is a number; categories grade text",
                )
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
            missing="skip" if m.missing == "skip" else float(m.missing),
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
                    self.problem(
                        f"{p}[{i}]",
                        f"at_least values must ascend; "
                        f"{t.points[i][0]:g} follows {t.points[i - 1][0]:g}",
                    )
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
            ok = self._grades(
                path, [(f".{k}", getattr(n, k)) for k in ("detractor", "passive", "promoter")]
            )
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
                self.problem(
                    path, "expected values and their grades, e.g. {starter: 50, enterprise: 100}"
                )
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
                        self.problem(
                            path,
                            f"'{left.name}' is {kinds[left.name]} and "
                            f"'{right.name}' is {kinds[right.name]}; they cannot "
                            "be compared",
                        )
                    elif kinds[left.name] == "text" and op not in ("==", "!="):
                        self.problem(path, f"'{op}' compares numbers; '{left.name}' is text")
                    return e
                name = left if isinstance(left, Name) else right
                const = right if isinstance(right, Const) else left
                assert isinstance(name, Name)
                assert isinstance(const, Const)
                before = len(self.problems)
                value = self._value(name.name, kinds[name.name], const.value, path)
                typed = len(self.problems) == before
                if typed and kinds[name.name] == "text" and op not in ("==", "!="):
                    self.problem(path, f"'{op}' compares numbers; '{name.name}' is text")
                c = Const(value)
                return Compare(name, op, c) if name is left else Compare(c, op, name)
            case In(name, values, negated):
                k = kinds[name.name]
                return In(name, tuple(self._value(name.name, k, v, path) for v in values), negated)
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
                self.problem(path, f"'{name}' is a number; compare it with a number, got {value!r}")
            return value
        if not isinstance(value, str):
            self.problem(
                path, f"'{name}' is text; compare it with text in quotes, got {found(value)}"
            )
        return value

    # -- groups and scorecards --------------------------------------------------------------

    def _compositions(self) -> None:
        s = self.spec
        for name in s.groups:
            if name in s.measures and self._name("groups", name):
                self.problem(
                    f"groups.{name}",
                    f"'{name}' is also a measure; a measure and a group need different names",
                )
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
            return [
                i.name for i in self.groups[n].items if i.kind == "group" and i.name in self.groups
            ]

        for cycle in cycles(list(self.groups), members):
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
                self.problem(
                    p,
                    f"unknown measure or group '{member}'"
                    + suggest(member, [*s.measures, *s.groups]),
                )
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
                self.problem(
                    "scores",
                    f"needed when there is more than one scorecard "
                    f"({', '.join(cards)}): say which accounts each one scores",
                    at="scorecards",
                )
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
                    self.problem(
                        f"{p}.name", f"expected lower-case letters, digits and _, got {seg_name!r}"
                    )
                elif seg_name in seen:
                    self.problem(
                        p,
                        f"segment '{seg_name}' is defined twice in this score"
                        + ("" if seg.name else "; give each a name"),
                    )
                seen.add(seg_name)
                if catch_all is not None:
                    self.problem(
                        p,
                        f"never reached: segment '{catch_all}' before it has no "
                        "when and takes every account",
                    )
                when = None if seg.when is None else self.condition(seg.when, f"{p}.when")
                if seg.when is None:
                    catch_all = seg_name
                if seg.scorecard not in s.scorecards:
                    if not self._broken("scorecards", seg.scorecard):
                        self.problem(
                            f"{p}.scorecard",
                            f"unknown scorecard '{seg.scorecard}'"
                            + suggest(seg.scorecard, s.scorecards),
                        )
                    continue
                if seg.when is None or when is not None:
                    segments.append(Segment(seg_name, seg.scorecard, when))
            out[name] = Score(name, tuple(segments), sc.description)
        return out
