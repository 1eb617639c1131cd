"""The calls of Segment's HTTP Tracking API as the ingest reads them (``service.ingest``
serves them): each call checked field by field, every problem noted with its place and
field, and turned into a ``Track`` or a ``Membership`` of ``store.ingest``.

A batch's calls are read one by one: a bad call is refused alone and the good ones are
kept (``read_batch``). A track call whose fields are plainly valid is read by ``_track``,
three times faster than the full reading (``_call``), which finds the problems of any
other. What a value may hold (no U+0000, ids of ID_MAX_CHARS, times from 1970 to now + 5
years) is the data contract's rule (``contract.schema``), the same for an imported file.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from stethoscope.contract.schema import (
    EVENTS,
    FIRST_TIME,
    ID_MAX_CHARS,
    json_holds_nul,
    last_time,
)
from stethoscope.errors import DataError, Problem
from stethoscope.store.ingest import Membership, Track

# Segment's limit: a call (and each call of a batch) at most 32 KB, as JSON without
# compression
MAX_CALL_BYTES = 32 * 1024

CALLS: tuple[str, ...] = ("track", "identify", "group")
# accepted in a batch, and left out: they carry no account activity Stethoscope scores
IGNORED: tuple[str, ...] = ("page", "screen", "alias")
# the traits of an identify call that name the user's account, the first present wins;
# then traits.company.id, then context.groupId
ACCOUNT_TRAITS: tuple[str, ...] = ("account_id", "accountId", "group_id", "groupId")

HINT = "see docs/concepts/ingest.md for the fields each call takes"
# the most characters of an event name (ids: ID_MAX_CHARS), as for an imported file
EVENT_MAX_CHARS = EVENTS.column("event").longest or 0
# how far ahead of its arrival sentAt may move an event (the sender's clock is behind)
MAX_AHEAD = dt.timedelta(days=1)
NUL = "holds the character U+0000 (NUL), which no store keeps: remove it"
# a field that is absent, told apart from one that is null
_MISSING: Any = object()


@dataclass
class PayloadError(DataError):
    """A body refused before it is read as calls: too large (413), or encoded in a way
    the endpoints do not read (415)."""

    status: int = 413


def parse_call(payload: Any, kind: str, received_at: dt.datetime) -> list[Track | Membership]:
    """The call sent to ``/v1/{kind}``, or a DataError listing every problem."""
    problems: list[Problem] = []
    call = _call(payload, "body", kind, None, {}, received_at, problems)
    if problems:
        raise invalid(f"invalid {kind} call", problems)
    return [call] if call else []


@dataclass
class Batch:
    """The calls of a batch that can be stored, in order, and the problems of the others."""

    calls: list[Track | Membership]
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> int:
        """The calls refused: those named by a problem."""
        return len({p.where for p in self.problems})


def parse_batch(payload: Any, received_at: dt.datetime) -> list[Track | Membership]:
    """The calls of a batch, in order, or a DataError listing every problem (a
    PayloadError when a call is over MAX_CALL_BYTES): all or nothing."""
    batch = read_batch(payload, received_at)
    if batch.problems:
        raise invalid("invalid batch", batch.problems)
    return batch.calls


def read_batch(payload: Any, received_at: dt.datetime) -> Batch:
    """The calls of a batch that can be stored, and the problems of each other call; a
    DataError when the batch itself is malformed (its sentAt, its context, its list), a
    PayloadError when a call is over MAX_CALL_BYTES. A bad call is refused alone: the
    good calls sent with it are not lost (Segment's libraries drop a batch refused)."""
    problems: list[Problem] = []
    if not isinstance(payload, dict):
        raise invalid(
            "invalid batch", [Problem("body", f"expected a JSON object, got {_shown(payload)}")]
        )
    fields = _Fields(payload, "body", problems)
    sent_at = fields.time("sentAt")
    context = fields.object("context") or {}
    messages = payload.get("batch")
    if not isinstance(messages, list):
        problems.append(
            Problem("body", f"expected a list of calls, got {_shown(messages)}", column="batch")
        )
        raise invalid("invalid batch", problems)
    oversize = [
        Problem(f"batch[{i}]", f"the call takes {size:,} bytes, more than {MAX_CALL_BYTES:,}")
        for i, m in enumerate(messages)
        if _rough_size(m) > MAX_CALL_BYTES // 2 and (size := _size(m)) > MAX_CALL_BYTES
    ]
    if oversize:
        raise PayloadError(
            f"{len(oversize)} call{'s' if len(oversize) > 1 else ''} of the batch "
            f"{'are' if len(oversize) > 1 else 'is'} over {MAX_CALL_BYTES // 1024} KB",
            oversize[:20],
            more=max(0, len(oversize) - 20),
            hint="a call may take at most 32 KB (Segment's limit): send less in its "
            "properties or traits",
            status=413,
        )
    # a problem of the batch itself is every call's
    whole = bool(problems)
    calls: list[Track | Membership] = []
    times: dict[str, dt.datetime] = {}
    for i, m in enumerate(messages):
        call: Track | Membership | None = _track(m, sent_at, context, received_at, times)
        if call is None:
            call = _call(m, f"batch[{i}]", None, sent_at, context, received_at, problems)
        if call:
            calls.append(call)
    if whole:
        raise invalid("invalid batch", problems)
    return Batch(calls, problems)


def _call(
    message: Any,
    where: str,
    kind: str | None,
    batch_sent_at: dt.datetime | None,
    batch_context: dict[str, Any],
    received_at: dt.datetime,
    problems: list[Problem],
) -> Track | Membership | None:
    """One call, or None for a call left out (or too broken to read further)."""
    if not isinstance(message, dict):
        problems.append(Problem(where, f"expected a JSON object, got {_shown(message)}"))
        return None
    f = _Fields(message, where, problems)
    said = message.get("type")
    if kind is None:
        if said in IGNORED:
            return None
        if said not in CALLS:
            f.problem("type", f"expected one of {', '.join(CALLS + IGNORED)}, got {_shown(said)}")
            return None
        kind = said
    elif said is not None and said != kind:
        f.problem("type", f"expected '{kind}' (or no type) at /v1/{kind}, got {_shown(said)}")
    user_id, anonymous_id = f.id("userId"), f.id("anonymousId")
    if user_id is None and anonymous_id is None and not f.bad & {"userId", "anonymousId"}:
        f.problem("userId", "a userId or an anonymousId is required")
    message_id = f.id("messageId") or str(uuid.uuid4())
    context = {**batch_context, **(f.object("context") or {})}
    timestamp = f.timestamp(f.time("sentAt") or batch_sent_at, received_at)
    if kind == "track":
        event = f.text("event")
        properties = f.object("properties")
        group_id = f.id("groupId") or f.id("context.groupId", context.get("groupId"))
        text = None if properties is None else f.json("properties", properties)
        if f.failed or event is None or timestamp is None:
            return None
        return Track(message_id, event, timestamp, user_id, anonymous_id, group_id, text)
    traits = f.object("traits") or {}
    if kind == "group":
        account = f.id("groupId")
        if account is None and "groupId" not in f.bad:
            f.problem("groupId", "a groupId (the account's id) is required")
        if f.failed or account is None or timestamp is None:
            return None
        return Membership(account, "group", timestamp, user_id, anonymous_id)
    account = _trait_account(f, traits, context)
    if f.failed or account is None or timestamp is None:
        return None
    return Membership(account, "identify", timestamp, user_id, anonymous_id)


def _track(
    message: Any,
    batch_sent_at: dt.datetime | None,
    batch_context: dict[str, Any],
    received_at: dt.datetime,
    times: dict[str, dt.datetime],
) -> Track | None:
    """A track call of a batch as ``_call`` reads it, when every field it reads is plainly
    valid (strings where ids go, no sentAt of its own); else None, and ``_call`` reads it,
    finding its problems. The common call, read in a third of ``_call``'s time: the fields
    are checked by type only, and ``times`` keeps the batch's timestamps already read."""
    if type(message) is not dict or message.get("type") != "track":
        return None
    get = message.get
    user_id, anonymous_id, message_id = get("userId"), get("anonymousId"), get("messageId")
    event, properties, group_id = get("event"), get("properties"), get("groupId")
    context = get("context")
    if (
        (user_id is not None and type(user_id) is not str)
        or (anonymous_id is not None and type(anonymous_id) is not str)
        or not (user_id or anonymous_id)
        or type(message_id) is not str
        or not message_id
        or type(event) is not str
        or not event.strip()
        or (properties is not None and type(properties) is not dict)
        or (group_id is not None and type(group_id) is not str)
        or (context is not None and type(context) is not dict)
        or get("sentAt") is not None
    ):
        return None
    if not group_id:
        own = context or {}
        group_id = own["groupId"] if "groupId" in own else batch_context.get("groupId")
        if group_id is not None and type(group_id) is not str:
            return None
    text = None
    if properties is not None:
        try:
            text = _compact(properties)
        except ValueError:
            return None
    for v in (user_id, anonymous_id, message_id, group_id):
        if v is not None and len(v) > ID_MAX_CHARS:
            return None
    if len(event) > EVENT_MAX_CHARS or (text is not None and "\\u0000" in text):
        return None
    for v in (user_id, anonymous_id, message_id, event, group_id, text):
        if v is not None and (("\x00" in v) or (not v.isascii() and not _utf8(v))):
            return None
    said = get("timestamp")
    if said is None:
        said = get("originalTimestamp")
    if said is None:
        timestamp = received_at
    elif type(said) is not str:
        return None
    elif (timestamp := times.get(said)) is None:  # type: ignore[assignment]
        try:
            t = dt.datetime.fromisoformat(said)
            if t.tzinfo is not None:
                t = t.astimezone(dt.UTC).replace(tzinfo=None)
            timestamp = t if batch_sent_at is None else t + (received_at - batch_sent_at)
        except (ValueError, OverflowError):
            return None
        # outside the window, or moved too far by sentAt: ``_call`` says why
        last = last_time(received_at)
        if not (FIRST_TIME <= t <= last and FIRST_TIME <= timestamp <= last) or (
            timestamp > received_at + MAX_AHEAD >= t
        ):
            return None
        times[said] = timestamp
    return Track(
        message_id, event, timestamp, user_id or None, anonymous_id or None, group_id or None, text
    )


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _trait_account(f: _Fields, traits: dict[str, Any], context: dict[str, Any]) -> str | None:
    """The account an identify call names: see ACCOUNT_TRAITS."""
    for key in ACCOUNT_TRAITS:
        if (account := f.id(f"traits.{key}", traits.get(key))) is not None:
            return account
    company = traits.get("company")
    # a company trait is often just a name: only an object with an id names an account
    if (
        isinstance(company, dict)
        and (account := f.id("traits.company.id", company.get("id"))) is not None
    ):
        return account
    return f.id("context.groupId", context.get("groupId"))


class _Fields:
    """Reads the fields of one call (or of a batch), noting every problem with its field."""

    def __init__(self, message: dict[str, Any], where: str, problems: list[Problem]) -> None:
        self.message = message
        self.where = where
        self.problems = problems
        self.bad: set[str] = set()

    @property
    def failed(self) -> bool:
        return bool(self.bad)

    def problem(self, field: str, message: str) -> None:
        self.bad.add(field)
        self.problems.append(Problem(self.where, message, column=field))

    def id(self, field: str, value: Any = _MISSING) -> str | None:
        """An id: a string, or a number as Segment's libraries turn it into one; '' is none.
        ``value`` is given for a field inside an object (``context.groupId``)."""
        if value is _MISSING:
            value = self.message.get(field)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(field, f"expected a string or a number, got {_shown(value)}")
            return None
        text = value if isinstance(value, str) else str(value)
        return text if self._storable(field, text, ID_MAX_CHARS) else None

    def text(self, field: str) -> str | None:
        """A required non-empty string."""
        value = self.message.get(field)
        if value is None:
            self.problem(field, "a value is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(field, f"expected a non-empty string, got {_shown(value)}")
            return None
        return value if self._storable(field, value, EVENT_MAX_CHARS) else None

    def object(self, field: str) -> dict[str, Any] | None:
        value = self.message.get(field)
        if value is None or isinstance(value, dict):
            return value
        self.problem(field, f"expected a JSON object, got {_shown(value)}")
        return None

    def json(self, field: str, value: dict[str, Any]) -> str | None:
        try:
            text = _compact(value)
        except ValueError:  # only a number that JSON cannot hold: NaN or infinity
            self.problem(field, "holds a number JSON cannot hold (NaN or infinity)")
            return None
        if json_holds_nul(text):
            self.problem(field, f"{_nul_at(value)} {NUL}")
            return None
        return text if self._unicode(field, text) else None

    def time(self, field: str, received_at: dt.datetime | None = None) -> dt.datetime | None:
        """An ISO 8601 date-time, in UTC without a zone (a time without one is UTC); with
        ``received_at``, one within FIRST_TIME .. received_at + FUTURE_YEARS."""
        value = self.message.get(field)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                t = dt.datetime.fromisoformat(value)
                if t.tzinfo is not None:
                    t = t.astimezone(dt.UTC).replace(tzinfo=None)
            except (ValueError, OverflowError):  # not a date-time; in UTC before year 1
                pass
            else:
                if received_at is None:
                    return t
                last = last_time(received_at)
                if FIRST_TIME <= t <= last:
                    return t
                self.problem(
                    field,
                    f"expected a time from {FIRST_TIME.date()} to {last.date()}, got "
                    f"{_shown(value)}",
                )
                return None
        self.problem(
            field, f"expected an ISO 8601 date-time like 2026-05-01T12:00:00Z, got {_shown(value)}"
        )
        return None

    def timestamp(
        self, sent_at: dt.datetime | None, received_at: dt.datetime
    ) -> dt.datetime | None:
        """When the call happened, as Segment reckons it: its timestamp, else its
        originalTimestamp, else when it was received; moved by the sender's clock skew
        (receivedAt - sentAt) when it says when it was sent."""
        own = self.time("timestamp", received_at)
        if own is None and "timestamp" not in self.bad:
            own = self.time("originalTimestamp", received_at)
        if self.bad & {"timestamp", "originalTimestamp", "sentAt"}:
            return None
        if own is None:
            return received_at
        if sent_at is None:
            return own
        shift = received_at - sent_at
        try:
            t: dt.datetime | None = own + shift
        except OverflowError:  # past year 9999, or before year 1
            t = None
        # a time already ahead (in the window) is the sender's to say; the clock's
        # correction may not take one further than a day ahead, nor past the window
        last = last_time(received_at)
        if shift > dt.timedelta(0) and (
            t is None or t > received_at + MAX_AHEAD >= own or t > last
        ):
            self.problem(
                "sentAt",
                f"correcting the timestamp by sentAt (the sender's clock is {_skew(shift)} "
                "behind) puts the event more than a day after it arrived: check the "
                "sender's clock",
            )
            return None
        if t is None or t < FIRST_TIME:
            self.problem(
                "sentAt",
                f"correcting the timestamp by sentAt (the sender's clock is {_skew(-shift)} "
                f"ahead) puts the event before {FIRST_TIME.date()}: check the sender's clock",
            )
            return None
        return t

    def _storable(self, field: str, text: str, longest: int) -> bool:
        """``text`` is valid Unicode without U+0000, at most ``longest`` characters."""
        if "\x00" in text:
            self.problem(field, NUL)
            return False
        if len(text) > longest:
            self.problem(field, f"holds {len(text):,} characters, more than {longest:,}")
            return False
        return self._unicode(field, text)

    def _unicode(self, field: str, text: str) -> bool:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.problem(field, "holds text that is not valid Unicode (a lone surrogate)")
            return False
        return True


def _nul_at(value: dict[str, Any], path: str = "") -> str:
    """Where in ``value`` U+0000 is first found: 'the key' or 'the value of' a path."""
    for k, v in value.items():
        here = f"{path}.{k}" if path else k
        if "\x00" in k:
            return f"the key {_shown(here)}"
        if isinstance(v, str) and "\x00" in v:
            return f"the value of {_shown(here)}"
        if isinstance(v, list):
            v = {str(i): x for i, x in enumerate(v)}
        if isinstance(v, dict) and (found := _nul_at(v, here)):
            return found
    return ""


def _skew(delta: dt.timedelta) -> str:
    return f"{delta.days:,} days" if delta.days else str(delta)


def invalid(message: str, problems: list[Problem]) -> DataError:
    shown = problems[:50]
    return DataError(message, shown, hint=HINT, more=len(problems) - len(shown))


# one encoder for every call: json.dumps would build one per call
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _compact(value: Any) -> str:
    return _COMPACT.encode(value)


def _size(value: Any) -> int:
    """Bytes of a call as compact JSON, as Segment's libraries measure it (or less)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass"))


def _rough_size(value: Any) -> int:
    """``_size`` within a third, 6x faster: pydantic_core's JSON, which writes a float
    a byte longer or shorter at most (6.103515625e-05 as 0.00006103515625, 1e-07 as 1e-7)
    and each float in at least 3 bytes."""
    try:
        return len(to_json(value))
    except PydanticSerializationError:  # a lone surrogate, which UTF-8 cannot hold
        return _size(value)


def _shown(value: Any) -> str:
    """A value as an error message names it: JSON, cut short."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."
