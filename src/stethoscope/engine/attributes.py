"""Account attributes as of a date: the version of each account in force on it.

Every import of ``accounts`` keeps the values it replaces (store table ``account_versions``,
written by contract.versions): each version holds the accounts columns, ``valid_from``
(when its values took effect) and ``valid_to`` (when the next version took effect; empty
for the current one). An attribute read as of day D is the version in force at the end of
D: ``valid_from`` before D + 1 and ``valid_to`` empty or not before D + 1. A day before an
account's first version reads the first version (the earliest values known), so a book
without history scores as it always did. An account without any version (rows written
to ``accounts`` by hand) reads its row in ``accounts``.

The account's identity and time as a customer (``id``, ``customer_since``) always come
from the current row: they say which accounts are scored, not what they were like.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from stethoscope.engine.metrics import Day, day_start, shift
from stethoscope.model.types import Attribute, Model, Percentile, Tertiles, ZScore

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

VERSIONS = "account_versions"

# the accounts column an attribute metric reads (attributes.<key> reads `attributes`)
_COLUMN = {
    "arr": "arr",
    "seats": "seats",
    "segment": "segment",
    "industry": "industry",
    "plan": "plan",
    "owner": "owner",
    "days_to_renewal": "renewal_date",
}


def columns_read(model: Model) -> list[str]:
    """The versioned accounts columns that scoring with ``model`` reads: its attribute
    metrics' columns, and ``segment`` when a grading ranks within segments."""
    out: set[str] = set()
    for m in model.metrics.values():
        if isinstance(m.source, Attribute):
            name = m.source.name
            if name.startswith("attributes."):
                out.add("attributes")
            elif name in _COLUMN:
                out.add(_COLUMN[name])
    for measure in model.measures.values():
        g = measure.grading
        if isinstance(g, Percentile | Tertiles | ZScore) and g.within == "segment":
            out.add("segment")
    return sorted(out)


def in_force(backend: BaseBackend, accounts: ir.Table, as_of: Day, columns: list[str]) -> ir.Table:
    """``accounts`` (a row per account, ``account_id``) with ``columns`` replaced by the
    values of the version in force at the end of ``as_of`` (see the module doc)."""
    if not columns:
        return accounts
    v = backend.table(VERSIONS)
    end = day_start(shift(as_of, 1))
    v = v.mutate(_first=v.valid_from.min().over(group_by=v.id))
    v = v.filter(
        ((v.valid_from < end) | (v.valid_from == v._first))
        & (v.valid_to.isnull() | (v.valid_to >= end))
    )
    v = v.select(_version_of=v.id, **{f"_v_{c}": v[c] for c in columns})
    j = accounts.left_join(v, accounts.account_id == v._version_of)
    has = j._version_of.notnull()
    return j.select(
        *[c for c in accounts.columns if c not in columns],
        **{c: ibis.cases((has, j[f"_v_{c}"]), else_=j[c]) for c in columns},
    )
