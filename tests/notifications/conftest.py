"""A real SMTP server on 127.0.0.1 (aiosmtpd), started by the tests, and the app pointed
at it. ``mail_server.messages`` holds every message it accepted, parsed."""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER, SMTP_PASSWORD = "mailer", "s3cret-relay"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


@dataclass
class MailServer:
    port: int
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)


def _authenticator(server: MailServer):
    def check(smtp_server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (SMTP_USER, SMTP_PASSWORD)
        if ok:
            server.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    return check


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, which the app is told to trust (PASSPORT_SMTP_CA_FILE)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def start_server(mode: str, tmp_path: Path) -> tuple[MailServer, Controller, dict]:
    """An SMTP server on 127.0.0.1: ``plain``, ``starttls`` (required, with AUTH) or
    ``tls`` (implicit TLS, with AUTH); and the app settings that reach it."""
    server = MailServer(free_port())
    settings = {
        "PASSPORT_SMTP_HOST": "127.0.0.1",
        "PASSPORT_SMTP_PORT": server.port,
        "PASSPORT_SMTP_SECURITY": "none",
        "PASSPORT_SMTP_USER": None,
    }
    options: dict = {}
    if mode != "plain":
        cert, key = self_signed_certificate(tmp_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options = {"authenticator": _authenticator(server), "auth_require_tls": True}
        if mode == "starttls":
            options |= {"tls_context": context, "require_starttls": True}
        else:  # aiosmtpd cannot tell an implicit-TLS transport is TLS: allow AUTH on it
            options |= {"ssl_context": context, "auth_require_tls": False}
        settings |= {
            "PASSPORT_SMTP_SECURITY": mode,
            "PASSPORT_SMTP_USER": SMTP_USER,
            "PASSPORT_SMTP_PASSWORD": SMTP_PASSWORD,
            "PASSPORT_SMTP_CA_FILE": str(cert),
        }
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **options)
    controller.start()
    return server, controller, settings


@pytest.fixture
def mail_server(app, monkeypatch, tmp_path):
    """A plain SMTP server (a relay on this host) the app sends to."""
    server, controller, settings = start_server("plain", tmp_path)
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    yield server
    controller.stop()
