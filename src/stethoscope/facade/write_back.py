"""Scores back to the CRM after each run: for every source with ``[sources.NAME.write_back]``,
the accounts whose score (to one decimal) or band changed since what was last written
there are written with the top reason in words, through the connector's ``write_scores``
(batched, retried; writing a value again changes nothing).

It runs after the run has committed and the store is let go (the scoring run's own
transaction never waits on a CRM), reads the scores with a reader's connection, sends
without holding the store, then records in one short write what the CRM took and the
write-back itself. A failure (the CRM down, a bad credential, a refused record) is
recorded and shown (``sources list``, /api/sources) and never fails the run; what was not
written is sent again after the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.facade.core import ProjectCore

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.runner import RunSummary
    from stethoscope.sources.config import SourceSpec
    from stethoscope.sources.connector import ScoreUpdate, ScoreWriter
    from stethoscope.store.database import Connection
    from stethoscope.store.write_backs import WriteBackRecord

log = logging.getLogger(__name__)
# a CRM text field holds 255 characters (Salesforce's Text(255), HubSpot's single-line text)
REASON_CHARS = 255


class WriteBack(ProjectCore):
    def write_scores_back(self, m: Model, summary: RunSummary) -> list[str]:
        """Write back to each source that asks for it (see the module doc); the ids of
        the write-backs recorded. Never raises for a source's failure."""
        out = []
        for name, spec in self.settings.sources.items():
            if spec.write_back is None:
                continue
            try:
                out.append(self._write_back(name, spec, m, summary))
            except Exception:  # the run is done and kept whatever happens here
                log.exception("write-back to source %s failed", name)
        return out

    def source_write_backs(
        self, name: str | None = None, *, limit: int = 50
    ) -> list[WriteBackRecord]:
        """Write-backs, newest first (of source ``name`` when given)."""
        from stethoscope.store import write_backs

        with self._reading() as con:
            return write_backs.history(con, name, limit)

    def _write_back(self, name: str, spec: SourceSpec, m: Model, summary: RunSummary) -> str:
        from stethoscope.errors import StethoscopeError
        from stethoscope.sources import registry
        from stethoscope.sources.config import redacted
        from stethoscope.sources.connector import ScoreUpdate
        from stethoscope.sources.saas.writeback import write_back
        from stethoscope.store import write_backs

        assert spec.write_back is not None
        started = clock.now()
        secrets: dict[str, str] = {}
        changed = written = failed = 0
        error: str | None = None
        taken: list[ScoreUpdate] = []
        try:
            self._check_score(m, spec.write_back.score)
            with self._reading() as con:
                last = {
                    a: ScoreUpdate(a, s, b, r)
                    for a, (s, b, r) in write_backs.written(con, name).items()
                }
                current = _current(con, m, spec.write_back.score, summary, last)
            options = {**spec.options, **spec.write_back.options(spec.kind)}
            made, secrets = registry.connector(
                name, spec.model_copy(update={"options": options}), self.settings.project_dir
            )
            writer: ScoreWriter = made  # type: ignore[assignment]
            result, now = write_back(writer, current, last)
            taken = [u for a, u in now.items() if last.get(a) is not u]
            changed = len(taken) + len(result.failed)
            written, failed = result.written, len(result.failed)
            if result.failed:
                account, why = result.failed[0]
                more = f" (and {failed - 1:,} more)" if failed > 1 else ""
                error = f"the CRM refused account {account}: {why}{more}"
        except StethoscopeError as e:
            error = f"{type(e).__name__}: {e.message}"
        except Exception as e:  # the CRM's or the network's, said in the record
            error = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        if error:
            error = redacted(secrets, error)
        with self._lock:
            con = self.store.con
            con.begin()
            try:
                write_backs.put_written(
                    con, name, [(u.account_id, u.score, u.band, u.reason) for u in taken]
                )
                wid = write_backs.record(
                    con,
                    name,
                    summary.run_id,
                    started,
                    changed=changed,
                    written=written,
                    failed=failed,
                    error=error,
                )
                con.commit()
            except BaseException:
                con.rollback()
                raise
        return wid


def _current(
    con: Connection,
    m: Model,
    score: str,
    summary: RunSummary,
    last: dict[str, ScoreUpdate],
) -> list[ScoreUpdate]:
    """The scores of the newest scored date (none when the run scored only older dates: a
    backfill does not overwrite the CRM with the past), with reasons for the accounts
    whose score or band changed since ``last``; the others keep their last reason."""
    from stethoscope import readouts
    from stethoscope.sources.connector import ScoreUpdate

    v = m.version
    newest = readouts.latest_date(con, v)
    if newest is None or newest.isoformat() > summary.as_of_to:
        return []
    rows = con.execute(
        "SELECT account_id, score, band FROM score_history WHERE model_version = ? AND "
        "score_name = ? AND as_of = ? AND score IS NOT NULL AND band IS NOT NULL",
        [v, score, newest],
    ).fetchall()
    before = con.execute(
        "SELECT max(as_of) FROM score_history WHERE model_version = ? AND as_of < ?",
        [v, newest],
    ).fetchone()
    prior: dt.date | None = before[0] if before else None
    todo = []
    out = []
    for account, value, band in rows:
        account, value, band = str(account), float(value), str(band)
        was = last.get(account)
        if was is not None and round(was.score, 1) == round(value, 1) and was.band == band:
            out.append(was)  # unchanged: nothing to write
        else:
            todo.append((account, value, band))
    if todo:
        # the frames of both dates, one query each (not two an account: a first write-back
        # of 100,000 accounts)
        now = _frames(con, v, newest)
        earlier = _frames(con, v, prior) if prior else {}
        for account, value, band in todo:
            reason = _reason(m, score, now.get(account), earlier.get(account))
            out.append(ScoreUpdate(account, value, band, reason))
    return out


def _frames(con: Connection, version: str, as_of: dt.date) -> dict[str, dict[str, Any]]:
    """Each account's stored frame row as of a date (what readouts.frame_row reads)."""
    from stethoscope.contract.schema import q
    from stethoscope.store.results import detail_table, row_dicts

    rows = row_dicts(con, f"SELECT * FROM {q(detail_table(version))} WHERE as_of = ?", [as_of])
    return {str(r["account_id"]): r for r in rows}


def _reason(
    m: Model, score: str, row: dict[str, Any] | None, earlier: dict[str, Any] | None
) -> str:
    """The top reason in words, as /today gives it: what moved the score most since the
    date scored before; without one, the measure that costs the score most."""
    from stethoscope.engine.explain import compare, explain_row
    from stethoscope.model_words import change_reason, measure_value

    if row is None:
        return ""
    now = explain_row(m, row, score)
    if earlier is not None:
        change = compare(explain_row(m, earlier, score), now, m.scale.decimals)
        if change.change:
            return change_reason(m, change, now).split("; ")[0][:REASON_CHARS]
    lines = [ln for ln in now.measures if ln.weight > 0]
    if not lines:
        return "no measure scored"
    worst = max(lines, key=lambda ln: ln.weight * (100 - (ln.grade or 0)))
    return measure_value(m, worst)[:REASON_CHARS]
