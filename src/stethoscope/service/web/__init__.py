"""The dashboard: server-rendered pages over the facade, for people signed in with a user
(``stethoscope users create``). See docs/dashboard.md."""

from __future__ import annotations

from stethoscope.service.web.pages import STATIC, failure_page, router

__all__ = ["STATIC", "failure_page", "router"]
