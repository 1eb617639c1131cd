"""Dashboard sessions live in the store: signing out ends a session everywhere, and
failed sign-ins are limited per name and per address."""

from __future__ import annotations

import datetime as dt

from stethoscope.service.web.session import SESSION_COOKIE
from stethoscope.store import web_sessions
from tests.web.conftest import PASSWORD, Book, Browser, user_name


def test_signing_out_revokes_the_session_for_every_copy_of_its_cookie(fresh: Book) -> None:
    b = fresh.browser("viewer", through_form=True)
    stolen = b.cookies.get(SESSION_COOKIE)
    assert stolen
    assert b.get("/?format=json").status_code == 200
    b.post("/signout", data={"csrf_token": b.csrf("/")})
    # a copy of the cookie made before signing out is worth nothing now
    other = fresh.browser()
    other.cookies.set(SESSION_COOKIE, stolen, domain="test")
    assert other.get("/?format=json").status_code == 401
    # the store keeps a hash of the session id, never the id
    rows = fresh.project.store.con.execute(
        "SELECT id_sha256, revoked_at FROM web_sessions"
    ).fetchall()
    assert len(rows) == 1
    assert rows[0][1] is not None
    assert all(len(r[0]) == 64 for r in rows)
    # signing in again opens a new session; the old one stays revoked
    again = fresh.browser("viewer", through_form=True)
    assert again.get("/?format=json").status_code == 200
    assert other.get("/?format=json").status_code == 401


def test_a_session_cookie_of_an_expired_session_is_refused(fresh: Book) -> None:
    b = fresh.browser("editor")
    fresh.project.store.con.execute(
        "UPDATE web_sessions SET expires_at = ?", [dt.datetime(2000, 1, 1)]
    )
    assert b.get("/?format=json").status_code == 401


def test_failed_sign_ins_are_limited_per_name(fresh: Book) -> None:
    b = fresh.browser()
    name = user_name(fresh.project, "editor")
    for _ in range(web_sessions.NAME_LIMIT):
        assert b.sign_in(name, "wrong password!").status_code == 401
    # now even the right password waits, and the page says for how long
    r = b.sign_in(name, PASSWORD)
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.text
    assert 0 < int(r.headers["retry-after"]) <= web_sessions.WINDOW.total_seconds()
    # another user is not held up by it, nor this one from another address: failing to
    # sign in as someone does not lock them out
    assert b.sign_in(user_name(fresh.project, "viewer")).status_code == 303
    elsewhere = Browser(fresh.app, address="198.51.100.7")
    assert elsewhere.sign_in(name, PASSWORD).status_code == 303
    # once the failures are out of the window, the name may sign in, which clears them
    fresh.project.store.con.execute('UPDATE signin_attempts SET "at" = "at" - INTERVAL 16 MINUTE')
    assert fresh.browser().sign_in(name).status_code == 303
    assert fresh.project.signin_wait(name, "127.0.0.1") == 0


def test_failed_sign_ins_are_limited_per_address(fresh: Book) -> None:
    p = fresh.project
    for n in range(web_sessions.ADDRESS_LIMIT):
        assert p.signin_wait(f"someone-{n}", "10.0.0.9") == 0
        p.signin_failed(f"someone-{n}", "10.0.0.9")
    assert p.signin_wait("anyone-else", "10.0.0.9") > 0
    assert p.signin_wait("anyone-else", "10.0.0.10") == 0
