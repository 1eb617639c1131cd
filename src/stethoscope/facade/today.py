"""One owner's day (the dashboard's Today page and its navigation): the accounts a CSM owns
that changed band or fell since a date with the change of each explained by measure, and
the renewals in their weaker bands (stethoscope.owner_day); how many accounts and open
tasks they have. Each reads without waiting for a write. (Today's tasks are the first rows
of the owner's worklist: ``task_worklist``.)

An owner's changes (each explained: 60 to 170 ms on the 100k book) and renewals change only
when accounts or scores do: where this process is the store's only writer they are kept
until the next write that can change those (stethoscope.write_lock), as the VP's week is
(stethoscope.facade.week)."""

from __future__ import annotations

from datetime import date
from typing import Any

from stethoscope import clock
from stethoscope.facade.core import ProjectCore
from stethoscope.facade.kept import Kept

# the accounts that changed, the most ARR first, each explained: a CSM of 100 accounts sees
# them all; an owner of 8,000 (a bench's) the first 50 and how many more (explaining 4,000
# changes took minutes)
CHANGES_LIMIT = 50
# owners' days kept, each until the next write (a few CSMs reading Today at once)
KEPT = 64


class Today(ProjectCore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # owners' changes and renewals, by what was asked (stethoscope.facade.kept)
        self._days: Kept[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = Kept(KEPT)

    def owned_accounts(self, owner: str) -> int:
        """How many accounts name ``owner`` as their owner."""
        from stethoscope import owner_day

        with self._reading() as con:
            return owner_day.owned(con, owner)

    def open_task_count(self, owner: str) -> int:
        """How many tasks of ``owner`` are open (``tasks(status='open')`` lists them)."""
        from stethoscope import owner_day

        with self._reading() as con:
            return owner_day.open_tasks(con, owner, clock.today())

    def owner_day(
        self,
        owner: str,
        *,
        as_of: date,
        since: date,
        renew_until: date,
        renewal_bands: list[str],
        score: str = "health",
    ) -> dict[str, Any]:
        """``owner``'s day as of a scored date, in two lists ordered by ARR, then the
        soonest renewal:

        - ``changes``: their accounts whose band on ``as_of`` differs from the one on
          ``since``, or whose score fell, each with ``change`` (engine.explain's
          ``Change``, by measure) and ``explanation`` (the ``Explanation`` of ``as_of``);
          the first ``CHANGES_LIMIT``, and ``changes_total``, how many there are;
        - ``renewals``: their accounts in ``renewal_bands`` renewing after ``as_of`` up to
          ``renew_until``.

        Both read only accounts and scores: where ``sole_writer`` they are kept until the
        next write that can change those (see the module); treat them as read-only."""
        m = self.load_model()
        self._check_score(m, score)
        asked = (owner, as_of, since, renew_until, tuple(renewal_bands), score, m.version)
        changed, due = self._days.get(
            (*asked, CHANGES_LIMIT),
            self.generation if self.sole_writer else None,
            lambda: self._scored_day(owner, as_of, since, renew_until, renewal_bands, score),
        )
        total = int(changed[0]["total"]) if changed else 0
        return {"changes": changed, "changes_total": total, "renewals": due}

    def _scored_day(
        self,
        owner: str,
        as_of: date,
        since: date,
        renew_until: date,
        renewal_bands: list[str],
        score: str,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The owner's changes, each explained, and their renewals (``owner_day``)."""
        from stethoscope import owner_day, readouts
        from stethoscope.engine.explain import compare, explain_row

        m = self.load_model()
        v = m.version
        with self._reading() as con:
            changed = owner_day.changes(con, v, score, as_of, since, owner, limit=CHANGES_LIMIT)
            frames = readouts.frame_rows(con, v, [r["account_id"] for r in changed], [as_of, since])
            for r in changed:
                after = frames.get((r["account_id"], as_of))
                before = frames.get((r["account_id"], since))
                r["explanation"] = explain_row(m, after, score) if after else None
                r["change"] = (
                    compare(explain_row(m, before, score), r["explanation"], m.scale.decimals)
                    if before and r["explanation"]
                    else None
                )
            due = owner_day.renewals(con, v, score, as_of, renew_until, owner, renewal_bands)
        return changed, due
