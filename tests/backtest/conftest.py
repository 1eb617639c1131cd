"""Demo books made once per test run and copied: a loaded store is a file, and several
backtest tests start from the same book (loading 400 accounts of the demo takes 3-5 s,
copying its file a few hundredths)."""

from __future__ import annotations

import datetime as dt
import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from stethoscope.project import Project

DemoBook = Callable[..., Path]


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> DemoBook:
    """demo_book(folder, accounts=, months=, end=, seed=) -> ``folder``, now a project on a
    copy of a store holding that demo book (``Project.load_demo``), made on first use.

    The made stores are shared by the test processes of one run (pytest-xdist's workers
    share the parent of their temporary folders): the first to need a book makes it under
    a lock, the others wait and copy it."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent
    shared = root / "demo-books"
    shared.mkdir(exist_ok=True)

    def make(folder: Path, *, accounts: int, months: int, end: dt.date, seed: int = 0) -> Path:
        name = f"{accounts}-{months}-{end.isoformat()}-{seed}"
        store = shared / name / "stethoscope.duckdb"
        with (shared / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not store.exists():
                made = shared / f"{name}.making"
                shutil.rmtree(made, ignore_errors=True)
                made.mkdir()
                (made / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
                with Project.open(made) as p:
                    p.load_demo(accounts=accounts, months=months, end=end, seed=seed)
                assert not (made / "stethoscope.duckdb.wal").exists(), "closed, log checkpointed"
                made.rename(store.parent)  # whole or not at all
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
        shutil.copyfile(store, folder / "stethoscope.duckdb")
        return folder

    return make
