"""Conditions of the model (segment rules, grading rules) as Ibis boolean expressions.

The model's parser has already turned the text into an ``Expr`` tree; names refer to
metric columns of the metrics table. A comparison with a missing value is false, as in
SQL; ``x is missing`` tests for it.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from stethoscope.model.types import And, Compare, Const, Expr, In, IsMissing, Name, Not, Or

Column = Callable[[str], ir.Value]


def _operand(x: Name | Const, column: Column) -> ir.Value:
    return column(x.name) if isinstance(x, Name) else ibis.literal(x.value)


def compile_condition(expr: Expr, column: Column) -> ir.BooleanValue:
    """The condition as an Ibis expression; NULL (unknown) counts as false."""
    return _compile(expr, column).fill_null(False)


def _compile(expr: Expr, column: Column) -> ir.BooleanValue:
    match expr:
        case Compare(left, op, right):
            a, b = _operand(left, column), _operand(right, column)
            result: ir.BooleanValue
            match op:
                case "==":
                    result = a == b
                case "!=":
                    result = a != b
                case "<":
                    result = a < b
                case "<=":
                    result = a <= b
                case ">":
                    result = a > b
                case ">=":
                    result = a >= b
            return result
        case In(name, values, negated):
            c = column(name.name).isin(list(values))
            return ~c if negated else c
        case IsMissing(name, negated):
            c = column(name.name).isnull()
            return ~c if negated else c
        case And(items):
            out = _compile(items[0], column).fill_null(False)
            for i in items[1:]:
                out = out & _compile(i, column).fill_null(False)
            return out
        case Or(items):
            out = _compile(items[0], column).fill_null(False)
            for i in items[1:]:
                out = out | _compile(i, column).fill_null(False)
            return out
        case Not(item):
            return ~_compile(item, column).fill_null(False)
    raise AssertionError(expr)
