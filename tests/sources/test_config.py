"""[sources.NAME] in stethoscope.toml: checked when read, every problem at once, in the
file's words; secrets only as references, never repeated."""

from __future__ import annotations

from pathlib import Path

import pytest

from stethoscope.errors import ConfigError, StoreError
from stethoscope.settings import load_settings
from stethoscope.sources.config import resolve_secrets


def problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "stethoscope.toml").write_text(text)
    with pytest.raises(ConfigError) as e:
        load_settings(tmp_path)
    assert e.value.hint == "see docs/reference/sources.md for the keys of [sources.NAME]"
    return [p.message for p in e.value.problems]


def test_a_secret_written_in_the_file_is_refused_without_repeating_it(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        '[sources.crm]\nkind = "hubspot"\nsecrets = { token = "pat-na1-1234secret" }\n',
    )
    assert found == [
        "sources.crm.secrets: secret 'token' must be a reference, env:VARIABLE or file:path: "
        "a secret written in the project file is refused (move it to the environment or a "
        "file and name that here)"
    ]
    assert "1234secret" not in str(found)


def test_every_problem_of_a_source_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
[sources.wh]
kind = "database"
url = "mysql://root:hunter2@127.0.0.1/test"
base_url = "https://x.example"
[sources.wh.tables.events]
path = "x.parquet"
map = { acount_id = "company" }
[sources.wh.tables.accounts]
table = "crm_accounts"
[sources.wh.tables.tikets]
table = "t"
[sources.lake]
kind = "files"
schedule = "every hour"
[sources.crm]
kind = "zendsk"
""",
    )
    assert found == [
        "sources.wh: url holds a password: give it in secrets.password as env:VARIABLE or "
        "file:path instead",
        "sources.wh: base_url is for the SaaS kinds, not database",
        "sources.wh: tables.events: map: 'acount_id' is not a column of events (did you mean "
        "'account_id'?)",
        "sources.wh: tables.events: path is not a key of a database source's table (it reads "
        "table)",
        "sources.wh: tables.events: a database source's table needs table",
        "sources.wh: tables.accounts: accounts cannot be read in place (tables read in place: "
        "events, tickets, surveys, touchpoints); import or sync it into the store",
        "sources.wh: tables.tikets: 'tikets' is not a contract table (did you mean 'tickets'?)",
        "sources.lake.schedule: expected a cron expression of 5 fields (minute hour day month "
        "weekday) like '0 2 * * *', or '' to turn scheduled runs off; got 'every hour'",
        "sources.crm.kind: Input should be 'hubspot', 'salesforce', 'zendesk', 'stripe', "
        "'intercom', 'database' or 'files'",
    ]
    assert "hunter2" not in str(found)


def test_secrets_are_read_from_the_environment_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "token.txt").write_text("from-a-file\n")
    (tmp_path / "stethoscope.toml").write_text(
        '[sources.crm]\nkind = "hubspot"\n'
        'secrets = { token = "env:CRM_TOKEN", other = "file:token.txt" }\n'
    )
    spec = load_settings(tmp_path).sources["crm"]
    monkeypatch.setenv("CRM_TOKEN", "from-the-env")
    assert resolve_secrets("crm", spec, tmp_path) == {
        "token": "from-the-env",
        "other": "from-a-file",
    }
    monkeypatch.delenv("CRM_TOKEN")
    (tmp_path / "token.txt").unlink()
    with pytest.raises(ConfigError) as e:
        resolve_secrets("crm", spec, tmp_path)
    assert [p.message for p in e.value.problems] == [
        "sources.crm.secrets.token: the environment variable CRM_TOKEN is not set",
        f"sources.crm.secrets.other: cannot read {tmp_path / 'token.txt'} (No such file or "
        "directory)",
    ]


@pytest.mark.postgres
def test_a_postgres_store_says_it_cannot_read_in_place(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from tests.conftest import open_project

    with open_project(request, "postgres", tmp_path) as p:
        (tmp_path / "events.csv").write_text("account_id,event,timestamp\n")
        with (tmp_path / "stethoscope.toml").open("a") as f:
            f.write('[sources.lake]\nkind = "files"\n[sources.lake.tables.events]\n')
            f.write('path = "events.csv"\n')
    from stethoscope.model.presets import preset_text
    from stethoscope.project import Project

    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(tmp_path) as p, pytest.raises(StoreError) as e:
        p.run()
    assert e.value.message == "tables are read in place only with the embedded store (DuckDB)"
    assert [x.message for x in e.value.problems] == ["sources.lake.tables.events"]
