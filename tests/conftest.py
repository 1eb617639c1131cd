from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """An empty project in a temporary folder, on its own embedded database."""
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(tmp_path) as p:
        yield p


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write(name, text) -> path of a file in the test's folder."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write


ACCOUNTS_CSV = """\
id,name,owner,segment,industry,plan,arr,seats,customer_since,renewal_date,region
a1,Acme,dana@x.example,smb,retail,starter,1200,5,2024-01-01,2025-01-01,emea
a2,Beta,lee@x.example,enterprise,healthcare,enterprise,99000.5,200,2023-06-15,2025-06-15,na
"""


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `stethoscope ARGS` in a fresh process, as a user would."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "stethoscope", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
