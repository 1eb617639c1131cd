"""The parts of uvicorn's private HTTP protocol that ``service.hot_path`` relies on.

The hot path subclasses ``uvicorn.protocols.http.httptools_impl.HttpToolsProtocol``, which
uvicorn does not promise to keep, and pyproject.toml pins uvicorn to the minor series
these tests pass on. Before raising that pin, run them on the new version: each failure
names what changed. (tests/service/test_read_model.py drives the hot path end to end.)
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from importlib.metadata import requires

import httptools
import pytest
import uvicorn
from packaging.requirements import Requirement
from packaging.version import Version
from uvicorn.protocols.http import flow_control, httptools_impl
from uvicorn.server import ServerState

from stethoscope.service import hot_path

PRIVATE = "uvicorn.protocols.http.httptools_impl.HttpToolsProtocol"


def _source_tree(obj: object) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(obj)))  # type: ignore[arg-type]


def _self_attributes(tree: ast.AST, owner: str = "self") -> set[str]:
    """The attributes read or set as ``owner.x`` in ``tree``."""
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    }


def _cycle_attributes(tree: ast.AST) -> set[str]:
    """The attributes used as ``self.cycle.x`` in ``tree``."""
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "cycle"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "self"
    }


def test_the_installed_uvicorn_is_in_the_pinned_range() -> None:
    pins = [Requirement(r) for r in requires("stethoscope") or []]
    pin = next(r for r in pins if r.name == "uvicorn")
    assert pin.specifier.contains(Version(uvicorn.__version__)), (
        f"uvicorn {uvicorn.__version__} is installed, the pin is {pin.specifier}: "
        "reinstall (make install-test)"
    )
    assert any(s.operator == "<" for s in pin.specifier), (
        "uvicorn needs an upper bound: service.hot_path subclasses its private " + PRIVATE
    )


def test_the_protocol_class_and_the_callbacks_the_hot_path_overrides() -> None:
    cls = getattr(httptools_impl, "HttpToolsProtocol", None)
    assert isinstance(cls, type), f"uvicorn no longer has {PRIVATE}: service.hot_path needs it"
    for name in ("on_headers_complete", "on_response_complete"):
        method = getattr(cls, name, None)
        assert callable(method), f"{PRIVATE}.{name} is gone (service.hot_path calls it)"
        assert list(inspect.signature(method).parameters) == ["self"], (
            f"{PRIVATE}.{name} now takes {inspect.signature(method)}; service.hot_path "
            "calls it with no arguments"
        )
    subclass = hot_path.protocol(hot_path.HotPath.__new__(hot_path.HotPath))
    assert issubclass(subclass, cls)


def test_the_attributes_the_hot_path_reads_are_still_set_by_uvicorn() -> None:
    used = _self_attributes(_source_tree(hot_path.protocol)) - {
        "_answer",
        "_may_answer",
        "on_headers_complete",
        "on_response_complete",
    }
    assert used == {"transport", "cycle", "parser", "url", "headers", "server_state", "flow"}, (
        "service.hot_path uses other attributes of the protocol now: extend this test"
    )
    assigned = {
        node.attr
        for node in ast.walk(_source_tree(httptools_impl.HttpToolsProtocol))
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }
    missing = used - assigned
    assert not missing, f"{PRIVATE} no longer sets self.{', self.'.join(sorted(missing))}"
    # what the hot path asks of them
    for name in ("get_method", "should_keep_alive", "should_upgrade"):
        assert callable(getattr(httptools.HttpRequestParser, name, None)), (
            f"httptools' parser has no {name}() (service.hot_path calls it)"
        )
    assert "write_paused" in _self_attributes(_source_tree(flow_control.FlowControl))
    assert "default_headers" in _self_attributes(_source_tree(ServerState))


def test_the_answered_cycle_stands_in_for_every_cycle_attribute_uvicorn_reads() -> None:
    """After the hot path answers, ``self.cycle`` is ``hot_path.ANSWERED``: whatever the
    protocol reads of a cycle must be there, except what it reads only of a cycle whose
    response is not complete (the request's body, read after checking that)."""
    read = _cycle_attributes(_source_tree(httptools_impl.HttpToolsProtocol))
    only_while_incomplete = {"body", "more_body"}
    standing_in = {a for a in dir(hot_path.ANSWERED) if not a.startswith("__")}
    missing = read - standing_in - only_while_incomplete
    assert not missing, (
        f"{PRIVATE} now uses self.cycle.{', self.cycle.'.join(sorted(missing))}: give "
        "service.hot_path's _Answered those attributes, or stop answering before uvicorn"
    )
    # the protocol checks response_complete before it touches a body
    for name in ("on_body", "on_message_complete"):
        source = inspect.getsource(getattr(httptools_impl.HttpToolsProtocol, name))
        assert "self.cycle.response_complete" in source, (
            f"{PRIVATE}.{name} no longer checks response_complete first: a request the "
            "hot path answered would have its body written into hot_path.ANSWERED"
        )


@pytest.mark.parametrize("attribute", ["response_complete", "keep_alive"])
def test_the_answered_cycle_says_complete_and_kept_alive(attribute: str) -> None:
    assert getattr(hot_path.ANSWERED, attribute) is True
