"""Demo books made once per test run and copied: a loaded store is a file, and several
backtest tests start from the same book (loading 400 accounts of the demo takes 3-5 s,
copying its file a few hundredths)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from stethoscope.project import Project
from tests.conftest import built_once

DemoBook = Callable[..., Path]


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> DemoBook:
    """demo_book(folder, accounts=, months=, end=, seed=) -> ``folder``, now a project on a
    copy of a store holding that demo book (``Project.load_demo``), made on first use.

    Each book is made once per test run, for all its processes (``built_once``)."""

    def make(folder: Path, *, accounts: int, months: int, end: dt.date, seed: int = 0) -> Path:
        def build(made: Path) -> None:
            (made / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
            with Project.open(made) as p:
                p.load_demo(accounts=accounts, months=months, end=end, seed=seed)
            assert not (made / "stethoscope.duckdb.wal").exists(), "closed, log checkpointed"

        name = f"demo-book-{accounts}-{months}-{end.isoformat()}-{seed}"
        store = built_once(tmp_path_factory, worker_id, name, build) / "stethoscope.duckdb"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
        shutil.copyfile(store, folder / "stethoscope.duckdb")
        return folder

    return make
