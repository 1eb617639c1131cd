"""Where messages go: email over SMTP, chat and webhooks through apprise, and the signed
webhook of the outbound sync.

- ``email``: to the recipient's address, over ``smtp_host``/``smtp_port`` with
  ``smtp_security`` (``starttls``, ``tls`` for SMTP over TLS, or ``none``) and, when
  ``smtp_username`` is set, authentication.
- a named channel of the ``alert_channels`` setting: an apprise URL, e.g.
  ``slack://TokenA/TokenB/TokenC/#cs``, ``workflows://...`` (Microsoft Teams) or
  ``json://host/path`` (a generic JSON webhook: apprise posts title, message and type).
- ``sync``: the JSON body posted as is, signed with HMAC-SHA256 of ``sync_webhook_secret``
  in ``X-Stethoscope-Signature: sha256=<hex>`` (see ``alerts.sync``).

A send either returns or raises ``ChannelError`` saying why; the outbox retries it.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
from email.message import EmailMessage
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stethoscope.settings import Settings

SIGNATURE_HEADER = "X-Stethoscope-Signature"


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


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_signed(url: str, secret: str, body: str) -> None:
    import httpx

    data = body.encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, data)
    try:
        r = httpx.post(url, content=data, headers=headers, timeout=30)
    except httpx.HTTPError as e:
        raise ChannelError(f"POST {url}: {type(e).__name__}: {e}") from None
    if not r.is_success:
        raise ChannelError(f"POST {url}: HTTP {r.status_code}")
