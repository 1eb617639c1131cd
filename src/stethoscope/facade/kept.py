"""Answers kept until the next write: where this process is the store's only writer
(``ProjectCore.sole_writer``), a read of accounts and scores stays exact for as long as the
write generation (stethoscope.write_lock) is the one read before it began, so the
dashboard's pages read it again only after a write that can change it. Writes that keep
reads (an ingest, a touchpoint, a session) do not change accounts or scores: what reads
anything else (tasks, alerts) must not be kept here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    """At most ``size`` answers by key, each with the generation it was read at."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._answers: dict[Hashable, tuple[int, T]] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, generation: int | None, read: Callable[[], T]) -> T:
        """``read()``, or what it answered at ``generation`` (None: keep nothing, as on a
        store other processes write). The caller reads the generation before it reads."""
        if generation is None:
            return read()
        with self._guard:
            found = self._answers.get(key)
        if found is not None and found[0] == generation:
            return found[1]
        answer = read()
        with self._guard:
            if len(self._answers) >= self.size:
                self._answers.clear()
            self._answers[key] = (generation, answer)
        return answer
