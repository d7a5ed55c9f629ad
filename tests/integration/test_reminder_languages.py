"""Reminders in Vietnamese plus the delegate's own language: a Japanese delegate's day-before
e-mail and minutes-before reminder, delivered by the worker to a real SMTP server, read
Vietnamese first and then Japanese, with names as the people wrote them and no English
sentence; the agenda PDF comes along."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from app.auth.models import User
from app.events.models import Slot
from app.i18n.documents import catalog
from app.meetings import commands as meeting_commands
from app.meetings.schemas import MeetingCreate
from app.notifications.service import format_day, render_bilingual
from app.reminders.service import update_settings
from app.settings import PROJECT_ROOT
from tests.integration.conftest import add_organisation, add_person
from tests.integration.test_exports_api import Fair, build_fair
from tests.integration.test_reminders import _worker
from tests.smtp import SmtpServer

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TANAKA = "tanaka@yamato-seiki.example"
# The English template's sentences: none may reach a Japanese delegate.
ENGLISH = (
    "Dear",
    "Your meeting",
    "Your meetings",
    "Tomorrow you have",
    "The organisers",
    "Join online",
    "Your agenda",
    "Place:",
    "With:",
    "Interpreter:",
    "Add it to",
    "attached",
    "minutes",
    "meeting with",
)


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase.lower() in text.lower()]


@pytest.fixture
def fair(client, db: Session, organiser: User) -> Fair:  # type: ignore[no-untyped-def]
    fair = build_fair(client, db, organiser)
    tanaka = add_person(
        db,
        fair.event_id,
        "Tanaka Misaki",
        languages=["ja", "en"],
        email=TANAKA,
        name_local="田中 美咲",
        organisation_id=add_organisation(
            db,
            "",
            name_en="Yamato Precision Instruments",
            name_local="大和精機株式会社",
            country="JP",
            commit=False,
        ),
        commit=False,
    )
    fair.people["tanaka"] = tanaka
    db.commit()
    fair.publish()
    db.expire_all()
    return fair


def test_a_japanese_delegates_reminders_arrive_in_vietnamese_and_japanese(
    fair: Fair, smtp_server: SmtpServer, organiser: User
) -> None:
    db = fair.db
    now = datetime.now(UTC).replace(microsecond=0)
    tomorrow = (now.astimezone(ZONE) + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    # Tanaka meets Hạnh in 10 minutes (Mai interpreting is Lin's), Bảo tomorrow at 9:00.
    for slot_id, starts in (
        (fair.slots[1], now + timedelta(minutes=10)),
        (fair.slots[0], tomorrow),
    ):
        slot = db.get(Slot, slot_id)
        assert slot is not None
        slot.starts_at, slot.ends_at = starts, starts + timedelta(minutes=20)
        # Written directly: slots follow their session (sync_slots); this one must start now.
        db.add(slot)
    for who, slot_id, table in (("hanh", 1, 2), ("bao", 0, 2)):
        meeting_commands.create_meeting(
            db,
            actor=organiser,
            event_id=fair.event_id,
            data=MeetingCreate(
                participant_ids=[fair.people["tanaka"], fair.people[who]],
                session_id=fair.session_id,
                slot_id=fair.slots[slot_id],
                table_id=fair.tables[table],
            ),
        )
    update_settings(db, event_id=fair.event_id, enabled=True, day_before_hour=0, minutes_before=15)
    db.commit()

    first = _worker(smtp_server)
    assert first.returncode == 0, first.stdout + first.stderr
    mails = smtp_server.to(TANAKA)
    soon = [m for m in mails if "phút nữa" in str(m["Subject"])]
    day = [m for m in mails if "Lịch gặp ngày mai" in str(m["Subject"])]
    assert len(soon) == 1, [str(m["Subject"]) for m in mails]
    assert len(day) == 1, [str(m["Subject"]) for m in mails]

    subject = str(soon[0]["Subject"])
    assert subject.startswith("15 phút nữa: gặp Nguyễn Thị Hạnh – Bàn 3"), subject
    assert re.search(r"/ 15 分後：Nguyễn Thị Hạnh との面談 – テーブル 3", subject), subject
    body = _text(soon[0])
    vietnamese, _, japanese = body.partition("─" * 24)
    assert "Kính gửi Tanaka Misaki (田中 美咲)," in vietnamese
    assert "Cuộc gặp của anh/chị bắt đầu lúc" in vietnamese
    assert "Tanaka Misaki (田中 美咲) 様" in japanese
    assert "面談は" in japanese
    assert "相手: Nguyễn Thị Hạnh, Hai Phong Precision" in japanese
    assert "主催者" in japanese
    assert _english_in(body) == [], body
    assert _english_in(subject) == [], subject
    assert soon[0]["Content-Language"] == "vi, ja"
    html = soon[0].get_body(("html",))
    assert html is not None
    assert '<div lang="ja">' in str(html.get_content())  # type: ignore[attr-defined]

    subject = str(day[0]["Subject"])
    assert f"明日（{format_day(tomorrow.date(), 'ja')}）の面談" in subject, subject
    body = _text(day[0])
    vietnamese, _, japanese = body.partition("─" * 24)
    assert "gặp Trần Quốc Bảo" in vietnamese
    assert "- 09:00: テーブル 3, Phòng họp tầng 2 – Trần Quốc Bảo との面談" in japanese
    assert "面談スケジュールを PDF で添付しました。" in japanese
    assert "スマートフォンのカレンダーに追加: http" in japanese
    assert _english_in(body) == [], body
    pdfs = [p for p in day[0].iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1

    # Once: a second pass sends nothing more to Tanaka.
    again = _worker(smtp_server)
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(smtp_server.to(TANAKA)) == len(mails)


def test_every_sentence_of_the_reminders_is_translated_in_each_own_language() -> None:
    used: set[str] = set()
    for path in (PROJECT_ROOT / "templates" / "email").glob("*.second.txt"):
        used |= set(re.findall(r't\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
    assert "Dear %(name)s," in used
    for code in ("ja", "ko", "zh_Hant", "zh_Hans"):
        missing = sorted(m for m in used if m not in catalog(code))
        assert not missing, (code, missing)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ko", "2027년 3월 16일 14:00"),
        ("zh_Hant", "會談將於 2027年3月16日 14:00"),
        ("ja", "面談は"),
    ],
)
def test_the_reminder_text_in_korean_and_chinese(code: str, expected: str) -> None:
    subject, vietnamese, own = render_bilingual(
        "reminder_soon",
        code,
        {
            "to_name": "Kim Min-jun (김민준)",
            "event_title": "Kết nối cung cầu công nghệ Hải Phòng",
            "event_url": "https://ketnoi.example/events/1",
            "minutes": 15,
            "starts_at": datetime(2027, 3, 16, 14, 0, tzinfo=ZONE),
            "place": "Bàn 5",
            "place_second": "Table",
            "counterpart": "Nguyễn Thị Hạnh",
            "organisation": "",
            "organisation_second": "",
            "topics": ["Dây chuyền đóng gói tự động"],
            "topics_second": ["Dây chuyền đóng gói tự động"],
            "interpreter": "",
            "link": "",
        },
    )
    assert subject.startswith("15 phút nữa: gặp Nguyễn Thị Hạnh – Bàn 5 / ")
    assert "Chủ đề: Dây chuyền đóng gói tự động" in vietnamese
    assert expected in own
    assert _english_in(own) == [], own
