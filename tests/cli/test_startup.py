"""A local command's start-up imports only what it uses: the HTTP client (httpx), the file
importer (pyarrow, numpy), Jinja2 and the compiler (Ibis, sqlglot) are a command's largest
imports, and a local run needs none of them once its model's query is compiled
(docs/benchmarks.md, the fixed start-up of a CLI run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("httpx", "pyarrow", "numpy", "jinja2", "ibis", "sqlglot")

PROBE = f"""
import sys
import stethoscope.cli
from stethoscope.connect import connect
project = connect(sys.argv[1])
project.store
print(" ".join(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""


def test_a_local_command_opens_its_project_without_the_heavy_imports(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
