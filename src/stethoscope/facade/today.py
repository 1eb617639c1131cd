"""One owner's day (the dashboard's Today page and its navigation): the accounts a CSM owns
that changed band or fell since a date with the change of each explained by measure, their
open tasks with the accounts' scores, and the renewals in their weaker bands
(stethoscope.owner_day). Each reads without waiting for a write."""

from __future__ import annotations

from datetime import date
from typing import Any

from stethoscope import clock
from stethoscope.facade.core import ProjectCore

# a CSM's open tasks, all of them: the page lists what the count in the navigation counts
TASKS_LIMIT = 1000
# the accounts that changed, the most ARR first, each explained: a CSM of 100 accounts sees
# them all; an owner of 8,000 (a bench's) the first 50 and how many more (explaining 4,000
# changes took minutes)
CHANGES_LIMIT = 50


class Today(ProjectCore):
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
        """``owner``'s day as of a scored date, in three lists ordered by ARR, then the
        soonest renewal:

        - ``changes``: their accounts whose band on ``as_of`` differs from the one on
          ``since``, or whose score fell, each with ``change`` (engine.explain's
          ``Change``, by measure) and ``explanation`` (the ``Explanation`` of ``as_of``);
        - ``tasks``: their open tasks, each with its account's ARR, renewal, score and band
          on ``as_of``;
        - ``renewals``: their accounts in ``renewal_bands`` renewing after ``as_of`` up to
          ``renew_until``."""
        from stethoscope import owner_day, readouts
        from stethoscope.engine.explain import compare, explain_row
        from stethoscope.store import alerts

        m = self.load_model()
        self._check_score(m, score)
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
            tasks = alerts.tasks(con, owner=owner, status="open", limit=TASKS_LIMIT)
            accounts = owner_day.task_accounts(
                con, v, score, as_of, sorted({t["account_id"] for t in tasks})
            )
            due = owner_day.renewals(con, v, score, as_of, renew_until, owner, renewal_bands)
        blank = {"name": None, "arr": None, "renewal_date": None, "score": None, "band": None}
        listed = []
        for t in tasks:
            a = accounts.get(t["account_id"], blank)
            listed.append(t | {k: a[k] for k in blank} | {"name": a["name"] or t["account_name"]})
        # ARR at stake first, then the soonest due (a task without a date last)
        listed.sort(key=lambda t: (-(t["arr"] or 0), t["due_on"] or date.max, t["id"]))
        total = int(changed[0]["total"]) if changed else 0
        return {"changes": changed, "changes_total": total, "tasks": listed, "renewals": due}
