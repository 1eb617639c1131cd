"""Load a health model: YAML text -> ``ModelSpec`` (as written) -> ``types.Model`` (resolved).

Every problem is reported at once, each as ``file:line  dotted.path: what is wrong``:
the YAML is composed into a node tree (so each dotted path keeps its line), checked in
shape by the pydantic ``*Spec`` models, then as a whole and resolved (``resolve``).

The version of a model is the sha256 of a canonical JSON of the resolved model, so
comments, formatting and the order of mapping keys do not change it; anything that can
change a score (or a description, or a label) does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import types as pytypes
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from stethoscope.errors import ModelError, Problem
from stethoscope.model.resolve import Resolver
from stethoscope.model.resolve_columns import suggest
from stethoscope.model.spec import SECTIONS, ModelSpec, found, keys
from stethoscope.model.types import Aggregate, Categorical, Group, Model, Scorecard

HINT = "run `stethoscope validate` after editing."
# more nodes than any sane model has: guards against alias bombs
MAX_NODES = 200_000


def load_model(path: Path) -> Model:
    """The model in the file ``path``, or a ModelError listing every problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(
            f"no model file '{path}'",
            hint="create one with `stethoscope init`, or pass the path of your model",
        ) from None
    except OSError as e:
        raise ModelError(f"cannot read model '{path}': {e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ModelError(
            f"invalid model '{path}' (1 problem)",
            [
                Problem(
                    f"{path}:{line}",
                    f"expected UTF-8 text, got the byte 0x{data[e.start]:02x} at column "
                    f"{column} (the file is in another encoding, such as Windows-1252)",
                )
            ],
            hint="save the file as UTF-8 (in most editors: Save As, encoding UTF-8), then "
            "run `stethoscope validate`",
        ) from None
    return parse_model(text, str(path))


