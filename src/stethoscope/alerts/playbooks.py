"""Playbooks: the steps a task asks of its owner, shipped as editable presets.

The presets (alerts/presets/playbooks.yaml) carry, per band and per D.E.A.R. dimension,
the actions of a red, yellow or green account, and the NPS sequences for detractors,
passives and promoters. A rules file edits one by writing a playbook of the same name
under ``playbooks:``, or adds its own. A step with ``email_contact`` (a contact role) and a
``template`` emails the account's contacts of that role, ``after`` days from the task's
opening, only in a playbook that says ``email_customers: true``: writing to customers is
an explicit choice, per playbook. Otherwise the step is the CSM's to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from pydantic import Field

from stethoscope.errors import ModelError
from stethoscope.model.spec import Duration, Spec, duration_days


class StepSpec(Spec):
    title: str
    after: Duration | None = None
    email_contact: str | None = None
    subject: str | None = None
    template: str | None = None


class PlaybookSpec(Spec):
    description: str = ""
    email_customers: bool = False
    steps: list[StepSpec] = Field(min_length=1)


class PresetsSpec(Spec):
    playbooks: dict[str, PlaybookSpec]


@dataclass(frozen=True)
class Step:
    title: str
    after_days: int = 0
    # the role of the customer contact this step emails (None: the CSM does the step)
    email_contact: str | None = None
    subject: str | None = None
    template: str | None = None


@dataclass(frozen=True)
class Playbook:
    name: str
    description: str
    # a step that emails a customer contact is sent only when the playbook opts in
    email_customers: bool
    steps: tuple[Step, ...]


def preset_playbooks_text() -> str:
    return (
        resources.files("stethoscope.alerts")
        .joinpath("presets", "playbooks.yaml")
        .read_text(encoding="utf-8")
    )


_PRESETS: dict[str, Playbook] | None = None


def presets() -> dict[str, Playbook]:
    """The playbooks shipped with the package (alerts/presets/playbooks.yaml)."""
    global _PRESETS
    if _PRESETS is None:
        from stethoscope.model.loader import read_yaml, shape_problems

        data, _, problems = read_yaml(preset_playbooks_text(), "playbooks.yaml")
        shape, _ = shape_problems({"playbooks": data}, PresetsSpec, lambda p: "playbooks.yaml")
        if problems or shape:  # pragma: no cover - the shipped file is tested
            raise ModelError("the shipped playbooks are invalid", problems + shape)
        spec = PresetsSpec.model_validate({"playbooks": data})
        _PRESETS = {n: playbook(n, p) for n, p in spec.playbooks.items()}
    return dict(_PRESETS)


def playbook(name: str, p: PlaybookSpec) -> Playbook:
    steps = tuple(
        Step(
            s.title,
            duration_days(s.after) if s.after else 0,
            s.email_contact,
            s.subject,
            s.template,
        )
        for s in p.steps
    )
    return Playbook(name, p.description, p.email_customers, steps)
