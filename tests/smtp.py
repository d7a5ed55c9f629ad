"""A real SMTP server for tests (aiosmtpd on a free local port), shared by every test file:
``smtp_server`` yields an object with ``host``, ``port`` and ``messages`` — the parsed
e-mails received, in order, each with ``envelope_from`` and ``envelope_to``."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class ReceivedMail:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[ReceivedMail] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m.message for m in self.messages if address in m.envelope_to]


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else content.encode()
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.server.messages.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message)
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(host="127.0.0.1", port=_free_port())
    controller = Controller(
        _Handler(server),
        hostname=server.host,
        port=server.port,
        decode_data=False,
        enable_SMTPUTF8=True,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
