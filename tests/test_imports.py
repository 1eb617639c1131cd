"""stethoscope.imports: the collector is off while modules are imported, and what they
made is frozen only when something was imported."""

from __future__ import annotations

import gc
import subprocess
import sys

PROBE = """
import gc
from stethoscope.imports import bulk_import
with bulk_import():
    off = gc.isenabled()
    import decimal, fractions  # not imported yet in a new interpreter
frozen = gc.get_freeze_count()
with bulk_import():
    import decimal  # already imported: nothing is frozen
print(off, gc.isenabled(), frozen > 0, gc.get_freeze_count() == frozen)
"""


def test_imports_run_with_the_collector_off_and_freeze_only_what_they_made() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True", "True"]


def test_a_disabled_collector_stays_disabled() -> None:
    from stethoscope.imports import bulk_import

    gc.disable()
    try:
        with bulk_import():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
