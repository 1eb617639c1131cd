"""All or nothing: the one way the store's modules group their statements.

Kept apart from the stores (``embedded``) so that a module writing in a transaction does
not depend on the code that opens and migrates the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

C = TypeVar("C", bound="Connection")


@contextmanager
def transaction(con: C) -> Iterator[C]:
    """All or nothing: commit what the block wrote, or roll it back if the block raises.
    DuckDB has no nested transactions: do not open one inside another."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()
