"""Where messages go: email over SMTP, chat and webhooks through apprise, and the signed
webhook of the outbound sync.

- ``email``: to the recipient's address, over ``smtp_host``/``smtp_port`` with
  ``smtp_security`` (``starttls``, ``tls`` for SMTP over TLS, or ``none``) and, when
  ``smtp_username`` is set, authentication.
- a named channel of the ``alert_channels`` setting: an apprise URL, e.g.
  ``slack://TokenA/TokenB/TokenC/#cs``, ``workflows://...`` (Microsoft Teams) or
  ``json://host/path`` (a generic JSON webhook: apprise posts title, message and type).
- ``sync``: the JSON body posted as is, signed as the Standard Webhooks specification says
  with ``sync_webhook_secret`` (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``;
  see ``post_signed`` and ``alerts.sync``).

A send either returns or raises ``ChannelError`` saying why; the outbox retries it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stethoscope.settings import Settings


class ChannelError(Exception):
    """A message that did not go; its text says why (shown in the outbox)."""


def send(settings: Settings, channel: str, recipient: str | None, subject: str, body: str) -> None:
    if channel == "email":
        if not recipient:
            raise ChannelError("no email address")
        send_email(settings, recipient, subject, body)
    elif channel == "sync":
        if not recipient:
            raise ChannelError("no sync_webhook_url")
        post_signed(recipient, settings.sync_webhook_secret, body)
    else:
        url = settings.alert_channels.get(channel)
        if url is None:
            raise ChannelError(
                f"no channel '{channel}' in the alert_channels setting (it was removed?)"
            )
        send_apprise(url, subject, body)


def send_email(settings: Settings, to: str, subject: str, body: str) -> None:
    if not settings.smtp_host:
        raise ChannelError("email is not set up: set smtp_host (docs/reference/settings.md)")
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    try:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=settings.smtp_timeout,
                context=context,
            )
        else:
            smtp = smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout
            )
        with smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=context)
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        raise ChannelError(
            f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(e).__name__}: {e}"
        ) from None


def send_apprise(url: str, title: str, body: str) -> None:
    import warnings

    with warnings.catch_warnings():
        # apprise 2.x loads its plugins on first use, one of which imports the standard
        # library's deprecated imghdr (Python 3.11-3.12)
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        a = apprise.Apprise()
        if not a.add(url):
            raise ChannelError("the channel's apprise URL is not one apprise understands")
        if not bool(a.notify(title=title, body=body)):
            raise ChannelError("the channel did not take the message (apprise reported a failure)")


def webhook_id(body: bytes) -> str:
    """The message id of a sync body: its digest. A body names its run and page, so the id is
    unique per message, and a retry of the same message carries the same id (a receiver
    dedupes on it, as the specification intends)."""
    return "msg_" + hashlib.sha256(body).hexdigest()[:32]


def signing_key(secret: str) -> bytes:
    """A ``whsec_<base64>`` secret, as Standard Webhooks libraries take it, is its decoded
    bytes; any other text is its UTF-8 bytes (a receiver verifies with ``whsec_`` and the
    base64 of that text)."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise ChannelError(
                "sync_webhook_secret starts with whsec_ but the rest is not base64"
            ) from None
    return secret.encode()


def signed_headers(secret: str, body: bytes, at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers of ``body`` sent at ``at``: the signature covers the id,
    the timestamp and the body, so a captured message cannot be replayed later (receivers
    refuse a timestamp more than a few minutes old) or with another body."""
    from standardwebhooks.webhooks import Webhook

    msg_id = webhook_id(body)
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp()))}
    if secret:
        headers["webhook-signature"] = Webhook(signing_key(secret)).sign(msg_id, at, body)
    return headers


def post_signed(url: str, secret: str, body: str) -> None:
    import httpx

    data = body.encode()
    headers = {
        "Content-Type": "application/json",
        **signed_headers(secret, data, dt.datetime.now(dt.UTC)),
    }
    try:
        r = httpx.post(url, content=data, headers=headers, timeout=30)
    except httpx.HTTPError as e:
        raise ChannelError(f"POST {url}: {type(e).__name__}: {e}") from None
    if not r.is_success:
        raise ChannelError(f"POST {url}: HTTP {r.status_code}")
