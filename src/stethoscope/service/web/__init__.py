"""The dashboard: server-rendered pages over the facade, for people signed in with a user
(``stethoscope users create``). See docs/dashboard.md."""

from __future__ import annotations

from stethoscope.service.web.pages import STATIC, router

__all__ = ["STATIC", "router"]
