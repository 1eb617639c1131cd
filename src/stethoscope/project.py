"""The facade: one object that the CLI, the API, notebooks and orchestrators all call.

``Project`` works on the project's store directly. Its methods are gathered by concern in
stethoscope.facade (scoring, read-outs, one owner's day, source data, inputs, relationship,
backtests, access) and stethoscope.alerts.facade; ``Project`` joins them, and adds nothing
of its own.
``stethoscope.connect.connect()`` returns a ``Project``, or, when a server already owns the
project's embedded database, a ``RemoteProject`` (stethoscope.client): both are a
``stethoscope.facade.protocol.Facade``.
"""

from __future__ import annotations

from stethoscope.alerts.facade import AlertsMixin
from stethoscope.facade.access import Access
from stethoscope.facade.backtest_jobs import BacktestJobs
from stethoscope.facade.backtests import Backtests
from stethoscope.facade.inputs import Inputs
from stethoscope.facade.protocol import DemoResult, Status
from stethoscope.facade.readouts import Readouts
from stethoscope.facade.relationship import Relationship
from stethoscope.facade.scoring import Scoring
from stethoscope.facade.source_data import SourceData
from stethoscope.facade.sources import Sources
from stethoscope.facade.today import Today
from stethoscope.facade.week import Week
from stethoscope.facade.write_back import WriteBack

__all__ = ["DemoResult", "Project", "Status"]


class Project(
    SourceData,
    Sources,
    WriteBack,
    Scoring,
    Readouts,
    Today,
    Week,
    Inputs,
    Relationship,
    Backtests,
    BacktestJobs,
    Access,
    AlertsMixin,
):
    """A Stethoscope project: its settings and its store, used from one process (see
    stethoscope.facade.core for how its methods share the store between threads)."""
