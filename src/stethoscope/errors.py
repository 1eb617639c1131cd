"""The one exception hierarchy of Stethoscope.

    StethoscopeError                 anything Stethoscope reports to a person
    ├── ConfigError                  settings or project file unusable
    ├── ModelError                   a health model (YAML) is invalid
    ├── DataError                    source data breaks the contract
    ├── EngineError                  scoring failed on the backend
    ├── StoreError                   the store cannot be opened or written
    │   └── StoreBusyError           another process holds the embedded database
    │       └── RunInProgressError   a run is already in progress in this process
    └── AuthError                    missing or invalid credential (HTTP 401)
        └── ForbiddenError           a valid credential whose role may not do this (403)

Every error carries a one-line message and, optionally, a list of ``Problem``
(where, what) and a hint telling the user what to do next. The CLI prints them
without a traceback; the API turns them into its error envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where (e.g. ``accounts.csv row 12`` or ``model.yaml:14``)."""

    where: str
    message: str
    column: str | None = None

    def __str__(self) -> str:
        col = f"{self.column}: " if self.column else ""
        return f"{self.where}  {col}{self.message}"


@dataclass
class StethoscopeError(Exception):
    message: str
    problems: list[Problem] = field(default_factory=list)
    hint: str | None = None
    # problems not listed in ``problems`` because there were too many
    more: int = 0

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  {p}" for p in self.problems]
        if self.more:
            lines.append(f"  ... and {self.more:,} more")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


class ConfigError(StethoscopeError):
    pass


class ModelError(StethoscopeError):
    pass


class DataError(StethoscopeError):
    pass


class EngineError(StethoscopeError):
    pass


class StoreError(StethoscopeError):
    pass


class StoreBusyError(StoreError):
    pass


class RunInProgressError(StoreBusyError):
    pass


class SourceError(StethoscopeError):
    """A source (a SaaS API, a database, files) could not be read or written."""


class AuthError(StethoscopeError):
    pass


class ForbiddenError(AuthError):
    pass
