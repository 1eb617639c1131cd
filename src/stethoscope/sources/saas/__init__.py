"""SaaS connectors, one module per API, built on dlt's ``rest_api`` source (see rest.py).

``CONNECTORS`` maps a source's ``kind`` to its class, constructed as
``Cls(base_url, secrets, options)``: ``base_url`` None is the real API's URL. Importing
this package does not import dlt (about 1 s); reading does.
"""

from __future__ import annotations

import os

# dlt starts its anonymous usage telemetry (to dltHub) when its runtime is first configured,
# which a read does; a self-hosted tool does not phone home unless its operator says so
# (RUNTIME__DLTHUB_TELEMETRY=true turns it back on)
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

from stethoscope.sources.saas.hubspot import HubSpot
from stethoscope.sources.saas.intercom import Intercom
from stethoscope.sources.saas.salesforce import Salesforce
from stethoscope.sources.saas.stripe import Stripe
from stethoscope.sources.saas.zendesk import Zendesk

CONNECTORS: dict[str, type] = {
    HubSpot.kind: HubSpot,
    Intercom.kind: Intercom,
    Salesforce.kind: Salesforce,
    Stripe.kind: Stripe,
    Zendesk.kind: Zendesk,
}

__all__ = ["CONNECTORS"]
