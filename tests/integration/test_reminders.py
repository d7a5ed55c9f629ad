"""Reminders before meetings and online meeting links, on the real database: which reminders
fall due when, that each goes out once per meeting revision (also with two passes at once),
never for cancelled or past meetings; the link of an online meeting in the calendar (read
back with icalendar), and the worker process delivering to a real SMTP server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import User
from app.auth.service import start_web_session
from app.db import get_engine
from app.deps import SESSION_COOKIE
from app.errors import Invalid
from app.events.models import EventSession, Slot
from app.meetings import commands as meeting_commands
from app.meetings.models import Meeting
from app.notifications.models import Outbox
from app.reminders import online
from app.reminders.models import OutboxAttachment, ReminderSent, ReminderSettings
from app.reminders.service import queue_due, update_settings
from app.settings import PROJECT_ROOT, get_settings
from tests.integration.test_exports_api import Fair, build_fair, pdftotext
from tests.smtp import SmtpServer

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def fair(client, db: Session, organiser: User) -> Fair:  # type: ignore[no-untyped-def]
    fair = build_fair(client, db, organiser)
    fair.publish()
    db.expire_all()
    return fair


def _slot_start(db: Session, slot_id: int) -> datetime:
    slot = db.get(Slot, slot_id)
    assert slot is not None
    return slot.starts_at


def _reminders(db: Session, kind: str) -> list[Outbox]:
    return list(db.exec(select(Outbox).where(Outbox.kind == kind).order_by(col(Outbox.id))).all())


def _recipients(rows: list[Outbox]) -> list[str]:
    return sorted(r.to_email for r in rows)


LIN_PEOPLE = ["hanh@cokhi-hp.example", "lin@tw-precision.example", "mai@dich.example"]


def test_reminder_falls_due_minutes_before_once_per_revision(fair: Fair) -> None:
    db = fair.db
    start = _slot_start(db, fair.slots[0])  # Lin's meeting with Hạnh, Mai interpreting

    queue_due(db, start - timedelta(minutes=16))
    assert _reminders(db, "reminder_soon") == []

    report = queue_due(db, start - timedelta(minutes=14))
    db.commit()
    assert report.soon == 3
    rows = _reminders(db, "reminder_soon")
    assert _recipients(rows) == LIN_PEOPLE
    hanh = next(r for r in rows if r.to_email.startswith("hanh"))
    assert hanh.locale == "vi"
    assert "Bàn 2" in hanh.subject
    assert "Lin Wei-Ting (林薇婷)" in hanh.body_text
    assert "Phiên dịch: Đỗ Thị Mai" in hanh.body_text
    lin = next(r for r in rows if r.to_email.startswith("lin"))
    # Lin reads Chinese (Taiwan): Vietnamese, then Traditional Chinese; no English.
    assert lin.locale == "zh_Hant"
    assert lin.subject.startswith("15 phút nữa: gặp Nguyễn Thị Hạnh")
    assert "15 分鐘後：與 Nguyễn Thị Hạnh 會談" in lin.subject
    assert "In 15 minutes" not in lin.subject
    assert "口譯: Đỗ Thị Mai" in lin.body_text

    # Later passes find nothing new.
    assert queue_due(db, start - timedelta(minutes=5)).soon == 0
    db.commit()
    assert len(_reminders(db, "reminder_soon")) == 3

    # The meeting moves: the new revision gets its own reminder, at its new time.
    meeting = db.get(Meeting, fair.lin_meeting)
    assert meeting is not None
    meeting_commands.place_meeting(
        db, actor=None, meeting=meeting, slot_id=fair.slots[1], table_id=fair.tables[1]
    )
    db.commit()
    new_start = _slot_start(db, fair.slots[1])
    assert queue_due(db, new_start - timedelta(minutes=30)).soon == 0
    assert queue_due(db, new_start - timedelta(minutes=10)).soon == 3
    db.commit()
    assert len(_reminders(db, "reminder_soon")) == 6

    # Past meetings get none.
    assert queue_due(db, new_start + timedelta(minutes=1)).soon == 0


def test_no_reminder_for_cancelled_meetings_or_when_turned_off(fair: Fair) -> None:
    db = fair.db
    meeting_commands.cancel_meeting(
        db,
        actor=fair.users["hanh"],
        event_id=fair.event_id,
        meeting_id=fair.bao_meeting,
        reason="Đổi kế hoạch",
    )
    db.commit()
    start = _slot_start(db, fair.slots[2])
    assert queue_due(db, start - timedelta(minutes=5)).soon == 0

    lin_start = _slot_start(db, fair.slots[0])
    update_settings(
        db, event_id=fair.event_id, enabled=False, day_before_hour=17, minutes_before=15
    )
    assert queue_due(db, lin_start - timedelta(minutes=5)).soon == 0
    update_settings(db, event_id=fair.event_id, enabled=True, day_before_hour=17, minutes_before=30)
    assert queue_due(db, lin_start - timedelta(minutes=25)).soon == 3


def test_settings_errors_name_every_field(fair: Fair) -> None:
    with pytest.raises(Invalid) as caught:
        update_settings(
            fair.db, event_id=fair.event_id, enabled=True, day_before_hour="25", minutes_before=0
        )
    assert [e.field for e in caught.value.errors] == ["day_before_hour", "minutes_before"]


def test_day_before_agenda_with_pdf_after_the_configured_hour(fair: Fair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = fair.db
    start = _slot_start(db, fair.slots[0]).astimezone(ZONE)
    eve = datetime.combine(start.date() - timedelta(days=1), datetime.min.time(), ZONE)
    assert queue_due(db, eve.replace(hour=16, minute=59)).day_before == 0
    report = queue_due(db, eve.replace(hour=17, minute=0))
    db.commit()
    # Hạnh (two meetings), Lin, Mai, Bảo: one e-mail each.
    assert report.day_before == 4
    rows = _reminders(db, "reminder_day_before")
    hanh = next(r for r in rows if r.to_email.startswith("hanh"))
    assert "Ngày mai anh/chị có 2 cuộc gặp" in hanh.body_text
    assert "/calendar.ics?token=" in hanh.body_text
    attachment = db.exec(
        select(OutboxAttachment).where(OutboxAttachment.outbox_id == hanh.id)
    ).one()
    text = pdftotext(attachment.data, tmp_path)
    assert "Lin Wei-Ting" in text
    assert "Trần Quốc Bảo" in text
    assert queue_due(db, eve.replace(hour=21)).day_before == 0


def test_online_meeting_link_in_calendar_and_reminder(fair: Fair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = fair.db
    row = db.get(EventSession, fair.session_id)
    assert row is not None
    with pytest.raises(Invalid) as caught:
        online.set_session_pattern(db, row, "http://meet.jit.si/{event}")
    assert caught.value.errors[0].field == "video_pattern"
    online.set_session_pattern(db, row, "https://meet.jit.si/ketnoi-{event}-{meeting}-{token}")
    meeting = db.get(Meeting, fair.lin_meeting)
    assert meeting is not None
    with pytest.raises(Invalid) as caught:
        online.set_meeting_online(db, meeting, mode="remote", video_url="ftp://x")
    assert [e.field for e in caught.value.errors] == ["mode", "video_url"]
    online.set_meeting_online(db, meeting, mode="online", video_url="")
    db.commit()
    link = online.video_link(db, meeting)
    assert link.startswith(f"https://meet.jit.si/ketnoi-{fair.event_id}-{fair.lin_meeting}-")
    assert len(link.rsplit("-", 1)[1]) == 16

    response = fair.client.get(fair.feed_path("hanh"), headers=fair.hanh)
    assert response.status_code == 200, response.text
    vevent = next(
        v
        for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        if str(v["uid"]).startswith(f"meeting-{fair.lin_meeting}@")
    )
    assert str(vevent["location"]) == link
    assert str(vevent["url"]) == link

    pdf = fair.client.get(
        f"{fair.base}/participants/{fair.people['hanh']}/agenda.pdf", headers=fair.hanh
    )
    assert pdf.status_code == 200, pdf.text
    text = pdftotext(pdf.content, tmp_path)
    assert link in "".join(text.split())

    start = _slot_start(db, fair.slots[0])
    queue_due(db, start - timedelta(minutes=10))
    db.commit()
    mail = next(r for r in _reminders(db, "reminder_soon") if r.to_email.startswith("hanh"))
    assert f"Tham gia trực tuyến: {link}" in mail.body_text
    assert "Trực tuyến" in mail.subject


def test_two_concurrent_passes_queue_each_reminder_once(fair: Fair) -> None:
    start = _slot_start(fair.db, fair.slots[0])
    fair.db.commit()
    engine = get_engine()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one_pass() -> None:
        try:
            with Session(engine) as session:
                barrier.wait(timeout=10)
                queue_due(session, start - timedelta(minutes=10))
                session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    fair.db.expire_all()
    assert not [e for e in errors if "locked" not in str(e)], errors
    assert _recipients(_reminders(fair.db, "reminder_soon")) == LIN_PEOPLE
    assert len(fair.db.exec(select(ReminderSent)).all()) == 3


def _worker(smtp: SmtpServer) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KETNOI_SMTP_HOST": smtp.host,
        "KETNOI_SMTP_PORT": str(smtp.port),
        "KETNOI_SMTP_STARTTLS": "false",
        "KETNOI_SMTP_TIMEOUT_S": "10",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "worker", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_worker_once_delivers_reminders_once_with_a_working_calendar_link(
    fair: Fair, smtp_server: SmtpServer
) -> None:
    db = fair.db
    now = datetime.now(UTC).replace(microsecond=0)
    # Bảo's meeting with Hạnh starts in 10 minutes; Lin's is tomorrow morning, local time.
    tomorrow = (now.astimezone(ZONE) + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    for slot_id, starts in (
        (fair.slots[2], now + timedelta(minutes=10)),
        (fair.slots[0], tomorrow),
    ):
        slot = db.get(Slot, slot_id)
        assert slot is not None
        slot.starts_at, slot.ends_at = starts, starts + timedelta(minutes=20)
        # Written directly: slots follow their session (sync_slots); this one must start now.
        db.add(slot)
    update_settings(db, event_id=fair.event_id, enabled=True, day_before_hour=0, minutes_before=15)
    db.commit()

    first = _worker(smtp_server)
    assert first.returncode == 0, first.stdout + first.stderr
    # Hạnh, Lin and Mai for tomorrow (and Bảo too if "in 10 minutes" is already tomorrow).
    soon_is_tomorrow = (now + timedelta(minutes=10)).astimezone(ZONE).date() == tomorrow.date()
    day_before = 4 if soon_is_tomorrow else 3
    assert f"reminders: queued {day_before} day-before and 2 meeting reminder(s)" in first.stdout

    soon = [
        m
        for m in smtp_server.to("bao@cokhi-hp.example")
        if "10 phút" in str(m["Subject"]) or "phút nữa" in str(m["Subject"])
    ]
    assert len(soon) == 1
    assert "Nguyễn Thị Hạnh" in soon[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]

    day = [
        m
        for m in smtp_server.to("lin@tw-precision.example")
        if str(m["Subject"]).startswith("Lịch gặp ngày mai") and "明日" in str(m["Subject"])
    ]
    assert len(day) == 1
    pdfs = [p for p in day[0].iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    assert pdfs[0].get_content().startswith(b"%PDF")
    body = day[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    url = next(w for w in body.split() if "calendar.ics?token=" in w)
    parts = urlsplit(url)
    feed = fair.client.get(f"{parts.path}?{parts.query}")
    assert feed.status_code == 200, feed.text
    uids = [str(v["uid"]) for v in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert any(u.startswith(f"meeting-{fair.lin_meeting}@") for u in uids)

    count = len(smtp_server.messages)
    again = _worker(smtp_server)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reminders: queued 0 day-before and 0 meeting reminder(s)" in again.stdout
    assert len(smtp_server.messages) == count


def _browser(fair: Fair, app, user: User) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False, headers={"Accept": "text/html"})
    key = start_web_session(fair.db, get_settings(), user=user)
    fair.db.commit()
    client.cookies.set(SESSION_COOKIE, key)
    return client


def _csrf(text: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert match is not None
    return match.group(1)


def test_organiser_page_names_bad_fields_and_delegate_sees_the_link(
    fair: Fair, app, organiser: User
) -> None:  # type: ignore[no-untyped-def]
    org = _browser(fair, app, organiser)
    url = f"/events/{fair.event_id}/reminders?lang=vi"
    page = org.get(url)
    assert page.status_code == 200, page.text
    assert "Nhắc lịch và gặp trực tuyến" in page.text
    bad = org.post(
        f"/events/{fair.event_id}/reminders",
        data={
            "enabled": "1",
            "day_before_hour": "24",
            "minutes_before": "abc",
            "csrf_token": _csrf(page.text),
        },
    )
    assert bad.status_code == 422
    assert "phải là một giờ chẵn từ 0 đến 23" in bad.text
    assert "phải là số phút nguyên từ 1 đến 240" in bad.text
    good = org.post(
        f"/events/{fair.event_id}/reminders",
        data={"day_before_hour": "18", "minutes_before": "20", "csrf_token": _csrf(page.text)},
    )
    assert good.status_code == 303
    settings = fair.db.get(ReminderSettings, fair.event_id)
    fair.db.refresh(settings)
    assert settings is not None
    assert (settings.enabled, settings.day_before_hour, settings.minutes_before) == (False, 18, 20)

    action = f"/events/{fair.event_id}/sessions/{fair.session_id}/online"
    bad = org.post(
        action,
        data={
            "video_pattern": "http://meet.jit.si/{event}",
            "mode": "online",
            "csrf_token": _csrf(page.text),
        },
    )
    assert bad.status_code == 422
    assert "phải là địa chỉ web bắt đầu bằng https://" in bad.text
    bad = org.post(
        action,
        data={"video_pattern": "https://meet.jit.si/{room}", "csrf_token": _csrf(page.text)},
    )
    assert "chỉ được dùng các chỗ thay thế {event}, {meeting}, {token}" in bad.text
    saved = org.post(
        action,
        data={
            "video_pattern": "https://meet.jit.si/ketnoi-{event}-{meeting}-{token}",
            "mode": "hybrid",
            "csrf_token": _csrf(page.text),
        },
    )
    assert saved.status_code == 303

    lin = _browser(fair, app, fair.users["lin"])
    mine = lin.get(f"/events/{fair.event_id}/meetings/mine?lang=en")
    assert mine.status_code == 200
    assert "Join online" in mine.text
    assert f"https://meet.jit.si/ketnoi-{fair.event_id}-{fair.lin_meeting}-" in mine.text
    assert "Hybrid" in mine.text

    delegate = lin.get(f"/events/{fair.event_id}/reminders")
    assert delegate.status_code == 403


def test_organiser_sets_one_meetings_own_link_on_the_grid(fair: Fair, app, organiser: User) -> None:  # type: ignore[no-untyped-def]
    org = _browser(fair, app, organiser)
    url = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid/{fair.bao_meeting}"
    page = org.get(url + "?lang=vi")
    assert page.status_code == 200, page.text
    assert "Tại bàn hay trực tuyến" in page.text
    bad = org.post(
        url + "/online",
        data={"mode": "online", "video_url": "javascript:alert(1)", "csrf_token": _csrf(page.text)},
    )
    assert bad.status_code == 422
    assert "phải là địa chỉ web bắt đầu bằng https://" in bad.text
    room = "https://zoom.us/j/123456789?pwd=abc"
    done = org.post(
        url + "/online",
        data={"mode": "hybrid", "video_url": room, "csrf_token": _csrf(page.text)},
    )
    assert done.status_code == 303
    fair.db.expire_all()
    meeting = fair.db.get(Meeting, fair.bao_meeting)
    assert meeting is not None
    assert (meeting.mode, meeting.video_url, meeting.revision) == ("hybrid", room, 2)
    feed = fair.client.get(fair.feed_path("hanh"), headers=fair.hanh)
    vevent = next(
        v
        for v in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        if str(v["uid"]).startswith(f"meeting-{fair.bao_meeting}@")
    )
    assert str(vevent["url"]) == room
    # Hybrid: the table first, then the link.
    assert str(vevent["location"]).startswith("Bàn 1")
    assert str(vevent["location"]).endswith(room)
