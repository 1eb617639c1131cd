"""The read model: ``GET /api/accounts/{id}`` answered from memory.

The endpoint most read by other tools (a CRM widget, a support sidebar) asks for one
account with its current scores. Looking it up costs three database statements, about
7 ms of CPU each time; the server instead keeps every account's answer, encoded once, in a
dictionary, and renews it after writes:

- a copy is made in one read of the store (``Project.accounts_now``), on a thread of its
  own, and stamped with the project's write generation (``stethoscope.write_lock``) read
  before the read began, and with the model version it was made under;
- it answers only while the generation and the model file's version are still those: any
  write that can change an account or its scores (a run, an import, an upsert, an input,
  an erasure...) makes it stale at once, and requests are answered from the store, exactly
  as without a copy, until a new one is made (which a stale read starts);
- it is kept only where the server is the store's one writer (the embedded store, locked
  to the server); on a Postgres store, which other processes write, every request reads
  the database. The ``read_model`` setting turns it off.

So what it answers is byte for byte what the store would: both are encoded by ``encode``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope.errors import StethoscopeError
from stethoscope.rows import AccountRow, CurrentScore

if TYPE_CHECKING:
    from stethoscope.project import Project

log = logging.getLogger(__name__)

# an account as `Project.account` gives it, its current scores, the model version -> JSON
Encode = Callable[[AccountRow, list[CurrentScore], str], bytes]


@dataclass(frozen=True)
class Copy:
    generation: int
    version: str
    bodies: dict[str, bytes]
    seconds: float


class ReadModel:
    """Each account's answer, kept in memory while it is exact (see the module doc)."""

    def __init__(self, project: Project, encode: Encode) -> None:
        self.project = project
        self.encode = encode
        self.enabled = project.sole_writer and project.settings.read_model
        # whether a stale copy is renewed on its own (``start``); else only by ``renew``
        self.renewing = False
        self._copy: Copy | None = None
        self._making = threading.Lock()
        self._next_at = 0.0
        # why the last copy could not be made (no model file, say), until one is
        self._error: str | None = None

    def start(self) -> None:
        """Make the first copy in the background, and renew stale ones from now on."""
        self.renewing = True
        self.renew_soon()

    def stop(self) -> None:
        """Renew no more, and wait for a copy being made (before the store closes)."""
        self.renewing = False
        with self._making:
            pass

    def get(self, account_id: str, version: str) -> bytes | None:
        """The account's answer under the model ``version``, when the copy holds it and is
        exact; None: ask the store (and a stale copy is renewed in the background)."""
        copy, now = self._copy, (self.project.generation, version)
        if copy is not None and (copy.generation, copy.version) == now:
            return copy.bodies.get(account_id)
        self.renew_soon()
        return None

    def describe(self) -> dict[str, Any]:
        """What ``GET /api/status`` says of it: on or off, and whether the copy is exact
        (a stale one is renewed)."""
        copy = self._copy
        exact = copy is not None and copy.generation == self.project.generation
        if not exact:
            self.renew_soon()
        return {
            "enabled": self.enabled,
            "accounts": None if copy is None else len(copy.bodies),
            "exact": exact,
            "seconds": None if copy is None else round(copy.seconds, 3),
            "error": self._error,
        }

    def renew_soon(self) -> None:
        """Start making a new copy, unless one is being made or the last began a moment
        ago (after a write, a copy's cost is paid at most about a tenth of the time)."""
        if not (self.enabled and self.renewing) or time.monotonic() < self._next_at:
            return
        if not self._making.acquire(blocking=False):
            return
        threading.Thread(target=self._renew, name="stethoscope-read-model", daemon=True).start()

    def renew(self) -> Copy | None:
        """Make a new copy now (the caller waits); None when it is off."""
        if not self.enabled:
            return None
        with self._making:
            return self._make()

    def _renew(self) -> None:
        try:
            self._make()
        except StethoscopeError as e:  # no model file, say: the endpoint says so too
            self._error = e.message
            self._next_at = time.monotonic() + 2
        except Exception as e:  # a failed copy leaves requests to the store, never half answered
            log.exception("could not make the read model's copy; reading the store instead")
            self._error = f"{type(e).__name__}: {e}"
            self._next_at = time.monotonic() + 2
        finally:
            self._making.release()

    def _make(self) -> Copy:
        started = time.monotonic()
        generation = self.project.generation  # before the read: see the module doc
        version = self.project.load_model().version
        bodies = {
            account.id: self.encode(account, scores, version)
            for account, scores in self.project.accounts_now(version)
        }
        seconds = time.monotonic() - started
        copy = Copy(generation, version, bodies, seconds)
        self._copy, self._error = copy, None
        self._next_at = time.monotonic() + 9 * seconds
        log.info("read model: %d accounts in %.2f s", len(bodies), seconds)
        return copy
