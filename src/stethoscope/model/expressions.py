"""Conditions (segment ``when``, grading ``rules``) parsed safely into ``types.Expr``.

The text is parsed with ``ast.parse(mode="eval")`` and the tree is walked against a
whitelist; nothing is ever evaluated or compiled to code. Allowed:

    tenure_days < 120                   comparisons: == != < <= > >= (chains: 0 < x < 5)
    industry in ['healthcare', 'pharma']    in / not in a list or tuple of constants
    nps is missing, nps is not missing  a metric without a value
    a and b, a or b, not a, ( ... )     logic
    'text', 12, -1.5, true, false       constants (True and False also work)

Names are metric names: lower-case letters, digits and ``_``, starting with a letter.
Anything else (calls, attributes, subscripts, arithmetic, f-strings ...) is rejected with
a message naming the offending piece.
"""

from __future__ import annotations

import ast
import re

from stethoscope.errors import ModelError, Problem
from stethoscope.model.types import (
    And,
    Compare,
    CompareOp,
    Const,
    Expr,
    In,
    IsMissing,
    Name,
    Not,
    Or,
    Scalar,
)

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# names with a meaning of their own in conditions: never metric names
RESERVED = frozenset({"true", "false", "missing"})
MAX_LENGTH = 2000
MAX_DEPTH = 50