def parse_model(text: str, filename: str = "model.yaml") -> Model:
    """The model written in ``text`` (``filename`` is only used in messages)."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    data = _read_yaml(text, filename, lines, problems)
    if problems:
        _fail(filename, problems)

    def where(path: str) -> str:
        return f"{filename}:{_line(path, lines)}"

    if not isinstance(data, dict):
        _fail(
            filename,
            [
                Problem(
                    f"{filename}:1",
                    "expected a mapping of model keys (name, "
                    f"metrics, measures, ...), got {found(data)}",
                )
            ],
        )
    spec, broken = _validate(data, where, problems)
    model: Model | None = None
    if spec is not None:
        try:
            model = Resolver(spec, where, broken, lines).resolve()
        except ModelError as e:
            problems += e.problems
    if problems or model is None:
        _fail(filename, problems)
    return dataclasses.replace(model, version=version(model), source=text)


def version(model: Model) -> str:
    """sha256 hex of the canonical JSON of ``model`` (without its version and source)."""
    body = json.dumps(_canonical(model), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _fail(filename: str, problems: list[Problem]) -> typing.NoReturn:
    ordered = sorted(problems, key=lambda p: (_where_line(p.where), p.message))
    n = len(ordered)
    raise ModelError(
        f"invalid model '{filename}' ({n} problem{'s' if n != 1 else ''})", ordered, hint=HINT
    )


def _where_line(where: str) -> int:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# -- YAML with line numbers --------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader reading YAML 1.2 booleans: only true/false, so `no`, `on`, `y` stay text,
    and dates stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _read_yaml(text: str, filename: str, lines: dict[str, int], problems: list[Problem]) -> Any:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            problems.append(
                Problem(
                    f"{filename}:1",
                    "the file is empty; a model needs at least name, measures and scorecards",
                )
            )
            return None
        lines[""] = node.start_mark.line + 1
        count = [0]
        return _convert(loader, node, "", lines, problems, filename, set(), count)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(x for x in (e.context, e.problem) if x)
        problems.append(Problem(f"{filename}:{line}", f"YAML syntax error: {what}"))
    except yaml.reader.ReaderError as e:
        line = text[: e.position].count("\n") + 1
        problems.append(
            Problem(
                f"{filename}:{line}",
                f"YAML syntax error: character #x{e.character:04x} is not allowed in a YAML file",
            )
        )
    except yaml.YAMLError as e:
        problems.append(Problem(f"{filename}:1", f"YAML syntax error: {e}"))
    except RecursionError:
        problems.append(Problem(f"{filename}:1", "YAML syntax error: nested too deeply"))
    finally:
        if loader is not None:
            loader.dispose()
    return None


def _convert(
    loader: _Loader,
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[Problem],
    filename: str,
    active: set[int],
    count: list[int],
) -> Any:
    """Plain Python values of ``node``; ``lines`` maps each dotted path to its line."""
    count[0] += 1
    if count[0] > MAX_NODES or id(node) in active:
        raise yaml.YAMLError("the document refers to itself, or is far too large")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(loader, node)
    active = active | {id(node)}
    if isinstance(node, yaml.SequenceNode):
        out_list = []
        for i, item in enumerate(node.value):
            p = f"{path}[{i}]"
            lines[p] = item.start_mark.line + 1
            out_list.append(_convert(loader, item, p, lines, problems, filename, active, count))
        return out_list
    assert isinstance(node, yaml.MappingNode)
    out: dict[str, Any] = {}
    first: dict[str, int] = {}
    previous, previous_node = "", None
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Problem(f"{filename}:{line}", f"{path or 'top level'}: a key must be plain text")
            )
            continue
        key = str(key_node.value)
        p = f"{path}.{key}" if path else key
        if key in out or key in first:
            problems.append(
                Problem(
                    f"{filename}:{line}", f"{p}: duplicate key '{key}' (first at line {first[key]})"
                )
            )
            continue
        if node.flow_style and _split_by_comma(key_node, value_node, previous_node):
            text = f"{out[previous]}, {key}"
            problems.append(
                Problem(
                    f"{filename}:{line}",
                    f"{path}.{previous}: the comma after '{out[previous]}' ends the value in a "
                    f"{{...}} mapping, so '{key}' was read as a key of its own; quote the "
                    f'text: {previous}: "{text}"',
                )
            )
            continue
        first[key] = line
        lines[p] = line
        out[key] = _convert(loader, value_node, p, lines, problems, filename, active, count)
        previous, previous_node = key, value_node
    return out


def _split_by_comma(key: yaml.Node, value: yaml.Node, previous: yaml.Node | None) -> bool:
    """Whether a key without a colon in a flow mapping (``{a: b, c}``) is most likely the
    rest of the plain text before it, cut by a comma: ``{description: Logins, weekly}``.
    (``{a: b, c:}`` is a key written with no value, and says so as it is.)"""
    if not (
        isinstance(previous, yaml.ScalarNode)
        and previous.style is None
        and previous.tag == "tag:yaml.org,2002:str"
        and isinstance(value, yaml.ScalarNode)
        and value.tag == "tag:yaml.org,2002:null"
        and value.value == ""
    ):
        return False
    buffer = key.end_mark.buffer
    between = buffer[key.end_mark.pointer : value.start_mark.pointer] if buffer else ":"
    return ":" not in between


def _scalar(loader: _Loader, node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return node.value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return loader.construct_yaml_int(node)
    if tag == "tag:yaml.org,2002:float":
        return loader.construct_yaml_float(node)
    return str(node.value)


def _line(path: str, lines: dict[str, int]) -> int:
    """The line of ``path``, or of its nearest ancestor written in the file."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("", 1)


# -- shape checks (pydantic) -------------------------------------------------------------


