"""The connectors' registry: every SaaS kind, built alike, without dlt until a read."""

from __future__ import annotations

import subprocess
import sys

from stethoscope.sources.saas import CONNECTORS


def test_every_kind_has_a_connector_built_from_url_secrets_and_options() -> None:
    assert sorted(CONNECTORS) == ["hubspot", "intercom", "salesforce", "stripe", "zendesk"]
    for kind, cls in CONNECTORS.items():
        conn = cls("http://127.0.0.1:1/api", {"token": "t"}, {"subdomain": "acme"})
        assert conn.kind == kind
        assert conn.base_url == "http://127.0.0.1:1/api/"
        tables = {s.table for s in conn.streams()}
        assert tables <= {
            "accounts",
            "subscriptions",
            "tickets",
            "surveys",
            "touchpoints",
            "contacts",
            "outcomes",
            "events",
        }
        assert "accounts" in tables or kind == "zendesk"


def test_importing_the_connectors_imports_no_dlt_and_turns_its_telemetry_off() -> None:
    code = (
        "import os, sys, stethoscope.sources.saas; "
        "print('dlt' in sys.modules, os.environ['RUNTIME__DLTHUB_TELEMETRY'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "false"]
