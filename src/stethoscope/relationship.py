"""Who a CSM talks to at an account, and what the customer last said: its key contacts
(champions, executives, sponsors and admins first) with each one's last product activity,
and its latest survey comments. The account page shows them beside the touchpoints logged
(store.touchpoints).

Tickets carry no subject in the data contract, so there is no ticket text to show here;
the account page's activity feed lists the tickets themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

# the roles a CSM looks for first, in this order; every other role after them
KEY_ROLES: tuple[str, ...] = ("champion", "executive", "sponsor", "admin")


def key_contacts(con: Connection, account_id: str, *, limit: int = 10) -> list[dict[str, Any]]:
    """The account's contacts, key roles first (then the most recently active), each with
    ``last_active``: their latest event in this account (None: never seen in the product)."""
    rank = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(KEY_ROLES))
    rows = row_dicts(
        con,
        'WITH seen AS (SELECT user_id, max("timestamp") AS last_active FROM events '
        "WHERE account_id = ? AND user_id IS NOT NULL GROUP BY user_id) "
        "SELECT c.id, c.name, c.email, lower(trim(c.role)) AS role, s.last_active, "
        f"CASE lower(trim(c.role)) {rank} ELSE {len(KEY_ROLES)} END AS key_rank "
        "FROM contacts c LEFT JOIN seen s ON s.user_id = c.id WHERE c.account_id = ? "
        "ORDER BY key_rank, s.last_active DESC NULLS LAST, c.id LIMIT ?",
        [account_id, account_id, limit],
    )
    for r in rows:
        r["key"] = r.pop("key_rank") < len(KEY_ROLES)
        r["champion"] = r["role"] == "champion"
    return rows


def contact_count(con: Connection, account_id: str) -> int:
    row = con.execute("SELECT count(*) FROM contacts WHERE account_id = ?", [account_id]).fetchone()
    return int(row[0]) if row else 0


def survey_comments(con: Connection, account_id: str, *, limit: int = 5) -> list[dict[str, Any]]:
    """The account's latest survey answers that came with a comment, newest first."""
    return row_dicts(
        con,
        "SELECT s.responded_at, s.kind, s.score, s.comment, s.contact_id, c.name AS contact_name "
        "FROM surveys s LEFT JOIN contacts c ON c.id = s.contact_id "
        "WHERE s.account_id = ? AND s.comment IS NOT NULL AND trim(s.comment) <> '' "
        "ORDER BY s.responded_at DESC LIMIT ?",
        [account_id, limit],
    )
