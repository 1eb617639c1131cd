"""docs/reference/model.md documents every key of the model YAML: a key, grading kind,
aggregate function, attribute or preset without documentation fails here."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from stethoscope.model.presets import list_presets
from stethoscope.model.resolve_metrics import ATTRIBUTES
from stethoscope.model.spec import GRADINGS, ModelSpec
from stethoscope.model.types import AggregateFn

DOC = Path(__file__).parents[2] / "docs" / "reference" / "model.md"
# the placeholder for the keys of a mapping, by the key that holds it
PLACEHOLDER = {"where": "<column>"}


def _section(title: str) -> str:
    """The text under the heading ``title`` up to the next heading."""
    text = DOC.read_text()
    m = re.search(rf"^#+ {re.escape(title)}\n", text, re.M)
    assert m, f"model.md has no heading '{title}'"
    end = re.compile(r"^#+ ", re.M).search(text, m.end())
    return text[m.end() : end.start() if end else len(text)]


def _rows(section: str) -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.M))


def _strip(t: object) -> object:
    """``t`` without Optional and Annotated."""
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            t = typing.get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(t) if a is not type(None)]
            if len(inner) != 1:
                return t
            t = inner[0]
        else:
            return t


def _specs(spec: type[BaseModel], path: str) -> Iterator[tuple[str, type[BaseModel]]]:
    """(YAML path pattern, Spec class) for every mapping the language has."""
    yield path, spec
    for name, field in spec.model_fields.items():
        key = field.alias or name
        t = _strip(field.annotation)
        here = f"{path}.{key}" if path else key
        while True:
            origin = typing.get_origin(t)
            if origin is list:
                t, here = _strip(typing.get_args(t)[0]), f"{here}[]"
            elif origin is dict:
                t = _strip(typing.get_args(t)[1])
                here = f"{here}.{PLACEHOLDER.get(key, '<name>')}"
            else:
                break
        if isinstance(t, type) and issubclass(t, BaseModel):
            yield from _specs(t, here)


SPECS = dict(_specs(ModelSpec, ""))


def test_the_walk_finds_every_part() -> None:
    assert {
        "",
        "scale",
        "bands[]",
        "inputs.<name>",
        "metrics.<name>",
        "metrics.<name>.where.<column>",
        "measures.<name>",
        "measures.<name>.rules[]",
        "measures.<name>.thresholds",
        "groups.<name>",
        "scorecards.<name>",
        "scores.<name>",
        "scores.<name>.segments[]",
    } <= set(SPECS)


@pytest.mark.parametrize("path", list(SPECS))
def test_every_key_is_documented(path: str) -> None:
    spec = SPECS[path]
    section = _section("Top level" if not path else f"`{path}`")
    keys = {f.alias or n for n, f in spec.model_fields.items()}
    missing = keys - _rows(section)
    assert not missing, f"model.md, `{path or 'top level'}`: undocumented keys {missing}"
    extra = _rows(section) - keys
    assert not extra, f"model.md, `{path or 'top level'}`: documents keys that do not exist {extra}"


@pytest.mark.parametrize("kind", GRADINGS)
def test_every_grading_kind_is_documented(kind: str) -> None:
    section = _section(f"`{kind}`")
    assert len(section.strip()) > 80, kind


def test_every_aggregate_function_is_documented() -> None:
    assert _rows(_section("Aggregate functions")) == set(typing.get_args(AggregateFn))


def test_every_attribute_is_documented() -> None:
    assert _rows(_section("Attributes")) == {*ATTRIBUTES, "attributes.<key>"}


@pytest.mark.parametrize("name", list_presets())
def test_every_preset_says_where_it_comes_from(name: str) -> None:
    assert len(_section(f"`{name}`").strip()) > 200, name
