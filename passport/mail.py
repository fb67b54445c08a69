"""Outgoing mail through the standard library's ``smtplib`` when ``PASSPORT_SMTP_HOST``
is set, otherwise to the log (so a local install can still complete a password reset).

``PASSPORT_SMTP_SECURITY`` says how the connection is protected: ``starttls`` (the
default: the server must offer STARTTLS, or nothing is sent), ``tls`` (implicit TLS, port
465) or ``none`` (a relay on the same host; refused with a password, which would then
cross the network in clear). Certificates are checked against the system's authorities
or ``PASSPORT_SMTP_CA_FILE``.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from passport.errors import ConfigurationError

log = logging.getLogger("passport.mail")

SECURITY_MODES = ("starttls", "tls", "none")


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",)) if message.is_multipart() else message
    return part.get_content() if part is not None else ""


def _tls_context(config: Any) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=config.get("PASSPORT_SMTP_CA_FILE") or None)


def send_message(config: Any, message: EmailMessage) -> None:
    """Send ``message`` (its From, To and Subject set), or log it when no server is set."""
    host = config.get("PASSPORT_SMTP_HOST")
    if not host:
        log.warning(
            "No SMTP server configured; mail to %s:\n%s\n%s",
            message["To"],
            message["Subject"],
            _text_of(message),
        )
        return
    security = config.get("PASSPORT_SMTP_SECURITY") or "starttls"
    if security not in SECURITY_MODES:
        raise ConfigurationError(f"PASSPORT_SMTP_SECURITY must be one of {SECURITY_MODES}.")
    user = config.get("PASSPORT_SMTP_USER")
    if security == "none" and user:
        raise ConfigurationError("Refusing to send an SMTP password without TLS.")
    port = config.get("PASSPORT_SMTP_PORT") or (465 if security == "tls" else 587)
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=10, context=_tls_context(config))
    else:
        smtp = smtplib.SMTP(host, port, timeout=10)
    with smtp:
        smtp.ehlo()
        if security == "starttls":
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError("The SMTP server does not offer STARTTLS.")
            smtp.starttls(context=_tls_context(config))
            smtp.ehlo()
        if user:
            smtp.login(user, config.get("PASSPORT_SMTP_PASSWORD") or "")
        smtp.send_message(message)


def send_mail(config: Any, to: str, subject: str, body: str) -> None:
    """A plain one-part message. Passport's own mail goes through notifications
    (``passport.notifications``): recorded, queued, retried; this stays for scripts."""
    message = EmailMessage()
    message["From"] = config["PASSPORT_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    send_message(config, message)
