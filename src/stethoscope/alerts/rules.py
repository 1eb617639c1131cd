"""Alert rules as written (``*Spec``) and resolved (``Rule``), with their playbooks and routing.

Rules live under the ``alerts:`` key of the model file, or in a rules file of their own
(setting ``alert_rules``) whose top level is what ``alerts:`` would hold::

    rules:
      act:
        kind: below            # below, band_change, drop, red, detractor, stalled, renewal
        threshold: 60
        task: {playbook: red, due: 3d}
    routing:
      fallback: {enterprise: ent-lead@example.com, "*": cs@example.com}
    playbooks: {...}           # edits or additions to the shipped presets

The file is read with the model's YAML reader, so every problem is reported at once as
``file:line  dotted.path: what is wrong``: first the shape (the pydantic specs below), then
what needs the model and the settings (scores, bands, groups, measures, channels, playbooks,
templates). Every key is documented in docs/reference/model.md (a test fails otherwise).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from stethoscope.alerts.playbooks import Playbook, PlaybookSpec, playbook, presets
from stethoscope.contract.schema import TABLES
from stethoscope.errors import ModelError, Problem
from stethoscope.model.spec import Duration, Spec, duration_days, found

if typing.TYPE_CHECKING:
    from stethoscope.model.types import Model

Kind = Literal["below", "band_change", "drop", "red", "detractor", "stalled", "renewal"]
KINDS: tuple[str, ...] = typing.get_args(Kind)
HINT = "run `stethoscope alerts validate` after editing."
# the default hysteresis, as a share of the range of what the rule reads
HYSTERESIS = 0.05
# severities, least urgent first: an account with an open alert of a higher one gets no
# alert (nor task) of a lower one
SEVERITIES: tuple[str, ...] = ("info", "investigate", "act")
# the channel that every project has: email to the recipient, over the SMTP settings
EMAIL = "email"
# what ``resolves_on`` may name: the kinds of the contract's touchpoints
TOUCHPOINT_KINDS: tuple[str, ...] = TABLES["touchpoints"].column("kind").values or ()


class TaskSpec(Spec):
    playbook: str | None = None
    due: Duration = "7d"
    title: str | None = None


class RuleSpec(Spec):
    kind: Kind
    description: str = ""
    score: str = "health"
    threshold: float | None = None
    band: str | None = None
    points: float | None = Field(None, gt=0)
    percent: float | None = Field(None, gt=0, le=100)
    within: Duration | None = None
    hysteresis: float | None = Field(None, ge=0)
    cooldown: Duration = "7d"
    to: list[str] | None = None
    bands: list[str] | None = None
    group: str | None = None
    measure: str | None = None
    events: list[str] | None = None
    segments: list[str] | None = None
    severity: Literal["info", "investigate", "act"] = "act"  # SEVERITIES
    delivery: Literal["immediate", "digest"] = "immediate"
    channels: list[str] = Field(default_factory=lambda: [EMAIL])
    task: TaskSpec | None = None
    subject: str | None = None
    template: str | None = None
    # touchpoint kinds (call, meeting, ...) whose logging resolves the account's open alert
    resolves_on: list[str] | None = None


class PersonSpec(Spec):
    email: str | None = None
    scheduling_link: str | None = None


class RoutingSpec(Spec):
    fallback: dict[str, str] = Field(default_factory=dict)
    people: dict[str, PersonSpec] = Field(default_factory=dict)


class AlertsSpec(Spec):
    rules: dict[str, RuleSpec] = Field(default_factory=dict)
    routing: RoutingSpec = RoutingSpec()
    playbooks: dict[str, PlaybookSpec] = Field(default_factory=dict)


# -- resolved ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    description: str
    score: str
    threshold: float | None
    points: float | None
    within_days: int | None
    hysteresis: float
    cooldown_days: int
    to: tuple[str, ...]
    bands: tuple[str, ...]
    group: str | None
    measure: str | None
    events: tuple[str, ...]
    segments: tuple[str, ...]
    severity: str
    delivery: str
    channels: tuple[str, ...]
    playbook: str | None
    due_days: int | None  # None: the rule opens no task
    task_title: str | None
    subject: str | None
    template: str | None
    # the touchpoint kinds that resolve an open alert of the rule when logged (none: only
    # the scores do)
    resolves_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Routing:
    # segment -> person; "*" for any segment without its own
    fallback: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    # person -> a link where customers book a call with them (for playbook emails)
    links: dict[str, str] = field(default_factory=dict)

    def email_of(self, person: str) -> str | None:
        if person in self.emails:
            return self.emails[person]
        return person if "@" in person else None


@dataclass(frozen=True)
class Rules:
    rules: dict[str, Rule]
    routing: Routing
    playbooks: dict[str, Playbook]
    source: str = ""  # where they were read from, for messages


NO_RULES = Rules({}, Routing(), {})


# -- reading -----------------------------------------------------------------------------


def preset_rules_text(model: Model | None = None) -> str:
    """The starting rules of ``stethoscope alerts init`` (seed 001's thresholds and more), in
    the band names of ``model`` when given: the worst band acts, the next one investigates
    (left out when the model has only two bands)."""
    text = (
        resources.files("stethoscope.alerts")
        .joinpath("presets", "rules.yaml")
        .read_text(encoding="utf-8")
    )
    if model is None or [b.name for b in model.bands] == ["red", "yellow", "green"]:
        return text
    worst = model.bands[0].name
    text = text.replace("band: red", f"band: {worst}").replace("to: [red]", f"to: [{worst}]")
    text = text.replace("the red band", f"the {worst} band")
    if len(model.bands) > 2:
        nxt = model.bands[1].name
        return text.replace("band: yellow", f"band: {nxt}").replace("yellow band", f"{nxt} band")
    start, end = text.index("  investigate:\n"), text.index("  act:\n")
    return text[:start] + text[end:]


def load_rules(
    path: Path, model: Model, *, channels: typing.Iterable[str] = (), embedded: bool = False
) -> Rules:
    """The rules in ``path``: its ``alerts:`` key when ``embedded`` (the model file), else
    the whole file. A ModelError lists every problem with its file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(
            f"no alert rules file '{path}'",
            hint="create one with `stethoscope alerts init`, or empty the alert_rules setting",
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ModelError(f"cannot read alert rules '{path}': {e}") from None
    return parse_rules(text, str(path), model, channels=channels, key="alerts" if embedded else "")


def parse_rules(
    text: str,
    filename: str,
    model: Model,
    *,
    channels: typing.Iterable[str] = (),
    key: str = "",
) -> Rules:
    """The rules written in ``text``; ``key`` names the mapping that holds them (``alerts``
    in a model file; '' when they are the whole file)."""
    from stethoscope.model.loader import line_of, read_yaml, shape_problems

    data, lines, problems = read_yaml(text, filename)

    def where(path: str) -> str:
        return f"{filename}:{line_of(path, lines)}"

    if problems:
        _fail(filename, problems)
    if key:
        data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            return Rules({}, Routing(), presets(), filename)
    if not isinstance(data, dict):
        _fail(
            filename,
            [
                Problem(
                    where(key),
                    f"{key or 'top level'}: expected a mapping of "
                    f"rules, routing and playbooks, got {found(data)}",
                )
            ],
        )
    shape, locs = shape_problems(data, AlertsSpec, where, key)
    problems += shape
    clean = _without(data, locs)
    spec = AlertsSpec.model_validate(clean)
    rules = _Resolver(spec, where, key, model, set(channels) | {EMAIL}).resolve(problems)
    if problems:
        _fail(filename, problems)
    return Rules(rules.rules, rules.routing, rules.playbooks, filename)


def _fail(filename: str, problems: list[Problem]) -> typing.NoReturn:
    def line(p: Problem) -> int:
        tail = p.where.rsplit(":", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    ordered = sorted(problems, key=lambda p: (line(p), p.message))
    n = len(ordered)
    raise ModelError(
        f"invalid alert rules '{filename}' ({n} problem{'s' if n != 1 else ''})", ordered, hint=HINT
    )


def _without(data: dict[str, Any], locs: list[tuple[int | str, ...]]) -> dict[str, Any]:
    """``data`` without the entries that failed their shape check, so that the rest can
    still be checked against the model."""
    out: dict[str, Any] = {}
    for section, value in data.items():
        if section not in AlertsSpec.model_fields:
            continue
        bad = [loc for loc in locs if loc[:1] == (section,)]
        if not bad:
            out[section] = value
        elif isinstance(value, dict) and all(len(loc) > 1 for loc in bad):
            drop = {str(loc[1]) for loc in bad}
            if section == "routing":
                continue
            out[section] = {k: v for k, v in value.items() if k not in drop}
    return out


class _Resolver:
    def __init__(
        self,
        spec: AlertsSpec,
        where: typing.Callable[[str], str],
        prefix: str,
        model: Model,
        channels: set[str],
    ) -> None:
        self.spec = spec
        self.where = where
        self.prefix = prefix
        self.model = model
        self.channels = channels
        self.problems: list[Problem] = []

    def path(self, *parts: str | int) -> str:
        out = self.prefix
        for p in parts:
            out = f"{out}[{p}]" if isinstance(p, int) else (f"{out}.{p}" if out else p)
        return out

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.where(path), f"{path}: {message}"))

    def resolve(self, problems: list[Problem]) -> Rules:
        from stethoscope.alerts.templates import check_template

        playbooks = presets()
        for name, p in self.spec.playbooks.items():
            playbooks[name] = playbook(name, p)
            for i, s in enumerate(p.steps):
                here = self.path("playbooks", name, "steps", i)
                if (s.email_contact is None) != (s.template is None):
                    self.problem(
                        here,
                        "a step that emails a customer contact needs both email_contact (the "
                        "contact's role) and template",
                    )
                if s.template is not None:
                    err = check_template(s.template)
                    if err:
                        self.problem(f"{here}.template", err)
        rules = {}
        for name, r in self.spec.rules.items():
            rule = self.rule(name, r, playbooks)
            if rule is not None:
                rules[name] = rule
        routing = Routing(
            dict(self.spec.routing.fallback),
            {n: p.email for n, p in self.spec.routing.people.items() if p.email},
            {
                n: p.scheduling_link
                for n, p in self.spec.routing.people.items()
                if p.scheduling_link
            },
        )
        problems += self.problems
        return Rules(rules, routing, playbooks)

    def rule(self, name: str, r: RuleSpec, playbooks: dict[str, Playbook]) -> Rule | None:
        from stethoscope.alerts.templates import check_template
        from stethoscope.model.resolve_columns import suggest

        here = self.path("rules", name)
        before = len(self.problems)
        m = self.model
        band_names = [b.name for b in m.bands]

        def need(key: str, value: object, why: str) -> None:
            if value is None:
                self.problem(f"{here}", f"a '{r.kind}' rule needs {key}: {why}")

        def known(key: str, value: str, options: list[str], what: str) -> None:
            if value not in options:
                self.problem(
                    f"{here}.{key}",
                    f"unknown {what} '{value}'{suggest(value, options)}; "
                    f"expected one of {', '.join(options) or 'nothing (the model has none)'}",
                )

        lo, hi = m.scale.min, m.scale.max
        width = hi - lo
        on_scale = f"the model's scale is {_num(lo)} to {_num(hi)}"
        known("score", r.score, list(m.scores), "score")
        threshold, points = r.threshold, r.points
        if r.band is not None and r.kind != "below":
            self.problem(f"{here}.band", f"band is for 'below' rules, not '{r.kind}'")
        if r.percent is not None and r.kind != "drop":
            self.problem(f"{here}.percent", f"percent is for 'drop' rules, not '{r.kind}'")
        if r.kind == "below":
            if (r.threshold is None) == (r.band is None):
                self.problem(
                    here,
                    "a 'below' rule needs threshold (a score on the model's scale) or band "
                    "(alert in that band or a worse one), one of them",
                )
            elif r.band is not None:
                edges = {b.name: b.below for b in m.bands}
                known("band", r.band, band_names, "band")
                if r.band in edges and edges[r.band] is None:
                    self.problem(
                        f"{here}.band",
                        f"'{r.band}' is the best band: every score is in it or a worse one; "
                        f"name a band below it ({', '.join(band_names[:-1])})",
                    )
                threshold = edges.get(r.band)
            elif r.threshold is not None and not lo < r.threshold <= hi:
                self.problem(
                    f"{here}.threshold",
                    f"{_num(r.threshold)} is outside the score's range: {on_scale}, so the "
                    f"rule would alert {'every' if r.threshold > hi else 'no'} account; write "
                    "it on the model's scale or as a band (band: "
                    f"{band_names[0] if band_names else 'red'})",
                )
        elif r.kind == "drop":
            if (r.points is None) == (r.percent is None):
                self.problem(
                    here,
                    "a 'drop' rule needs points (on the model's scale) or percent (of the "
                    "scale's range), one of them: alert when the score drops by this much",
                )
            elif r.percent is not None:
                points = width * r.percent / 100
            elif r.points is not None and r.points > width:
                self.problem(
                    f"{here}.points",
                    f"a drop of {_num(r.points)} points cannot happen: {on_scale}; write it on "
                    "the scale or as percent of it (percent: 15)",
                )
            need("within", r.within, "the days over which the drop is measured, like '7d'")
        elif r.kind == "red":
            if (r.group is None) == (r.measure is None):
                self.problem(here, "a 'red' rule needs one of group or measure, not both")
            if r.group is not None:
                known("group", r.group, list(m.groups), "group")
            if r.measure is not None:
                known("measure", r.measure, list(m.measures), "measure")
        elif r.kind == "stalled":
            need("events", r.events, "the key events an onboarding account should send")
            need("within", r.within, "the days after customer_since they are expected in")
        elif r.kind == "renewal":
            need("within", r.within, "how many days before the renewal date to alert")
        for key, names in (("to", r.to), ("bands", r.bands)):
            for i, b in enumerate(names or []):
                known(f"{key}[{i}]", b, band_names, "band")
        for i, c in enumerate(r.channels):
            known(f"channels[{i}]", c, sorted(self.channels), "channel")
        for i, k in enumerate(r.resolves_on or []):
            known(f"resolves_on[{i}]", k, list(TOUCHPOINT_KINDS), "touchpoint kind")
        playbook = r.task.playbook if r.task else None
        if playbook is not None:
            known("task.playbook", playbook, sorted(playbooks), "playbook")
        for key in ("subject", "template"):
            text = getattr(r, key)
            if text is not None and (err := check_template(text)):
                self.problem(f"{here}.{key}", err)
        if r.hysteresis is not None and r.hysteresis > width:
            self.problem(
                f"{here}.hysteresis",
                f"{_num(r.hysteresis)} is more than the whole scale ({on_scale}): an alert "
                "would never resolve",
            )
        if len(self.problems) > before:
            return None
        # a change into any band but the best, and a renewal while not in the best band
        worse = tuple(band_names[:-1])
        red = m.bands[0].below if m.bands and m.bands[0].below is not None else 40.0
        return Rule(
            name=name,
            kind=r.kind,
            description=r.description,
            score=r.score,
            threshold=threshold if threshold is not None else (red if r.kind == "red" else None),
            points=points,
            within_days=duration_days(r.within) if r.within else None,
            # by default 5% of the range the rule reads: 5 points on 0-100, 0.5 on 0-10
            hysteresis=r.hysteresis
            if r.hysteresis is not None
            else (5.0 if r.kind == "red" else width * HYSTERESIS),
            cooldown_days=duration_days(r.cooldown),
            to=tuple(r.to) if r.to else worse,
            bands=tuple(r.bands) if r.bands else worse,
            group=r.group,
            measure=r.measure,
            events=tuple(r.events or ()),
            segments=tuple(r.segments or ()),
            severity=r.severity,
            delivery=r.delivery,
            channels=tuple(dict.fromkeys(r.channels)),
            playbook=playbook,
            due_days=duration_days(r.task.due) if r.task else None,
            task_title=r.task.title if r.task else None,
            subject=r.subject,
            template=r.template,
            resolves_on=tuple(dict.fromkeys(r.resolves_on or ())),
        )


def _num(x: float) -> str:
    return f"{x:g}"
