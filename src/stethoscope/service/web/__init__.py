"""The dashboard: server-rendered pages over the facade, for people signed in with a user
(``stethoscope users create``). See docs/dashboard.md.

Each page module is a router that ``service.app`` includes (``pages`` holds sign-in, the
Portfolio, Accounts and Account pages). This package imports none of them: importing one
module of it (``routing``, which ``service.deps`` needs) must not import every page.
"""