_OPS: dict[type[ast.cmpop], CompareOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
# what a forbidden node is called in a message
_WHAT: dict[type[ast.AST], str] = {
    ast.Call: "a function call",
    ast.Attribute: "attribute access",
    ast.Subscript: "a subscript",
    ast.BinOp: "arithmetic",
    ast.Lambda: "a lambda",
    ast.IfExp: "an if-expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Dict: "a mapping",
    ast.Set: "a set",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "an assignment (:=)",
    ast.Starred: "a starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}
_EXAMPLE = "e.g. \"tenure_days < 120 and industry == 'healthcare'\""


class _Reject(Exception):
    """The text is not a valid condition; the message says why."""


def parse(text: str, *, where: str = "condition", path: str = "") -> Expr:
    """The condition ``text`` as an ``Expr``, or a ModelError with one problem at ``where``
    (a ``file:line``) whose message starts with ``path`` (a dotted path) when given."""
    try:
        return _parse(text)
    except _Reject as e:
        message = f"{path}: {e}" if path else str(e)
        raise ModelError(
            f"invalid condition {text!r}"[:200],
            [Problem(where, message)],
            hint=f"conditions compare metrics with constants, {_EXAMPLE}",
        ) from None


def names(expr: Expr) -> set[str]:
    """Every metric name the condition reads."""
    match expr:
        case Compare(left, _, right):
            return {x.name for x in (left, right) if isinstance(x, Name)}
        case In(name, _, _) | IsMissing(name, _):
            return {name.name}
        case And(items) | Or(items):
            return set[str]().union(*(names(i) for i in items))
        case Not(item):
            return names(item)
    raise AssertionError(expr)


def _parse(text: str) -> Expr:
    if not isinstance(text, str):
        raise _Reject(f"expected a condition as text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _Reject(f"a condition is at most {MAX_LENGTH} characters, got {len(text)}")
    # a condition may be folded over several YAML lines
    flat = " ".join(text.split())
    if not flat:
        raise _Reject(f"expected a condition, {_EXAMPLE}, got nothing")
    try:
        tree = ast.parse(flat, mode="eval")
    except SyntaxError as e:
        raise _Reject(_syntax_message(flat, e)) from None
    except (ValueError, RecursionError, MemoryError):
        raise _Reject("could not read the condition") from None
    return _condition(tree.body, 0)


def _syntax_message(text: str, e: SyntaxError) -> str:
    at = f" at column {e.offset}" if e.offset else ""
    hint = ""
    if re.search(r"(?<![=!<>:])=(?!=)", text):
        hint = " (compare with ==, not =)"
    elif "&&" in text or "||" in text:
        hint = " (write and / or)"
    elif "!" in text.replace("!=", ""):
        hint = " (write not)"
    return f"could not read the condition{at}: {e.msg}{hint}"


def _piece(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:60]
    except Exception:
        return type(node).__name__


def _forbidden(node: ast.AST) -> _Reject:
    what = _WHAT.get(type(node), f"'{type(node).__name__}'")
    if isinstance(node, ast.UnaryOp):
        what = "arithmetic"
    piece = _piece(node)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        extra = (
            f"; define a metric for it, e.g. {{attribute: {piece}}}"
            if (node.value.id == "attributes")
            else ""
        )
        return _Reject(f"{what} '{piece}' is not allowed{extra}")
    return _Reject(f"{what} '{piece}' is not allowed in a condition")


def _condition(node: ast.AST, depth: int) -> Expr:
    """A node that must be true or false."""
    if depth > MAX_DEPTH:
        raise _Reject(f"the condition nests deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.BoolOp):
        items = tuple(_condition(v, depth + 1) for v in node.values)
        return And(items) if isinstance(node.op, ast.And) else Or(items)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_condition(node.operand, depth + 1))
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.Name | ast.Constant):
        piece = _piece(node)
        raise _Reject(f"'{piece}' alone is not a condition; compare it, e.g. '{piece} == 1'")
    raise _forbidden(node)


def _compare(node: ast.Compare) -> Expr:
    operands = [node.left, *node.comparators]
    parts: list[Expr] = []
    for i, op in enumerate(node.ops):
        left, right = operands[i], operands[i + 1]
        if isinstance(op, ast.In | ast.NotIn):
            if len(node.ops) > 1:
                raise _Reject(f"'{_piece(node)}': 'in' cannot be chained with other comparisons")
            parts.append(In(_name(left, "in"), _values(right), isinstance(op, ast.NotIn)))
        elif isinstance(op, ast.Is | ast.IsNot):
            if not (isinstance(right, ast.Name) and right.id == "missing"):
                raise _Reject(
                    f"'{_piece(node)}': 'is' only tests for missing, e.g. 'nps is missing'"
                )
            if len(node.ops) > 1:
                raise _Reject(f"'{_piece(node)}': 'is missing' cannot be chained")
            parts.append(IsMissing(_name(left, "is missing"), isinstance(op, ast.IsNot)))
        else:
            a, b = _operand(left), _operand(right)
            if isinstance(a, Const) and isinstance(b, Const):
                raise _Reject(f"'{_piece(node)}' compares two constants; name a metric")
            parts.append(Compare(a, _OPS[type(op)], b))
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _name(node: ast.AST, context: str) -> Name:
    operand = _operand(node)
    if not isinstance(operand, Name):
        raise _Reject(f"'{_piece(node)}': '{context}' needs a metric name on its left")
    return operand


def _operand(node: ast.AST) -> Name | Const:
    if isinstance(node, ast.Name):
        if node.id in ("true", "True"):
            return Const(True)
        if node.id in ("false", "False"):
            return Const(False)
        if node.id == "missing":
            raise _Reject("'missing' is tested with 'is missing' or 'is not missing'")
        if not NAME.match(node.id):
            raise _Reject(
                f"name '{node.id}' is not a metric name (lower-case letters, digits and _, "
                "starting with a letter)"
            )
        return Name(node.id)
    return Const(_constant(node))


def _constant(node: ast.AST) -> Scalar:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = node.operand
        if (
            isinstance(inner, ast.Constant)
            and isinstance(inner.value, int | float)
            and not isinstance(inner.value, bool)
        ):
            number = _number(inner)
            return -number if isinstance(node.op, ast.USub) else number
        raise _Reject(f"arithmetic '{_piece(node)}' is not allowed in a condition")
    if not isinstance(node, ast.Constant):
        if isinstance(node, ast.List | ast.Tuple):
            raise _Reject(f"a list '{_piece(node)}' goes after 'in' or 'not in' only")
        if isinstance(node, ast.Compare | ast.BoolOp) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            raise _Reject(f"'{_piece(node)}' is a condition where a value was expected")
        raise _forbidden(node)
    value = node.value
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return _number(node)
    if value is None:
        raise _Reject("'None' is not a value; test for a missing value with 'is missing'")
    raise _Reject(f"constant '{_piece(node)}' is not allowed (text, numbers, true or false)")


def _number(node: ast.Constant) -> float:
    assert isinstance(node.value, int | float)
    try:
        number = float(node.value)
    except OverflowError:
        number = float("inf")
    if number != number or number in (float("inf"), float("-inf")):
        raise _Reject("a number in the condition is too large")
    return number


def _values(node: ast.AST) -> tuple[Scalar, ...]:
    if not isinstance(node, ast.List | ast.Tuple):
        raise _Reject(f"'in' needs a list of values like ['a', 'b'], got '{_piece(node)}'")
    if not node.elts:
        raise _Reject("'in' needs at least one value, got an empty list")
    out: list[Scalar] = []
    for elt in node.elts:
        if isinstance(elt, ast.Name) and elt.id not in ("true", "True", "false", "False"):
            raise _Reject(f"'{_piece(elt)}' in a list: lists hold constants, not metric names")
        out.append(_constant(elt) if not isinstance(elt, ast.Name) else elt.id in ("true", "True"))
    return tuple(out)
