"""The Accounts page's filters and order, as its address gives them: one set of query
parameters for the page (/accounts) and its CSV (/export/accounts), so that the export holds
what the page finds, in its order."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from stethoscope.service.web.views import SORTS


@dataclass
class AccountFilters:
    band: str | None = None
    owner: str | None = None
    segment: str | None = None
    q: str | None = None
    mine: bool = False  # the signed-in user's own book (owner is then ignored)
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "score"
    order: Literal["asc", "desc"] = "asc"

    def query(self, user_name: str) -> dict[str, Any]:
        """The keyword arguments of the book's query (``views.accounts``,
        ``Project.book_page``) for the user named ``user_name``."""
        return {
            "band": self.band or None,
            "owner": user_name if self.mine else self.owner or None,
            "segment": self.segment or None,
            "search": (self.q or "").strip() or None,
            "sort": self.sort,
            "descending": self.order == "desc",
        }

    def kept(self) -> dict[str, str | None]:
        """The parameters a link from the page keeps (None: left out)."""
        return {
            "band": self.band,
            "owner": None if self.mine else self.owner,
            "segment": self.segment,
            "q": self.q,
            "mine": "1" if self.mine else None,
            "sort": self.sort,
            "order": self.order,
        }


# a route's parameter: ``filters: Filtered``
Filtered = Annotated[AccountFilters, Depends()]
