"""Discover's candidates of the contract and the account: subscription lines as they
started, the contract in force on the date, and account attributes."""

from __future__ import annotations

from collections.abc import Iterator

from stethoscope.backtest.candidate_kinds import (
    LONG,
    STATIC,
    WINDOW,
    YEAR,
    Candidate,
    one,
    ratio,
    span,
)
from stethoscope.backtest.discover_book import Book


def subscription_lines(book: Book) -> Iterator[Candidate]:
    """Contract lines placed in time by their start (what is known once a line starts)."""
    if "subscriptions" not in book.tables:
        return
    lines = {"table": "subscriptions"}
    yield one(
        "days_since_line_start",
        "subscriptions",
        "Days since the newest subscription line started (a renewal, upgrade or add-on).",
        {**lines, "aggregate": "days_since"},
    )
    yield one(
        "lines_started_365d",
        "subscriptions",
        "Subscription lines started in the last year.",
        {**lines, "aggregate": "count", "window": span(YEAR)},
    )
    for column, what in (("mrr", "MRR"), ("quantity", "quantity (seats)")):
        if column in book.line_columns:
            yield one(
                f"line_{column}_latest",
                "subscriptions",
                f"The {what} of the newest subscription line.",
                {**lines, "aggregate": "latest", "column": column},
            )
    if "term_months" in book.line_columns:
        yield one(
            "term_months_latest",
            "subscriptions",
            "The billing term in months of the newest subscription line (1 monthly, 12 annual).",
            {**lines, "aggregate": "latest", "column": "term_months"},
        )


def contract_in_force(book: Book) -> Iterator[Candidate]:
    """The contract in force on the date (subscription lines started by then and not ended
    before it)."""
    if "subscriptions" not in book.tables:
        return
    yield one("mrr", "contract", "MRR of the lines in force.", {"contract": "mrr"})
    seats = {"contract": "seats"}
    yield one("contract_seats", "contract", "Seats (quantity) of the lines in force.", seats)
    yield one(
        "days_to_term_end",
        "contract",
        "Days to the end of the main line's current term.",
        {"contract": "days_to_term_end"},
    )
    yield one(
        "days_since_contract_change",
        "contract",
        "Days since MRR or seats in force last changed.",
        {"contract": "days_since_change"},
    )
    if "term_months" in book.line_columns:
        yield one(
            "bill_period",
            "contract",
            "Billing term of the main line in months (1 monthly, 12 annual).",
            {"contract": "term_months"},
        )
    yield one(
        "mrr_change_90d",
        "contract",
        "MRR in force against 90 days before, in percent.",
        {"contract": "mrr", "change": span(LONG), "as": "percent"},
    )
    yield one(
        "seat_change_90d",
        "contract",
        "Seats in force minus those 90 days before.",
        {"contract": "seats", "change": span(LONG)},
    )
    if book.has_users:
        yield ratio(
            "users_per_contract_seat_30d",
            "contract",
            "Active users in 30 days per seat in force (licence utilisation).",
            {
                "users_30d": {
                    "table": "events",
                    "aggregate": "count_distinct",
                    "column": "user_id",
                    "window": span(WINDOW),
                },
                "contract_seats": seats,
            },
        )


def account_attributes(book: Book) -> Iterator[Candidate]:
    yield one(
        "tenure_days",
        "account",
        "Days since the account became a customer.",
        {"attribute": "tenure_days"},
    )
    static = None if book.attribute_history else STATIC
    if book.has_renewal:
        yield one(
            "days_to_renewal",
            "account",
            "Days to the contract's term end, else to accounts.renewal_date.",
            {"attribute": "days_to_renewal"},
            caveat=static,
        )
    for name, what in (("seats", "Licensed seats."), ("arr", "Annual recurring revenue.")):
        yield one(name, "account", what, {"attribute": name}, caveat=static)
