"""``ketnoi send-mail`` run as the operator runs it: a separate process (which imports only
what the command imports), against a real SMTP server, delivering a whole outbox."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlmodel import Session, col, select

from app.notifications.models import Outbox
from app.settings import PROJECT_ROOT
from tests.smtp import SmtpServer


def _queue(db: Session, count: int) -> None:
    db.add_all(
        Outbox(
            to_email=f"khach{n:02d}@thucpham-hp.example",
            to_name=f"Khách mời {n:02d}",
            locale="vi",
            kind="request_received",
            subject=f"Yêu cầu gặp số {n:02d}",
            body_text=f"Chào anh/chị,\n\nYêu cầu gặp số {n:02d}.\n",
        )
        for n in range(count)
    )
    db.commit()


def _run(smtp: SmtpServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KETNOI_SMTP_HOST": smtp.host,
        "KETNOI_SMTP_PORT": str(smtp.port),
        "KETNOI_SMTP_STARTTLS": "false",
        "KETNOI_SMTP_TIMEOUT_S": "10",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "send-mail", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_send_mail_process_delivers_every_message_exactly_once(
    db: Session, smtp_server: SmtpServer
) -> None:
    _queue(db, 30)
    first = _run(smtp_server, "--batch-size", "7", "--all")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Sent 30, refused 0, still waiting 0." in first.stdout
    received = sorted(m.envelope_to[0] for m in smtp_server.messages)
    assert received == [f"khach{n:02d}@thucpham-hp.example" for n in range(30)]
    subjects = {str(m.message["Subject"]) for m in smtp_server.messages}
    assert len(subjects) == 30

    db.expire_all()
    rows = db.exec(select(Outbox).order_by(col(Outbox.id))).all()
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)

    # A second run finds nothing left: no message goes out twice.
    again = _run(smtp_server)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Sent 0, refused 0, still waiting 0." in again.stdout
    assert len(smtp_server.messages) == 30
