"""Which facade a command gets: the project itself, or the server that owns its database.

Above both stethoscope.project and stethoscope.client, so that neither imports the other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from stethoscope.errors import StoreBusyError
from stethoscope.facade.protocol import Facade


def connect(
    project_dir: Path | str | None = None, *, on_wait: Callable[[str], None] | None = None
) -> Facade:
    """The project at ``project_dir``: local, or through the server that owns its database.

    While another process holds the database this waits (up to ``lock_timeout``), and
    switches to the server if the holder turns out to be one that has just started.
    """
    from stethoscope.imports import bulk_import

    with bulk_import():  # the facade's many modules
        from stethoscope.project import Project
        from stethoscope.store.lease import read_lease

    project = Project.open(project_dir, on_wait=on_wait)
    path = project.settings.database_path
    if path is None:
        return project
    deadline = time.monotonic() + project.settings.lock_timeout
    told = False
    while True:
        lease = read_lease(path)
        if lease is not None:
            # imported only here: the HTTP client (httpx, and pyarrow for the files it
            # streams) is most of a local command's start-up
            from stethoscope.client import RemoteProject

            return RemoteProject(lease, project.settings)
        try:
            from stethoscope.store.embedded import EmbeddedStore

            project._store = EmbeddedStore(
                path,
                timeout=0.5,
                memory_limit=project.settings.memory_limit,
                threads=project.settings.threads,
            )
            return project
        except StoreBusyError as e:
            if time.monotonic() >= deadline:
                e.hint = (
                    f"waited {project.settings.lock_timeout:g} s; run the command again "
                    "when it has finished, or raise lock_timeout"
                )
                raise
            if on_wait and not told:
                on_wait(f"waiting: {e.message}")
                told = True
