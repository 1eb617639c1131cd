"""Ibis's cost of a merged SELECT, counted once per node of a compile.

Ibis squashes each SELECT into the one below it when the merged query is no more complex
than the two apart (``merge_select_select`` in ``ibis.backends.sql.rewrites``). Its
``complexity`` counts every node under the query again, through every SELECT below: on
the model's frame, a chain of one SELECT per scan and metric, that is quadratic in the
model's size. It took two fifths of compiling a 24-metric model (profiled, Ibis 12).

The score of a node depends on the node alone, and Ibis's nodes are immutable, so within
one compile it is kept once counted. ``counting_once`` puts that in place of Ibis's own
while ``dialects.to_sql`` compiles: the same scores, so the same merges and the same SQL
text (tests/engine/test_merge_cost.py), in a fifth less time (4.8 s to 3.8 s for
discover's candidates on the demo book, per dialect). Any other compile, or one on
another thread, keeps Ibis's own.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_local = threading.local()
_ibis_own: Callable[[Any], int] | None = None
_installing = threading.Lock()


def score(node: Any, seen: dict[Any, int]) -> int:
    """Ibis's ``complexity(node)``: 1 for a column reference (a ``Field``, its relation not
    counted), the most there is for an impure call, else 1 plus its children's scores;
    ``seen`` holds the nodes scored already (filled in here)."""
    import ibis.expr.operations as ops

    stack = [node]
    while stack:
        n = stack[-1]
        if n in seen:
            stack.pop()
        elif isinstance(n, ops.Field):
            seen[n] = 1
            stack.pop()
        elif isinstance(n, ops.Impure):
            seen[n] = sys.maxsize
            stack.pop()
        else:
            children = n.__children__
            todo = [c for c in children if c not in seen]
            if todo:
                stack.extend(todo)
            else:
                # a child that appears twice counts twice, as in Ibis
                seen[n] = 1 + sum(seen[c] for c in children)
                stack.pop()
    return seen[node]


def _complexity(node: Any) -> int:
    seen: dict[Any, int] | None = getattr(_local, "seen", None)
    if seen is None:
        assert _ibis_own is not None
        return _ibis_own(node)
    return score(node, seen)


@contextmanager
def counting_once() -> Iterator[None]:
    """While the block runs on this thread, Ibis scores each node once (module doc)."""
    global _ibis_own
    from ibis.backends.sql import rewrites

    with _installing:
        if _ibis_own is None:
            _ibis_own = rewrites.complexity
            rewrites.complexity = _complexity
    outer = getattr(_local, "seen", None)
    _local.seen = {} if outer is None else outer
    try:
        yield
    finally:
        _local.seen = outer
