"""Outgoing mail: through SMTP when ``PASSPORT_SMTP_HOST`` is set, otherwise to the log
(so a local install can still complete a password reset)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

log = logging.getLogger("passport.mail")


def send_mail(config: Any, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = config["PASSPORT_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host = config.get("PASSPORT_SMTP_HOST")
    if not host:
        log.warning("No SMTP server configured; mail to %s:\n%s\n%s", to, subject, body)
        return
    with smtplib.SMTP(host, config["PASSPORT_SMTP_PORT"], timeout=10) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls()
        if config.get("PASSPORT_SMTP_USER"):
            smtp.login(config["PASSPORT_SMTP_USER"], config["PASSPORT_SMTP_PASSWORD"] or "")
        smtp.send_message(message)
