"""With `stethoscope serve` running: the CLI's alert and task commands go through it, and
the server sends a waiting delivery on its timer once the mail server is back."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.alerts.conftest import MODEL, Mailbox, free_port
from tests.conftest import cli
from tests.serving import Serving

RULES = """\
rules:
  act:
    kind: below
    threshold: 60
    task: {playbook: red, due: 3d}
"""


@pytest.mark.slow
def test_commands_go_through_the_server_which_sends_on_its_timer(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    port = free_port()
    (tmp_path / "stethoscope.toml").write_text(
        'alert_rules = "alerts.yaml"\nschedule = ""\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_security = "none"\n'
        "alert_retry_delay = 0.2\nalert_drain_interval = 0.3\n"
    )
    (tmp_path / "model.yaml").write_text(MODEL)
    (tmp_path / "alerts.yaml").write_text(RULES)
    (tmp_path / "accounts.csv").write_text(
        "id,name,owner,segment,customer_since,level\na1,Acme,dana@x.example,smb,2024-01-01,50\n"
    )
    # the commands run in this process (the server is another, started by Serving)
    assert cli("import", "accounts", "accounts.csv", cwd=tmp_path).returncode == 0
    # the mail server is down during the run: the email waits in the outbox
    r = cli("run", "--as-of", "2025-03-01", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with Serving(tmp_path):
            deadline = time.monotonic() + 20
            while not box.messages and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [m[0] for m in box.messages] == [["dana@x.example"]]
            r = cli("tasks", "list", "--json", cwd=tmp_path)
            assert r.returncode == 0, r.stderr
            [task] = json.loads(r.stdout)
            assert task["owner"] == "dana@x.example"
            r = cli("tasks", "done", str(task["id"]), cwd=tmp_path)
            assert (r.returncode, r.stdout.strip()) == (0, f"Task {task['id']} is done."), r.stderr
            r = cli("alerts", "deliveries", "--json", cwd=tmp_path)
            [d] = json.loads(r.stdout)
            assert (d["status"], d["attempts"] >= 2) == ("sent", True)
            r = cli("alerts", "report", "--json", cwd=tmp_path)
            assert [(x["rule"], x["tasks_done"]) for x in json.loads(r.stdout)] == [("act", 1)]
            r = cli("export", "--format", "json", cwd=tmp_path)
            assert json.loads(r.stdout)[0]["band"] == "red"
            time.sleep(1)  # more timer ticks: nothing is sent twice
        assert len(box.messages) == 1
    finally:
        controller.stop()
    r = cli("audit", "--action", "task.done", cwd=tmp_path)
    assert "local" in r.stdout  # done through the server, with its local token