def _validate(
    data: dict[str, Any], where: Callable[[str], str], problems: list[Problem]
) -> tuple[ModelSpec | None, dict[str, set[str]]]:
    """The spec, and the names each section wrote that failed their shape check; when
    anything failed, the spec holds only what passed, so whole-model checks still run."""
    try:
        return ModelSpec.model_validate(data), {}
    except ValidationError as e:
        errors = e.errors(include_url=False)
    for err in errors:
        path = _written_path(err["loc"], data)
        problems.append(Problem(where(path), f"{path or 'top level'}: {_message(err)}"))
    broken: dict[str, set[str]] = {"": set()}
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key not in ModelSpec.model_fields:
            continue
        locs = [err["loc"] for err in errors if err["loc"][:1] == (key,)]
        if key in SECTIONS and isinstance(value, dict) and (key,) not in locs:
            bad = {str(loc[1]) for loc in locs if len(loc) > 1}
            clean[key] = {k: v for k, v in value.items() if k not in bad}
            broken[key] = bad
        elif locs:
            broken[""].add(key)
            if key in SECTIONS:
                broken[key] = {"*"}
        else:
            clean[key] = value
    # required keys, missing or invalid: a stand-in so the rest can be checked
    for key, stand_in in (("name", "model"), ("measures", {}), ("scorecards", {})):
        if key not in clean:
            clean[key] = stand_in
            broken[""].add(key)
            broken.setdefault(key, {"*"})
    try:
        return ModelSpec.model_validate(clean), broken
    except ValidationError:  # pragma: no cover - every failing key was dropped above
        return None, broken


def read_yaml(text: str, filename: str) -> tuple[Any, dict[str, int], list[Problem]]:
    """The plain values of a YAML file written like the model (YAML 1.2 booleans, dates as
    text), the line of each dotted path, and the problems of its syntax."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    data = _read_yaml(text, filename, lines, problems)
    return data, lines, problems


def line_of(path: str, lines: dict[str, int]) -> int:
    """The line of ``path``, or of its nearest ancestor written in the file."""
    return _line(path, lines)


def shape_problems(
    data: Any, root: type[BaseModel], where: Callable[[str], str], prefix: str = ""
) -> tuple[list[Problem], list[tuple[int | str, ...]]]:
    """Every shape problem of ``data`` against the spec ``root``, worded as for a model
    (``where`` turns a dotted path into ``file:line``; ``prefix`` is the path of ``data`` in
    its file), and the pydantic location of each."""
    try:
        root.model_validate(data)
        return [], []
    except ValidationError as e:
        errors = e.errors(include_url=False)
    out = []
    for err in errors:
        path = _written_path(err["loc"], data)
        full = f"{prefix}.{path}" if prefix and path else (prefix or path)
        out.append(Problem(where(full), f"{full or 'top level'}: {_message(err, root)}"))
    return out, [err["loc"] for err in errors]


VIRTUAL = ("points", "in")


def _written_path(loc: tuple[int | str, ...], data: Any) -> str:
    """The dotted path of an error as the user wrote it: the wrappers of short forms
    (``weights``, ``points``, ``in``) are dropped where the YAML did not write them."""
    out = ""
    cur: Any = data
    for seg in loc:
        if isinstance(seg, int):
            if isinstance(cur, list) and 0 <= seg < len(cur):
                out += f"[{seg}]"
                cur = cur[seg]
            else:
                cur = None
            continue
        if isinstance(cur, dict):
            if seg == "weights" and seg not in cur and "description" not in cur:
                continue
            out += f".{seg}" if out else seg
            cur = cur.get(seg)
        elif seg in VIRTUAL and cur is not None:
            continue
        else:
            out += f".{seg}" if out else seg
            cur = None
    return out


def _message(err: ErrorDetails, root: type[BaseModel] = ModelSpec) -> str:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    loc = err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc[:-1], root)
        hint = suggest(key, allowed) or (
            f"; expected one of {', '.join(allowed)}" if allowed else ""
        )
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return "missing (required)"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = suggest(str(value), options) if isinstance(value, str) else ""
        want = f"'{options[0]}'" if len(options) == 1 else f"one of {', '.join(options)}"
        return f"expected {want}, got {found(value)}{close}"
    if kind in ("too_short", "too_long"):
        n = ctx.get("actual_length")
        lo, hi = _lengths(loc, root)
        bound = f"at least {lo}" if kind == "too_short" else f"at most {hi}"
        want = f"{lo}" if lo == hi else bound
        return f"expected {want} items, got {n}"
    simple = {
        "string_type": "expected text",
        "float_type": "expected a number",
        "float_parsing": "expected a number",
        "finite_number": "expected a finite number",
        "int_type": "expected a whole number",
        "int_from_float": "expected a whole number",
        "bool_type": "expected true or false",
        "dict_type": "expected a mapping (key: value)",
        "model_type": "expected a mapping (key: value)",
        "model_attributes_type": "expected a mapping (key: value)",
        "list_type": "expected a list",
    }
    if kind in simple:
        return f"{simple[kind]}, got {found(value)}"
    bounds = {
        "greater_than": "gt",
        "greater_than_equal": "ge",
        "less_than": "lt",
        "less_than_equal": "le",
    }
    if kind in bounds:
        words = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
        bound = bounds[kind]
        return f"expected a number {words[bound]} {found(ctx.get(bound))}, got {found(value)}"
    return str(err["msg"])


def _walk(loc: tuple[int | str, ...], root: type[BaseModel] = ModelSpec) -> tuple[Any, list[Any]]:
    """The type of ``root`` at ``loc`` and its constraints (None when loc leaves it)."""
    current: Any = root
    meta: list[Any] = []
    for seg in loc:
        current, _ = _strip(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            if seg not in fields:
                return None, []
            current, meta = fields[str(seg)].annotation, list(fields[str(seg)].metadata)
        elif typing.get_origin(current) in (list, dict):
            current, meta = typing.get_args(current)[-1], []
        else:
            return None, []
    current, more = _strip(current)
    return current, meta + more


def _strip(t: Any) -> tuple[Any, list[Any]]:
    """``t`` without Optional and Annotated, and the constraints Annotated carried."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            for m in typing.get_args(t)[1:]:
                meta += getattr(m, "metadata", [m])
            t = typing.get_args(t)[0]
        elif origin in (typing.Union, pytypes.UnionType):
            inner = [a for a in typing.get_args(t) if a is not type(None)]
            if len(inner) != 1:
                return t, meta
            t = inner[0]
        else:
            return t, meta


