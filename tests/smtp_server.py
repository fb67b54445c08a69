"""A real SMTP server for tests that read the e-mail Passport sends: aiosmtpd on
127.0.0.1, a free port, no TLS offered (``passport.mail`` then sends in the clear)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class _Inbox:
    """Every message the server accepted, parsed, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001 - aiosmtpd's hook
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def last_to(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no mail to {address}"
        return found[-1]

    def link_in(self, message: EmailMessage, path: str) -> str:
        """The first link in ``message`` whose path starts with ``path``."""
        body = message.get_content()
        links = [link for link in re.findall(r"https?://\S+", body) if path in link]
        assert links, body
        return links[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[_Inbox]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_PORT", controller.port)
    # A plain test server on loopback: no STARTTLS to offer, no login to protect.
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_USER", None)
    try:
        yield inbox
    finally:
        controller.stop()
