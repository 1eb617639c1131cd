"""The connector of a SaaS kind: ``stethoscope.sources.saas.CONNECTORS`` maps each kind to
its class, constructed as ``Cls(base_url, secrets, options)``."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stethoscope.errors import SourceError
from stethoscope.sources.config import SAAS_KINDS, SourceSpec, resolve_secrets
from stethoscope.sources.connector import Connector


def connector_classes() -> Mapping[str, Any]:
    """kind -> connector class, for the kinds this installation has a connector for."""
    try:
        module = importlib.import_module("stethoscope.sources.saas")
    except ModuleNotFoundError:
        return {}
    found: Mapping[str, Any] = getattr(module, "CONNECTORS", {})
    return found


def connector(name: str, spec: SourceSpec, project_dir: Path) -> tuple[Connector, dict[str, str]]:
    """The source's connector, made with its secrets (read now), and those secrets (to keep
    them out of anything recorded)."""
    if spec.kind not in SAAS_KINDS:
        raise SourceError(f"source '{name}' is read in place ({spec.kind}); it has no connector")
    cls = connector_classes().get(spec.kind)
    if cls is None:
        raise SourceError(
            f"source '{name}': this installation has no {spec.kind} connector",
            hint="upgrade Stethoscope; connectors live in stethoscope.sources.saas",
        )
    secrets = resolve_secrets(name, spec, project_dir)
    made: Connector = cls(spec.base_url, secrets, spec.options)
    return made, secrets