def _allowed_keys(loc: tuple[int | str, ...], root: type[BaseModel] = ModelSpec) -> list[str]:
    t, _ = _walk(loc, root)
    return keys(t) if isinstance(t, type) and issubclass(t, BaseModel) else []


def _lengths(
    loc: tuple[int | str, ...], root: type[BaseModel] = ModelSpec
) -> tuple[int | None, int | None]:
    """(min_length, max_length) of the list at ``loc``."""
    _, meta = _walk(loc, root)
    lo = next((m.min_length for m in meta if hasattr(m, "min_length")), None)
    hi = next((m.max_length for m in meta if hasattr(m, "max_length")), None)
    return lo, hi


# -- the version -------------------------------------------------------------------------


# fields of Aggregate added after the first release (see _canonical)
AGGREGATE_ADDED = ("per", "scale")


def _canonical(obj: Any) -> Any:
    """A JSON value that equal models share: dataclasses tagged with their class, and
    members of mappings (group weights, where filters, categories) in name order."""
    if isinstance(obj, Model):
        fields = {
            f.name: getattr(obj, f.name)
            for f in dataclasses.fields(obj)
            if f.name not in ("version", "source")
        }
        return {"_": "Model", **{k: _canonical(v) for k, v in fields.items()}}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, Group | Scorecard):
            out["items"] = sorted(out["items"], key=lambda i: i["name"])
        elif isinstance(obj, Aggregate):
            out["where"] = sorted(out["where"], key=lambda f: f["column"])
            # keys added later are left out when unused, so a model that does not use
            # them keeps its version (and its stored history) across the upgrade
            for key in AGGREGATE_ADDED:
                if out[key] is None:
                    del out[key]
        elif isinstance(obj, Categorical):
            out["grades"] = sorted(out["grades"], key=lambda g: g[0])
        return {"_": type(obj).__name__, **out}
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    if isinstance(obj, float) and obj.is_integer():
        return int(obj) if abs(obj) < 2**53 else obj
    return obj
