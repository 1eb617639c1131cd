"""What a page module needs from the dashboard's router: who is signed in, how to render a
template or answer JSON, how to send someone to sign in, how to refuse a form. The router
(pages.py) makes one and hands it to each page module's ``add_routes``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import Request, Response

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
