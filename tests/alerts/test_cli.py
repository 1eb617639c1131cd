"""`stethoscope alerts ...`, `stethoscope tasks ...` and `stethoscope export` as a user runs
them, in fresh processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.alerts.conftest import MODEL
from tests.conftest import cli

RULES = """\
rules:
  act:
    kind: below
    threshold: 60
    channels: []
    task: {playbook: red, due: 3d}
"""


def _book(folder: Path) -> None:
    (folder / "stethoscope.toml").write_text('alert_rules = "alerts.yaml"\n')
    (folder / "model.yaml").write_text(MODEL)
    (folder / "alerts.yaml").write_text(RULES)
    (folder / "accounts.csv").write_text(
        "id,name,owner,segment,customer_since,level\n"
        "a1,Acme,dana@x.example,smb,2024-01-01,50\na2,Beta,lee@x.example,smb,2024-01-01,90\n"
    )
    assert cli("import", "accounts", "accounts.csv", cwd=folder).returncode == 0


def test_alerts_and_tasks_from_the_command_line(tmp_path: Path) -> None:
    _book(tmp_path)
    r = cli("alerts", "validate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Alert rules OK (alerts.yaml): 1 rules (act), 14 playbooks.")
    r = cli("run", "--as-of", "2025-03-01", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  alerts: 1 opened, 0 resolved" in r.stdout
    alerts = json.loads(cli("alerts", "list", "--json", cwd=tmp_path).stdout)
    assert [(a["rule"], a["account_id"], a["status"]) for a in alerts] == [("act", "a1", "open")]
    tasks = json.loads(cli("tasks", "list", "--status", "open", "--json", cwd=tmp_path).stdout)
    [task] = tasks
    r = cli("tasks", "show", str(task["id"]), cwd=tmp_path)
    assert "Task 1: Alert act: Acme" in r.stdout
    assert "1. Read the score's explanation" in r.stdout
    r = cli("tasks", "dismiss", str(task["id"]), "--reason", " ", cwd=tmp_path)
    assert r.returncode == 1
    assert "say why: dismissing a task needs a reason" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli("tasks", "done", str(task["id"]), cwd=tmp_path)
    assert (r.returncode, r.stdout.strip()) == (0, "Task 1 is done.")
    report = json.loads(cli("alerts", "report", "--json", cwd=tmp_path).stdout)
    assert [(x["rule"], x["alerted"], x["tasks_done"]) for x in report] == [("act", 1, 1)]
    r = cli("export", "--format", "csv", cwd=tmp_path)
    assert r.stdout.splitlines()[0] == (
        '"account_id","name","owner","segment","arr","renewal_date","as_of","score_name",'
        '"score","band","coverage"'
    )
    assert r.stdout.splitlines()[1].startswith(
        '"a1","Acme","dana@x.example","smb",,,"2025-03-01","health",50.0,"red"'
    )


def test_a_run_with_invalid_rules_is_refused_with_file_lines(tmp_path: Path) -> None:
    _book(tmp_path)
    (tmp_path / "alerts.yaml").write_text(RULES.replace("threshold: 60", "threshhold: 60"))
    r = cli("run", "--as-of", "2025-03-01", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.splitlines()[:3] == [
        "Error: invalid alert rules 'alerts.yaml' (1 problem)",
        "  alerts.yaml:4  rules.act.threshhold: unknown key 'threshhold' (did you mean "
        "'threshold'?)",
        "Hint: run `stethoscope alerts validate` after editing.",
    ]
    assert cli("validate", cwd=tmp_path).stderr.splitlines()[:2] == r.stderr.splitlines()[:2]
    # refused before it started: no run recorded
    r = cli("runs", cwd=tmp_path)
    assert r.returncode == 0
    assert "2025-03-01" not in r.stdout
