"""CSM inputs: the gut checks and manual measures a model declares, entered by people,
each recorded in the audit log."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.errors import DataError
from stethoscope.facade.core import ProjectCore

if TYPE_CHECKING:
    from stethoscope.rescore import Rescored


class Inputs(ProjectCore):
    if TYPE_CHECKING:
        # scoring the account again (stethoscope.facade.scoring)

        def score_account(
            self, account_id: str, *, model: Path | str | None = None
        ) -> Rescored: ...

    def add_input(
        self,
        account_id: str,
        name: str,
        value: str,
        *,
        reason: str,
        author: str,
        expires: date | None = None,
        model: Path | str | None = None,
        actor: str | None = None,
        rescore: bool = False,
    ) -> dict[str, Any]:
        """Record a CSM input (gut check, manual measure) declared by the model; ``actor``
        (default: this process's user) is who entered it, for the audit log. With
        ``rescore``, the account is then scored again at once (``score_account``), and
        the row has ``rescored``: what that did."""
        from stethoscope.store import audit, inputs

        m = self.load_model(model)
        if name not in m.inputs:
            raise DataError(
                f"the model declares no input '{name}'",
                hint=f"inputs are: {', '.join(m.inputs) or '(none)'}",
            )
        with self._lock:
            row = inputs.add(
                self.store.con,
                m.inputs[name],
                account_id,
                value,
                reason=reason,
                author=author,
                actor=actor or audit.local_actor(),
                expires=expires,
            )
        if rescore:
            row["rescored"] = self.score_account(account_id, model=model)
        return row

    def inputs(self, account_id: str | None = None) -> list[dict[str, Any]]:
        from stethoscope.store import inputs

        with self._reading() as con:
            return inputs.listing(con, account_id)

    def revoke_input(
        self, input_id: str, *, by: str, reason: str, actor: str | None = None
    ) -> None:
        from stethoscope.store import audit, inputs

        with self._lock:
            inputs.revoke(
                self.store.con, input_id, by=by, reason=reason, actor=actor or audit.local_actor()
            )
