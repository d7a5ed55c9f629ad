"""A real SMTP server for the account tests (aiosmtpd on a free local port) and helpers that
read the links out of the messages it received."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from sqlmodel import Session

from app.notifications.sender import SmtpConfig, deliver_pending


class Inbox:
    """Keeps every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        data = envelope.original_content or envelope.content
        message = message_from_bytes(data, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def last_to(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no message to {address}; got {[str(m['To']) for m in self.messages]}"
        return found[-1]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_in(message: EmailMessage, path: str) -> str:
    """The path and query of the first link to ``path`` in the message (the host is checked
    by the caller when it matters)."""
    match = re.search(r"https?://\S+" + re.escape(path) + r"\S*", body(message))
    assert match, f"no link to {path} in:\n{body(message)}"
    parts = urlsplit(match.group(0))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, SmtpConfig]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            inbox,
            SmtpConfig(
                host="127.0.0.1",
                port=port,
                starttls=False,
                timeout_s=5.0,
                mail_from="Kết Nối <no-reply@ketnoi.example>",
            ),
        )
    finally:
        controller.stop()


def deliver(session: Session, config: SmtpConfig) -> int:
    """Send the outbox to the server, as ``ketnoi send-mail`` does; the number sent."""
    report = deliver_pending(session, config)
    assert not report.error, report.error
    return report.sent
