"""The condition parser: exact trees for what is allowed, a ModelError for anything else,
and nothing ever evaluated."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stethoscope.errors import ModelError
from stethoscope.model.expressions import names, parse
from stethoscope.model.types import And, Compare, Const, In, IsMissing, Name, Not, Or

T = Name("tenure_days")


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("tenure_days < 120", Compare(T, "<", Const(120.0))),
        ("120 > tenure_days", Compare(Const(120.0), ">", T)),
        ("tenure_days >= -1.5", Compare(T, ">=", Const(-1.5))),
        ("tenure_days != +3", Compare(T, "!=", Const(3.0))),
        ("industry == 'healthcare'", Compare(Name("industry"), "==", Const("healthcare"))),
        ('plan <= "growth"', Compare(Name("plan"), "<=", Const("growth"))),
        ("deployed == true", Compare(Name("deployed"), "==", Const(True))),
        ("deployed == False", Compare(Name("deployed"), "==", Const(False))),
        ("a == b", Compare(Name("a"), "==", Name("b"))),
        ("industry in ['healthcare', 'pharma']", In(Name("industry"), ("healthcare", "pharma"))),
        ("seats not in (1, 2.5, -3)", In(Name("seats"), (1.0, 2.5, -3.0), negated=True)),
        ("nps is missing", IsMissing(Name("nps"))),
        ("nps is not missing", IsMissing(Name("nps"), negated=True)),
        ("not nps is missing", Not(IsMissing(Name("nps")))),
        (
            "a > 1 and b > 2 and c > 3",
            And(
                (
                    Compare(Name("a"), ">", Const(1.0)),
                    Compare(Name("b"), ">", Const(2.0)),
                    Compare(Name("c"), ">", Const(3.0)),
                )
            ),
        ),
        (
            "a > 1 or (b > 2 and not c == 'x')",
            Or(
                (
                    Compare(Name("a"), ">", Const(1.0)),
                    And(
                        (
                            Compare(Name("b"), ">", Const(2.0)),
                            Not(Compare(Name("c"), "==", Const("x"))),
                        )
                    ),
                )
            ),
        ),
        (
            "0 < x <= 5",
            And((Compare(Const(0.0), "<", Name("x")), Compare(Name("x"), "<=", Const(5.0)))),
        ),
        (
            "tickets_90d == 0\n  and events_30d == 0",
            And(
                (
                    Compare(Name("tickets_90d"), "==", Const(0.0)),
                    Compare(Name("events_30d"), "==", Const(0.0)),
                )
            ),
        ),
    ],
)
def test_allowed_forms_give_exact_trees(text: str, tree: object) -> None:
    assert parse(text) == tree


def test_names_lists_every_metric_read() -> None:
    e = parse("a > 1 or (b in ['x'] and not c is missing) or d == e")
    assert names(e) == {"a", "b", "c", "d", "e"}
    assert names(parse("1 < x")) == {"x"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "__import__('os').system('rm -rf /')",
            "a function call '__import__('os').system('rm -rf /')' is not allowed in a condition",
        ),
        ("len(x) > 1", "a function call 'len(x)' is not allowed in a condition"),
        (
            "attributes.regulated == 'true'",
            "attribute access 'attributes.regulated' is not allowed; define a metric for it, "
            "e.g. {attribute: attributes.regulated}",
        ),
        ("x.y == 1", "attribute access 'x.y' is not allowed"),
        ("x[0] == 1", "a subscript 'x[0]' is not allowed in a condition"),
        ("x + 1 > 2", "arithmetic 'x + 1' is not allowed in a condition"),
        ("-x > 2", "arithmetic '-x' is not allowed in a condition"),
        ("~x > 2", "arithmetic '~x' is not allowed in a condition"),
        ("(lambda: 1)() == 1", "a function call '(lambda: 1)()' is not allowed in a condition"),
        ("x == (lambda: 1)", "a lambda 'lambda: 1' is not allowed in a condition"),
        ("f'{x}' == 'a'", "an f-string 'f'{x}'' is not allowed in a condition"),
        ("x == (1 if y else 2)", "an if-expression '1 if y else 2' is not allowed in a condition"),
        ("x in {1, 2}", "'in' needs a list of values like ['a', 'b'], got '{1, 2}'"),
        ("x in []", "'in' needs at least one value, got an empty list"),
        ("x in [y]", "'y' in a list: lists hold constants, not metric names"),
        ("x in y", "'in' needs a list of values like ['a', 'b'], got 'y'"),
        (
            "__class__ == 1",
            "name '__class__' is not a metric name (lower-case letters, digits and _, starting "
            "with a letter)",
        ),
        (
            "Tenure < 1",
            "name 'Tenure' is not a metric name (lower-case letters, digits and _, "
            "starting with a letter)",
        ),
        ("x is None", "'x is None': 'is' only tests for missing, e.g. 'nps is missing'"),
        ("x == None", "'None' is not a value; test for a missing value with 'is missing'"),
        ("x == missing", "'missing' is tested with 'is missing' or 'is not missing'"),
        ("deployed", "'deployed' alone is not a condition; compare it, e.g. 'deployed == 1'"),
        ("1 == 1", "'1 == 1' compares two constants; name a metric"),
        ("x == b'a'", "constant 'b'a'' is not allowed (text, numbers, true or false)"),
        ("x == 1j", "constant '1j' is not allowed (text, numbers, true or false)"),
        ("x == 1e999", "a number in the condition is too large"),
        ("x == [1]", "a list '[1]' goes after 'in' or 'not in' only"),
        ("x == (y > 1)", "'y > 1' is a condition where a value was expected"),
        ("x := 1", "could not read the condition at column 3: invalid syntax"),
        ("(x := 1) == 1", "an assignment (:=) '(x := 1)' is not allowed in a condition"),
        ("x == [i for i in y]", "a comprehension '[i for i in y]' is not allowed in a condition"),
        ("x == await y", "await 'await y' is not allowed in a condition"),
        (
            "",
            "expected a condition, e.g. \"tenure_days < 120 and industry == 'healthcare'\", "
            "got nothing",
        ),
    ],
)
def test_forbidden_forms_name_the_offending_piece(text: str, message: str) -> None:
    with pytest.raises(ModelError) as e:
        parse(text, where="m.yaml:3", path="scores.health.segments[0].when")
    [problem] = e.value.problems
    assert problem.where == "m.yaml:3"
    assert problem.message == f"scores.health.segments[0].when: {message}"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("tenure_days = 3", "(compare with ==, not =)"),
        ("a > 1 && b > 2", "(write and / or)"),
        ("!(a > 1)", "(write not)"),
    ],
)
def test_syntax_errors_carry_a_hint(text: str, hint: str) -> None:
    with pytest.raises(ModelError, match=r"^invalid condition") as e:
        parse(text)
    assert e.value.problems[0].message.startswith("could not read the condition at column")
    assert e.value.problems[0].message.endswith(hint)


def test_too_long_and_too_deep_are_rejected() -> None:
    with pytest.raises(ModelError) as e:
        parse("x == 1 or " * 300 + "x == 1")
    assert e.value.problems[0].message == "a condition is at most 2000 characters, got 3006"
    with pytest.raises(ModelError) as e:
        parse("not " * 60 + "x == 1")
    assert e.value.problems[0].message == "the condition nests deeper than 50 levels"
    with pytest.raises(ModelError):
        parse("(" * 300 + "x == 1" + ")" * 300)


@contextmanager
def _nothing_evaluated() -> Iterator[None]:
    """eval, exec and compile raise while inside (ast.parse does not call them)."""

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("evaluated")

    saved = builtins.eval, builtins.exec, builtins.__import__
    real_import = builtins.__import__
    imports: list[str] = []

    def tracking_import(name: str, *args: Any, **kwargs: Any) -> Any:
        imports.append(name)
        return real_import(name, *args, **kwargs)

    builtins.eval = builtins.exec = boom
    builtins.__import__ = tracking_import
    try:
        yield
    finally:
        builtins.eval, builtins.exec, builtins.__import__ = saved
    assert not {"os", "subprocess", "pathlib"} & set(imports)


_ATOMS = st.sampled_from(
    [
        "x",
        "tenure_days",
        "'a'",
        "1",
        "-2.5",
        "true",
        "None",
        "missing",
        "__import__",
        "os",
        "(",
        ")",
        "[",
        "]",
        ",",
        ".",
        "==",
        "<",
        ">=",
        "!=",
        " in ",
        " not ",
        " and ",
        " or ",
        " is ",
        "+",
        "*",
        "lambda",
        ":",
        "f'",
        "{",
        "}",
        "\\",
        "\n",
        "\x00",
        "#",
        "=",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_ATOMS, max_size=25).map("".join)))
def test_random_text_never_crashes_or_evaluates(text: str) -> None:
    error: ModelError | None = None
    with _nothing_evaluated():
        try:
            tree = parse(text)
        except ModelError as e:
            error = e
    if error is not None:
        assert len(error.problems) == 1
        assert error.problems[0].message
        return
    assert isinstance(tree, Compare | In | IsMissing | And | Or | Not)
    assert all(n.isidentifier() and n.islower() for n in names(tree))


def test_hostile_text_runs_nothing(tmp_path: Any) -> None:
    marker = tmp_path / "pwned"
    text = f"__import__('pathlib').Path('{marker}').touch() == None"
    with _nothing_evaluated(), pytest.raises(ModelError):
        parse(text)
    assert not marker.exists()
