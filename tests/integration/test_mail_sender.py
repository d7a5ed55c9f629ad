"""The outbox sender against a real SMTP server on a local port (a small one written here
with socketserver: a real TCP conversation, EHLO to QUIT, no mock of smtplib)."""

from __future__ import annotations

import base64
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.notifications.models import Outbox
from app.notifications.sender import SmtpConfig, deliver_pending
from app.settings import get_settings

REFUSED = "khong-ton-tai@thucpham-hp.example"


@dataclass
class Mailbox:
    """What the server received, and how it behaves."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    require_auth: tuple[str, str] | None = None
    sessions: int = 0


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        box = self.server.box
        box.sessions += 1
        self._reply("220 test.smtp ESMTP ready")
        recipients: list[str] = []
        sender, authed = "", box.require_auth is None
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(
                    b"250-test.smtp\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                )
            elif verb == "AUTH":
                parts = line.split(" ")
                decoded = base64.b64decode(parts[2]).split(b"\0") if len(parts) > 2 else []
                pair = (decoded[1].decode(), decoded[2].decode()) if len(decoded) == 3 else ("", "")
                box.logins.append(pair)
                if pair == box.require_auth:
                    authed = True
                    self._reply("235 2.7.0 Authentication successful")
                else:
                    self._reply("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                if not authed:
                    self._reply("530 5.7.0 Authentication required")
                    continue
                sender, recipients = line[10:].split(" ")[0].strip("<>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                address = line[8:].split(" ")[0].strip("<>")
                if address == REFUSED:
                    self._reply("550 5.1.1 No such user here")
                else:
                    recipients.append(address)
                    self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if data in (b".\r\n", b""):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = message_from_bytes(b"".join(lines), policy=policy.default)
                assert isinstance(message, EmailMessage)
                box.messages.append((sender, recipients, message))
                self._reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self._reply("250 OK")
            elif verb == "NOOP":
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, box: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.box = box


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    server = _Server(box)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box, int(server.server_address[1])
    server.shutdown()
    server.server_close()


def _config(port: int, **more: object) -> SmtpConfig:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "timeout_s": 5.0,
        "mail_from": "Ban tổ chức Kết Nối <no-reply@ketnoi.example>",
        **more,
    }
    return SmtpConfig(**values)  # type: ignore[arg-type]


def _queue(db: Session, *addresses: str) -> list[int]:
    rows = [
        Outbox(
            to_email=address,
            to_name="Nguyễn Thị Hoa",
            locale="vi",
            kind="request_received",
            subject="Yêu cầu gặp mới từ Lin Wei-Ting",
            body_text="Chào chị Hoa,\n\nLin Wei-Ting muốn gặp chị tại phiên B2B.\n",
            body_html="<p>Chào chị Hoa,</p>\n<p>Lin Wei-Ting muốn gặp chị tại phiên B2B.</p>\n",
        )
        for address in addresses
    ]
    db.add_all(rows)
    db.commit()
    return [int(r.id or 0) for r in rows]


def _rows(db: Session) -> list[Outbox]:
    db.expire_all()
    return list(db.exec(select(Outbox).order_by(col(Outbox.id))).all())


def test_unsent_messages_are_delivered_once_with_text_and_html(
    db: Session, smtp_server: tuple[Mailbox, int]
) -> None:
    box, port = smtp_server
    _queue(db, "hoa@thucpham-hp.example", "lin@tw-packaging.example")
    report = deliver_pending(db, _config(port))
    assert (report.sent, report.failed, report.waiting, report.error) == (2, 0, 0, "")
    assert [r for _, r, _ in box.messages] == [
        ["hoa@thucpham-hp.example"],
        ["lin@tw-packaging.example"],
    ]
    sender, _, message = box.messages[0]
    assert sender == "no-reply@ketnoi.example"
    assert message["Subject"] == "Yêu cầu gặp mới từ Lin Wei-Ting"
    assert message["To"].addresses[0].display_name == "Nguyễn Thị Hoa"
    plain = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert plain is not None
    assert html_part is not None
    assert "Lin Wei-Ting muốn gặp chị" in plain.get_content()
    assert "<p>Chào chị Hoa,</p>" in html_part.get_content()
    assert message["Message-ID"].startswith("<outbox-")
    rows = _rows(db)
    assert all(r.sent_at is not None and r.attempts == 1 and not r.last_error for r in rows)
    # A second run finds nothing to send.
    again = deliver_pending(db, _config(port))
    assert (again.sent, again.failed) == (0, 0)
    assert len(box.messages) == 2


def test_a_refused_recipient_is_retried_until_max_attempts_while_others_go_out(
    db: Session, smtp_server: tuple[Mailbox, int]
) -> None:
    box, port = smtp_server
    _queue(db, REFUSED, "hoa@thucpham-hp.example")
    first = deliver_pending(db, _config(port), max_attempts=2)
    assert (first.sent, first.failed, first.waiting) == (1, 1, 1)
    refused = _rows(db)[0]
    assert refused.sent_at is None
    assert refused.attempts == 1
    assert "550" in refused.last_error
    assert "No such user" in refused.last_error
    second = deliver_pending(db, _config(port), max_attempts=2)
    assert (second.sent, second.failed, second.waiting) == (0, 1, 0)
    third = deliver_pending(db, _config(port), max_attempts=2)
    assert (third.sent, third.failed) == (0, 0)  # given up: not tried again
    assert _rows(db)[0].attempts == 2
    assert len(box.messages) == 1


def test_batch_size_limits_one_run(db: Session, smtp_server: tuple[Mailbox, int]) -> None:
    box, port = smtp_server
    _queue(db, *(f"nguoi{i}@doanhnghiep.example" for i in range(5)))
    report = deliver_pending(db, _config(port), batch_size=3)
    assert (report.sent, report.waiting) == (3, 2)
    assert box.sessions == 1  # one connection for the whole batch
    assert next(r for _, r, _ in box.messages) == ["nguoi0@doanhnghiep.example"]


def test_login_is_used_and_a_wrong_password_sends_nothing_and_counts_nothing(
    db: Session, smtp_server: tuple[Mailbox, int]
) -> None:
    box, port = smtp_server
    box.require_auth = ("ketnoi", "mat-khau-smtp")
    _queue(db, "hoa@thucpham-hp.example")
    wrong = deliver_pending(db, _config(port, user="ketnoi", password="sai"))
    assert wrong.sent == 0
    assert "535" in wrong.error
    assert _rows(db)[0].attempts == 0  # the server's refusal is not the message's fault
    right = deliver_pending(db, _config(port, user="ketnoi", password="mat-khau-smtp"))
    assert right.sent == 1
    assert box.logins[-1] == ("ketnoi", "mat-khau-smtp")


def test_starttls_required_but_not_offered_is_a_connection_error(
    db: Session, smtp_server: tuple[Mailbox, int]
) -> None:
    box, port = smtp_server
    _queue(db, "hoa@thucpham-hp.example")
    report = deliver_pending(db, _config(port, starttls=True))
    assert report.sent == 0
    assert "STARTTLS" in report.error
    assert _rows(db)[0].attempts == 0
    assert box.messages == []


def test_unreachable_server_leaves_the_outbox_untouched(db: Session) -> None:
    _queue(db, "hoa@thucpham-hp.example")
    report = deliver_pending(db, _config(1))  # nothing listens on port 1
    assert report.error.startswith("cannot deliver through 127.0.0.1:1")
    assert report.waiting == 1
    assert _rows(db)[0].attempts == 0


def test_send_mail_command_delivers_and_reports(
    db: Session, smtp_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, port = smtp_server
    _queue(db, *(f"nguoi{i}@doanhnghiep.example" for i in range(3)))
    runner = CliRunner()
    get_settings.cache_clear()
    monkeypatch.delenv("KETNOI_SMTP_HOST", raising=False)
    try:
        unconfigured = runner.invoke(cli, ["send-mail"])
        assert unconfigured.exit_code == 2
        assert "KETNOI_SMTP_HOST" in unconfigured.output
        monkeypatch.setenv("KETNOI_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("KETNOI_SMTP_PORT", str(port))
        monkeypatch.setenv("KETNOI_SMTP_STARTTLS", "false")
        get_settings.cache_clear()
        result = runner.invoke(cli, ["send-mail", "--batch-size", "2", "--all"])
    finally:
        monkeypatch.delenv("KETNOI_SMTP_HOST", raising=False)
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Sent 3, refused 0, still waiting 0." in result.output
    assert len(box.messages) == 3
