"""Cron expressions of schedules (the scoring run's, a source's sync): checked once, here."""

from __future__ import annotations


def check_cron(expression: str) -> str:
    """A cron expression of five fields (or an alias like @daily) that fires; '' for none."""
    import datetime as dt

    expression = " ".join(expression.split())
    if not expression:
        return ""
    from croniter import croniter  # only for a schedule: most commands have none

    expected = (
        "expected a cron expression of 5 fields (minute hour day month weekday) like "
        "'0 2 * * *', or '' to turn scheduled runs off"
    )
    if not expression.startswith("@") and len(expression.split()) != 5:
        raise ValueError(f"{expected}; got {expression!r}")
    try:
        croniter(expression, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).get_next(dt.datetime)
    except ValueError as e:  # croniter's errors are ValueErrors
        # CroniterBadDateError: valid fields that never meet, like '0 0 30 2 *'
        problem = "it never fires" if "find next date" in str(e) else str(e)
        raise ValueError(f"{expected}; got {expression!r}: {problem}") from None
    return expression
