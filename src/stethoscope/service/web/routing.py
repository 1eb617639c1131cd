"""What a page module needs from the dashboard's router: who is signed in, how to render a
template or answer JSON, how to send someone to sign in, how to refuse a form. The router
(pages.py) makes one and hands it to each page module's ``add_routes``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from fastapi import Request, Response
    from starlette.datastructures import FormData

    from stethoscope.service.web.session import Sessions
    from stethoscope.store.users import User


# every page: only this site's styles and forms, never in a frame, never cached (it shows
# the book), never sniffed as another type
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


STALE_FORM = "the form is missing its CSRF token, or it is stale: reload it"
# a form's signed-in user and its fields, or the answer refusing it
Posted: TypeAlias = "tuple[User, FormData] | Response"


@dataclass(frozen=True)
class PageKit:
    sessions: Sessions
    # render(request, template, user, data, status=200, **extra)
    render: Callable[..., Response]
    # signed_out(request, format): to /signin (html) or 401 (json)
    signed_out: Callable[[Request, str], Response]
    # answer(request, format, template, user, data): the page or its data as JSON
    answer: Callable[[Request, str, str, User, dict[str, Any]], Response]
    # forbidden(message): a refused form
    forbidden: Callable[[str], Response]
    # may_edit(user): the user's role may change things (editor, admin)
    may_edit: Callable[[User], bool]

    async def posted(self, request: Request, *, doing: str | None = None) -> Posted:
        """A form's user and fields, or the answer that refuses it: to sign in first, a
        missing or stale CSRF token, or (``doing`` given) a role that may not change
        things, saying it may not ``doing``."""
        from fastapi.concurrency import run_in_threadpool

        from stethoscope.service.web.session import CSRF_FIELD

        user = await run_in_threadpool(self.sessions.user, request)
        if user is None:
            return self.signed_out(request, "html")
        form = await request.form()
        if not self.sessions.csrf_ok(request, form.get(CSRF_FIELD)):
            return self.forbidden(STALE_FORM)
        if doing is not None and not self.may_edit(user):
            return self.forbidden(
                f"the user '{user.name}' has the role {user.role}, which may not {doing}"
            )
        return user, form
