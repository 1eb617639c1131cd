"""Words of the demo book (names, features, goals, comments) and vectorised string building.

Strings are built with Arrow compute kernels over whole columns (``ids``, ``join``,
``pick``), never one row at a time in Python.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SEGMENTS = ("smb", "mid-market", "enterprise")
PLANS = ("starter", "growth", "enterprise")
# list price of a seat per year, by plan
SEAT_PRICE = np.array([240.0, 480.0, 900.0])
INDUSTRIES = (
    "software",
    "retail",
    "manufacturing",
    "education",
    "financial-services",
    "media",
    "logistics",
    "healthcare",
)
INDUSTRY_SHARE = (0.22, 0.13, 0.12, 0.10, 0.12, 0.08, 0.10, 0.13)
REGULATED = INDUSTRIES.index("healthcare")
REGIONS = ("na", "emea", "apac")
REGION_SHARE = (0.5, 0.35, 0.15)
# first UTC hour of the working day in each region; the day stays inside one UTC date
REGION_WORK_START = np.array([13.0, 7.0, 1.0])

CSMS = tuple(
    f"{n}@stethoscope.example"
    for n in (
        "dana.reyes",
        "lee.okafor",
        "priya.nair",  # the enterprise team
        "marco.rossi",
        "sofia.lindqvist",
        "james.chen",
        "amara.diallo",
        "tom.becker",
        "yuki.tanaka",
        "omar.haddad",
        "grace.kim",
        "lucas.moreau",
    )
)
ENTERPRISE_CSMS = 3

COMPANY_WORDS = (
    "Northwind",
    "Bluepeak",
    "Acme",
    "Brightline",
    "Cedar",
    "Summit",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Pioneer",
    "Quarry",
    "Redwood",
    "Silverline",
    "Tidewater",
    "Umbra",
    "Vantage",
    "Willow",
    "Zenith",
    "Aurora",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Evergreen",
    "Foxglove",
    "Granite",
    "Highland",
    "Indigo",
    "Jasper",
    "Kestrel",
    "Larkspur",
    "Maple",
    "Nova",
    "Orchard",
    "Prairie",
    "Quill",
    "Riverside",
    "Sterling",
    "Thistle",
    "Upland",
    "Verity",
    "Westbrook",
    "Yarrow",
    "Alder",
)
# four name endings per industry, in INDUSTRIES order
COMPANY_ENDINGS = (
    "Labs",
    "Software",
    "Systems",
    "Cloud",
    "Outfitters",
    "Market",
    "Goods",
    "Stores",
    "Industries",
    "Manufacturing",
    "Works",
    "Fabrication",
    "Academy",
    "Learning",
    "Schools",
    "University",
    "Capital",
    "Finance",
    "Partners",
    "Bank",
    "Media",
    "Studios",
    "Publishing",
    "Broadcast",
    "Logistics",
    "Freight",
    "Shipping",
    "Transport",
    "Health",
    "Medical",
    "Clinics",
    "Care",
)
FIRST_NAMES = (
    "Dana",
    "Lee",
    "Priya",
    "Marco",
    "Sofia",
    "James",
    "Amara",
    "Tom",
    "Yuki",
    "Omar",
    "Grace",
    "Lucas",
    "Elena",
    "Noah",
    "Fatima",
    "Ben",
    "Chloe",
    "Diego",
    "Hannah",
    "Ivan",
    "Aisha",
    "Mateo",
    "Nina",
    "Oliver",
    "Rosa",
    "Sam",
    "Tara",
    "Victor",
    "Wen",
    "Zoe",
    "Alex",
    "Bruno",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Gita",
    "Hugo",
    "Iris",
    "Jonas",
)
LAST_NAMES = (
    "Reyes",
    "Okafor",
    "Nair",
    "Rossi",
    "Lindqvist",
    "Chen",
    "Diallo",
    "Becker",
    "Tanaka",
    "Haddad",
    "Kim",
    "Moreau",
    "Garcia",
    "Smith",
    "Novak",
    "Silva",
    "Cohen",
    "Patel",
    "Murphy",
    "Jensen",
    "Khan",
    "Dubois",
    "Costa",
    "Weber",
    "Ito",
    "Brown",
    "Santos",
    "Fischer",
    "Ali",
    "Kowalski",
    "Nguyen",
    "Olsen",
    "Park",
    "Quinn",
    "Rahman",
    "Schmidt",
    "Torres",
    "Vogel",
    "Walsh",
    "Yilmaz",
)
ROLES = ("champion", "admin", "user", "executive")

# Product features in order of popularity (Zipf); an account uses the first k of them,
# k growing with tenure and health. Two key success events sit mid-table.
FEATURES = (
    "session_started",
    "dashboard_viewed",
    "report_viewed",
    "search_performed",
    "report_created",
    "filter_applied",
    "comment_added",
    "export_csv",
    "dashboard_shared",
    "integration_connected",
    "alert_configured",
    "report_scheduled",
    "dashboard_created",
    "workflow_automated",
    "file_uploaded",
    "chart_customized",
    "export_pdf",
    "template_used",
    "segment_created",
    "data_source_added",
    "notification_settings_updated",
    "workflow_created",
    "goal_tracked",
    "forecast_run",
    "mobile_app_opened",
    "custom_field_created",
    "anomaly_viewed",
    "api_key_created",
    "webhook_configured",
    "bulk_edit_performed",
    "calendar_synced",
    "permissions_updated",
    "sandbox_created",
    "audit_log_viewed",
)
KEY_EVENTS = ("integration_connected", "workflow_automated")
COMPLIANCE_EVENTS = (
    "compliance_audit_exported",
    "compliance_report_viewed",
    "compliance_policy_updated",
)
SETUP_EVENTS = (
    "account_setup_completed",
    "sso_configured",
    "first_import_completed",
    "user_invited",
)
EVENT_NAMES = FEATURES + COMPLIANCE_EVENTS + SETUP_EVENTS
COMPLIANCE_BASE = len(FEATURES)
SETUP_BASE = COMPLIANCE_BASE + len(COMPLIANCE_EVENTS)
ZIPF = 1.0 / np.arange(1, len(FEATURES) + 1) ** 1.05

# Small JSON property objects some events carry: event -> its variants.
_PROPS: dict[str, tuple[str, ...]] = {
    "dashboard_viewed": ('{"device": "desktop"}', '{"device": "mobile"}'),
    "report_created": ('{"format": "table"}', '{"format": "chart"}', '{"format": "pivot"}'),
    "export_csv": ('{"source": "report"}', '{"source": "dashboard"}'),
    "integration_connected": tuple(
        f'{{"integration": "{i}"}}' for i in ("salesforce", "slack", "hubspot", "snowflake")
    ),
    "workflow_automated": ('{"trigger": "schedule"}', '{"trigger": "event"}'),
    "compliance_audit_exported": ('{"standard": "hipaa"}', '{"standard": "soc2"}'),
    # the plan variant is chosen by the account's plan, not at random
    "account_setup_completed": tuple(f'{{"plan": "{p}"}}' for p in PLANS),
    "user_invited": ('{"role": "user"}', '{"role": "admin"}'),
}
PROPERTY_TEXT = tuple(v for name in EVENT_NAMES for v in _PROPS.get(name, ()))
# per event name: where its variants start in PROPERTY_TEXT (-1 for none), and how many
PROPERTY_COUNT = np.array([len(_PROPS.get(name, ())) for name in EVENT_NAMES])
PROPERTY_FIRST = np.where(PROPERTY_COUNT > 0, np.cumsum(PROPERTY_COUNT) - PROPERTY_COUNT, -1)

GOALS = (
    "Reduce reporting time by 50%",
    "Replace spreadsheets for weekly reporting",
    "Give every manager a live dashboard",
    "Automate month-end reporting",
    "Onboard a new analyst in one week",
    "Pass the annual audit without manual exports",
    "Connect CRM and billing data in one place",
    "Roll out to every regional team",
    "Reduce ad-hoc data requests by 30%",
    "Track customer KPIs weekly",
    "Retire the legacy BI tool",
    "Automate board reporting",
    "Shorten the forecast cycle to two days",
    "Train 20 power users",
)
# survey comments by sentiment: detractor, passive, promoter
COMMENTS = (
    (
        "Reports are too slow to load.",
        "We struggled with the data import.",
        "Support took too long to answer.",
        "Too expensive for what we use.",
        "Missing the integration we need.",
        "Hard to get the team to use it.",
    ),
    (
        "Does the job, a few rough edges.",
        "Good, but exports could be better.",
        "Would like more dashboard templates.",
        "Fine for reporting, less so for automation.",
    ),
    (
        "The dashboards save us hours every week.",
        "Great support team.",
        "Workflows changed how we report.",
        "Our managers love the weekly reports.",
        "Easy to roll out to the whole team.",
    ),
)
COMMENT_TEXT = tuple(c for group in COMMENTS for c in group)
COMMENT_FIRST = np.cumsum([0] + [len(g) for g in COMMENTS])[:-1]
COMMENT_COUNT = np.array([len(g) for g in COMMENTS])


def strings(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, type=pa.string())


def pick(pool: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """``pool[index]`` as a string column; null where ``valid`` is False."""
    idx = pa.array(index.astype(np.int64), mask=None if valid is None else ~valid)
    return pool.take(idx)


def number_text(numbers: np.ndarray, width: int = 0) -> pa.Array:
    """Whole numbers as text, zero-padded to ``width``."""
    text = pc.cast(pa.array(numbers.astype(np.int64)), pa.string())
    return pc.utf8_lpad(text, width=width, padding="0") if width else text


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string columns and constants element-wise."""
    return pc.binary_join_element_wise(*parts, "")


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    return join(prefix, number_text(numbers, width))


def uuids(rng: np.random.Generator, present: np.ndarray) -> pa.Array:
    """Random version-4 UUID text where ``present`` is True, null elsewhere."""
    n, m = len(present), int(present.sum())
    raw = np.frombuffer(rng.bytes(16 * m), dtype=np.uint8).reshape(m, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    digits = np.empty((m, 32), dtype=np.uint8)
    digits[:, 0::2] = hexdigits[raw >> 4]
    digits[:, 1::2] = hexdigits[raw & 0x0F]
    text = np.full((m, 36), ord("-"), dtype=np.uint8)
    for lo, hi, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, at : at + hi - lo] = digits[:, lo:hi]
    offsets = np.zeros(n + 1, dtype=np.int32)
    offsets[1:] = np.cumsum(present * 36)
    validity = np.packbits(present, bitorder="little")
    return pa.StringArray.from_buffers(
        n,
        pa.py_buffer(offsets.tobytes()),
        pa.py_buffer(text.tobytes()),
        pa.py_buffer(validity.tobytes()),
    )
