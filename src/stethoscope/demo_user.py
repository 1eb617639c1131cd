"""The demo's sign-in: ``python -m stethoscope.demo_user PROJECT`` makes sure the demo book
has an editor named after the owner of the most accounts (so "My book" shows them), with
a random password made once and kept beside the book (``demo-password``, mode 600; the
name in ``demo-user``), and
prints the name and password. Run by ``make demo``; not for a real project."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from stethoscope.project import Project


def ensure(folder: Path) -> tuple[str, str]:
    saved = folder / "demo-password"
    with Project.open(folder) as p:
        row = p.store.con.execute(
            "SELECT owner FROM accounts WHERE owner IS NOT NULL GROUP BY owner "
            "ORDER BY count(*) DESC, owner LIMIT 1"
        ).fetchone()
        name = str(row[0]) if row else "demo@example.com"
        known = {u.name for u in p.users()}
        if name in known and saved.is_file():
            return name, saved.read_text().strip()
        if name in known:
            raise SystemExit(
                f"the demo user {name} exists but {saved} is gone: delete {folder} and run "
                "`make demo` again"
            )
        password = secrets.token_urlsafe(12)
        p.create_user(name, "editor", password)
    saved.write_text(password + "\n")
    os.chmod(saved, 0o600)
    (folder / "demo-user").write_text(name + "\n")
    return name, password


def main() -> None:
    name, password = ensure(Path(sys.argv[1] if len(sys.argv) > 1 else ".demo"))
    print(f"Demo sign-in: user {name}  password {password}  (an editor; kept in demo-password)")


if __name__ == "__main__":
    main()
