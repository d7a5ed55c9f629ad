"""Deliver the outbox through SMTP (``ketnoi send-mail``; a cron job or a systemd timer runs it).

Delivery is at least once: a row is marked sent right after the SMTP server accepted it, one
commit per message, so a crash in the middle of a batch re-sends at most the message in
flight (its Message-ID is derived from the row, so mail clients see one message). Unlike the
services, the sender commits: it is its own unit of work, not part of a web request.

Two kinds of failure are told apart:

- the server cannot be reached, refuses the TLS upgrade or the log-in: nothing is wrong with
  the messages, so no attempt is counted; the run reports the error and stops;
- the server refuses one message (a bad address, a full mailbox): ``attempts`` goes up and
  ``last_error`` says why; after ``max_attempts`` the row is left alone (the outbox page shows
  it as failed) until someone fixes the address and resets it.

Several senders may run at once: on PostgreSQL each row is claimed with ``FOR UPDATE SKIP
LOCKED`` before it is sent, so no message goes out twice.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, col, select

from app.i18n.documents import LANG_ATTRIBUTE
from app.notifications.models import Outbox
from app.reminders.models import OutboxAttachment
from app.settings import Settings
from app.types import utcnow

DEFAULT_BATCH = 50
DEFAULT_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    use_ssl: bool = False
    timeout_s: float = 30.0
    mail_from: str = "Kết Nối <no-reply@ketnoi.vn>"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """None when no SMTP host is configured (messages then stay in the outbox)."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user or None,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            starttls=settings.smtp_starttls and not settings.smtp_ssl,
            use_ssl=settings.smtp_ssl,
            timeout_s=settings.smtp_timeout_s,
            mail_from=settings.mail_from,
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # messages refused this run (their attempts went up)
    waiting: int = 0  # unsent messages still to try after this run
    error: str = ""  # why the run stopped early (server unreachable, log-in refused …)


class _Smtp(Protocol):
    def send_message(self, msg: EmailMessage) -> object: ...

    def quit(self) -> object: ...

    def close(self) -> None: ...


def _domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "ketnoi.local"


def _html_lang(locale: str) -> str:
    # A message in a delegate's own language begins in Vietnamese; its second part says so.
    return "en" if locale == "en" else "vi"


def content_language(locale: str) -> str:
    """'vi', 'en', or 'vi, ja' for a message in Vietnamese and the delegate's own language."""
    if locale in ("vi", "en"):
        return locale
    return f"vi, {LANG_ATTRIBUTE.get(locale, locale)}"


def build_message(
    row: Outbox, mail_from: str, attachments: Sequence[OutboxAttachment] = ()
) -> EmailMessage:
    """The e-mail of one outbox row: plain text, with the HTML version as an alternative,
    and the row's attachments (an agenda PDF)."""
    message = EmailMessage()
    message["From"] = mail_from
    local, _, domain = row.to_email.rpartition("@")
    message["To"] = Address(display_name=row.to_name, username=local, domain=domain)
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    # Stable per row: a message re-sent after a crash is recognised as the same one.
    message["Message-ID"] = (
        f"<outbox-{row.id}.{int(row.created_at.timestamp())}@{_domain(mail_from)}>"
    )
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(
            f'<!doctype html><html lang="{_html_lang(row.locale)}">'
            f"<body>{row.body_html}</body></html>",
            subtype="html",
        )
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    # After the content: set_content() and add_alternative() drop the Content-* headers.
    message["Content-Language"] = content_language(row.locale)
    return message


def connect(config: SmtpConfig) -> smtplib.SMTP:
    """An SMTP connection, upgraded to TLS and logged in as configured."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.use_ssl:
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout_s, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_s)
    try:
        smtp.ehlo()
        if config.starttls and not config.use_ssl:
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, config.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _sendable(max_attempts: int) -> ColumnElement[bool]:
    return and_(col(Outbox.sent_at).is_(None), col(Outbox.attempts) < max_attempts)


def waiting_count(session: Session, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> int:
    return int(
        session.exec(select(func.count()).select_from(Outbox).where(_sendable(max_attempts))).one()
    )


def _claim(session: Session, outbox_id: int, max_attempts: int) -> Outbox | None:
    query = (
        select(Outbox)
        .where(col(Outbox.id) == outbox_id, _sendable(max_attempts))
        .with_for_update(skip_locked=True)
    )
    return session.exec(query).first()


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        ]
        return "recipient refused: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def deliver_pending(
    session: Session,
    config: SmtpConfig,
    *,
    batch_size: int = DEFAULT_BATCH,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> DeliveryReport:
    """Send up to ``batch_size`` unsent messages, oldest first, over one connection."""
    report = DeliveryReport()
    ids = [
        int(i)
        for i in session.exec(
            select(Outbox.id)
            .where(_sendable(max_attempts))
            .order_by(col(Outbox.id))
            .limit(batch_size)
        ).all()
        if i is not None
    ]
    session.rollback()  # end the read: each message below is its own transaction
    if ids:
        try:
            smtp: _Smtp = connect(config)
        except (OSError, smtplib.SMTPException) as exc:
            report.error = f"cannot deliver through {config.host}:{config.port}: {_describe(exc)}"
        else:
            try:
                _send_batch(session, smtp, config, ids, max_attempts, report)
            finally:
                try:
                    smtp.quit()
                except (OSError, smtplib.SMTPException):
                    smtp.close()
    report.waiting = waiting_count(session, max_attempts=max_attempts)
    session.rollback()
    return report


def _send_batch(
    session: Session,
    smtp: _Smtp,
    config: SmtpConfig,
    ids: list[int],
    max_attempts: int,
    report: DeliveryReport,
) -> None:
    for outbox_id in ids:
        row = _claim(session, outbox_id, max_attempts)
        if row is None:  # sent meanwhile, or another sender holds it
            session.rollback()
            continue
        try:
            attachments = session.exec(
                select(OutboxAttachment).where(OutboxAttachment.outbox_id == outbox_id)
            ).all()
            smtp.send_message(build_message(row, config.mail_from, attachments))
        except smtplib.SMTPServerDisconnected as exc:
            # The connection is gone: this message may or may not have arrived. Count the
            # attempt (so a message that kills the server cannot loop forever) and stop.
            _failed(session, row, exc, report)
            report.error = f"the SMTP server closed the connection: {exc}"
            return
        except (smtplib.SMTPException, OSError, ValueError, MessageError) as exc:
            _failed(session, row, exc, report)
            continue
        row.sent_at = utcnow()
        row.attempts += 1
        row.last_error = ""
        session.add(row)
        session.commit()
        report.sent += 1


def _failed(session: Session, row: Outbox, exc: BaseException, report: DeliveryReport) -> None:
    row.attempts += 1
    row.last_error = _describe(exc)[:2000]
    session.add(row)
    session.commit()
    report.failed += 1
