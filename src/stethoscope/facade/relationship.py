"""The account's relationship: touchpoints people log (a note, call, meeting or email, with
an optional next step that becomes a task for the account's owner), and what the account
page shows beside them: the touchpoints, key contacts with their last product activity,
the latest survey comments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stethoscope.errors import ModelError
from stethoscope.facade.core import ProjectCore

if TYPE_CHECKING:
    from stethoscope.alerts.rules import Rules


class Relationship(ProjectCore):
    def log_touchpoint(
        self,
        account_id: str,
        kind: str,
        *,
        author: str,
        note: str | None = None,
        occurred_at: datetime | None = None,
        contact_id: str | None = None,
        next_step: str | None = None,
        due_on: date | None = None,
        owner_fallback: str | None = None,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """Log a touchpoint in the contract's ``touchpoints`` table, committed on return;
        with ``next_step``, also an open task (due ``due_on``) for the account's owner, or
        ``owner_fallback`` when the account has none. The account's open alerts whose
        rule ``resolves_on`` this kind resolve with it (``resolved_alerts``). A DataError
        lists every bad field (each problem's ``column``) and nothing is written."""
        from stethoscope.store import audit
        from stethoscope.store import touchpoints as store

        entry = store.Entry(
            account_id=account_id,
            kind=kind,
            author=author,
            occurred_at=occurred_at,
            contact_id=contact_id,
            note=note,
            next_step=next_step,
            due_on=due_on,
        )
        resolves = tuple(
            r.name for r in self._rules_or_none().rules.values() if kind in r.resolves_on
        )
        # the server's in-memory copy holds accounts and scores: neither changes here
        with self._lock.keeping_reads():
            return store.log(
                self.store.con,
                entry,
                actor=actor or audit.local_actor(),
                owner_fallback=owner_fallback,
                resolves=resolves,
            )

    def _rules_or_none(self) -> Rules:
        """The alert rules; none while the rules file is invalid (it refuses runs and says
        why there: a person's touchpoint is logged all the same, and resolves nothing)."""
        from stethoscope.alerts.rules import NO_RULES

        try:
            return self.alert_rules()
        except ModelError:
            return NO_RULES

    def touchpoints(self, account_id: str, *, limit: int = 10) -> list[dict[str, Any]]:
        """The account's touchpoints, newest first."""
        from stethoscope.store import touchpoints as store

        with self._reading() as con:
            return store.recent(con, account_id, limit=limit)

    def relationship(self, account_id: str) -> dict[str, Any]:
        """What the account page shows of the account's people: its latest touchpoints,
        key contacts (with ``last_active`` and ``champion``) and survey comments."""
        from stethoscope import relationship
        from stethoscope.store import touchpoints as store

        with self._reading() as con:
            return {
                "touchpoints": store.recent(con, account_id),
                "contacts": relationship.key_contacts(con, account_id),
                "contact_count": relationship.contact_count(con, account_id),
                "comments": relationship.survey_comments(con, account_id),
            }
