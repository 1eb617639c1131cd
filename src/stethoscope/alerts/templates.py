"""The messages of alerts and playbook steps: Jinja2 templates, one per rule (or the default
of its kind), rendered in a sandbox.

A template sees ``account`` (id, name, owner, segment, arr, renewal_date), ``rule`` (name,
kind, description, severity), ``score``, ``band``, ``value`` (what the rule measured: the
score, the drop in points, the group's score ...), ``as_of``, ``moved`` (the measures whose
contributions moved most over the last 7 days, from the engine's explain: measure,
change in points and the day it is measured since), ``link`` (the account's page on the
dashboard) and ``task`` (due date and steps, when the alert opened one). Templates come
from the rules file, so they are rendered by Jinja2's sandbox: no attribute of Python's
internals is reachable from one.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_ENV.filters["num"] = lambda v, d=1: "n/a" if v is None else f"{v:,.{d}f}"
_ENV.filters["signed"] = lambda v, d=1: "n/a" if v is None else f"{v:+,.{d}f}"

SUBJECT = "[{{ rule.severity }}] {{ account.name }}: {{ headline }}"

HEADLINES = {
    "below": "health {{ score | num }} is below {{ rule.threshold | num(0) }}",
    "band_change": "moved to {{ band }}",
    "drop": "health dropped {{ value | num }} points in {{ rule.within_days }} days",
    "red": "{{ rule.dimension }} is red ({{ value | num }})",
    "detractor": "a new NPS detractor answer ({{ value | num(0) }})",
    "stalled": "onboarding stalled: no key event in {{ rule.within_days }} days",
    "renewal": "renews on {{ account.renewal_date }} while {{ band }}",
}

BODY = """\
{{ account.name }} ({{ account.id }}, {{ account.segment or "no segment" }}) \
needs attention: {{ headline }}.

Score {{ score | num }} ({{ band or "no band" }}) as of {{ as_of }}.
{% if moved %}
What moved since {{ moved[0].since }}:
{% for m in moved %}  {{ m.measure }}: {{ m.change | signed }} points
{% endfor %}{% endif %}
{% if task %}
A task is open for you, due {{ task.due_on }}{% if task.playbook %} (playbook \
{{ task.playbook }}){% endif %}:
{% for s in task.steps %}  {{ loop.index }}. {{ s.title }}
{% endfor %}{% endif %}
Account page: {{ link }}
"""


def check_template(text: str) -> str | None:
    """None when ``text`` is a valid template, else what is wrong with it, where."""
    try:
        _ENV.parse(text)
    except TemplateSyntaxError as e:
        return f"template syntax error on its line {e.lineno}: {e.message}"
    return None


def render(text: str, context: dict[str, Any]) -> str:
    return _ENV.from_string(text).render(context)


def headline(kind: str, context: dict[str, Any]) -> str:
    return render(HEADLINES[kind], context)


def message(
    subject: str | None, body: str | None, kind: str, context: dict[str, Any]
) -> tuple[str, str]:
    """(subject, body) of an alert: the rule's own templates, else its kind's defaults."""
    ctx = {**context, "headline": headline(kind, context)}
    return render(subject or SUBJECT, ctx).strip(), render(body or BODY, ctx)
