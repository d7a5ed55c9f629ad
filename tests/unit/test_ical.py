"""Calendars: what a phone or Outlook receives, checked with icalendar and with the independent
strict parser of the ``ical`` package."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from ical.calendar import Calendar as StrictCalendar
from ical.calendar_stream import IcsCalendarStream

from app.exports.ical import (
    build_meeting,
    build_personal_feed,
    build_programme,
    etag,
    meeting_uid,
)
from app.exports.views import (
    Bilingual,
    EventView,
    MeetingView,
    PartyView,
    PersonAgendaView,
    SessionView,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CHANGED = datetime(2027, 3, 10, 2, 30, tzinfo=UTC)

EVENT = EventView(
    id=3,
    title=Bilingual(
        "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan",
        "Vietnam – Taiwan Technology Connection",
    ),
    timezone="Asia/Ho_Chi_Minh",
    start_date=date(2027, 3, 16),
    end_date=date(2027, 3, 16),
    host="ketnoi.example.vn",
    venue="Trung tâm Hội nghị Quốc gia",
)
HANH = PartyView(
    7,
    "Nguyễn Thị Hạnh",
    position="Giám đốc",
    organisation=Bilingual("Công ty TNHH Cơ khí Chính xác Hải Phòng", "Hai Phong Precision"),
    country="VN",
)
LIN = PartyView(
    8,
    "Lin Wei-Ting",
    "林薇婷",
    organisation=Bilingual("", "Formosa Precision Machinery"),
    organisation_local="台灣精密機械股份有限公司",
    country="TW",
)
TANAKA = PartyView(9, "Tanaka Misaki", "田中 美咲", organisation=Bilingual("", "Kansai Agritech"))
KIM = PartyView(10, "Kim Min-jun", "김민준", country="KR")
INTERPRETER = PartyView(11, "Trần Thu Trang", role="interpreter")


def meeting(
    meeting_id: int,
    hour: int,
    minute: int,
    other: PartyView,
    *,
    revision: int = 1,
    status: str = "confirmed",
    table: int = 5,
) -> MeetingView:
    starts = datetime(2027, 3, 16, hour, minute, tzinfo=HCM)
    return MeetingView(
        id=meeting_id,
        revision=revision,
        updated_at=CHANGED,
        status=status,
        starts_at=starts.astimezone(UTC),
        ends_at=(starts + timedelta(minutes=20)).astimezone(UTC),
        parties=(HANH, other, INTERPRETER),
        table_number=table,
        session_title=Bilingual("Gặp gỡ B2B", "B2B meetings"),
        topics=(Bilingual("Tự động hoá dây chuyền đóng gói", "Automation of packaging lines"),),
        interpreter_language="zh",
    )


def agenda(*meetings: MeetingView, language: str = "vi") -> PersonAgendaView:
    return PersonAgendaView(
        participant_id=HANH.participant_id,
        full_name=HANH.full_name,
        meetings=meetings,
        organisation=HANH.organisation,
        country="VN",
        language=language,
        checkin_code="KN00007",
    )


def strict(data: bytes) -> StrictCalendar:
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def vevents(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).events)


@pytest.fixture
def feed() -> bytes:
    return build_personal_feed(
        EVENT,
        agenda(
            meeting(21, 14, 20, LIN, revision=3),
            meeting(20, 14, 0, TANAKA),
            meeting(22, 14, 40, KIM, status="cancelled", revision=2),
        ),
    )


def test_feed_parses_strictly_with_one_event_per_meeting_in_the_event_zone(feed: bytes) -> None:
    calendar = strict(feed)
    assert [e.uid for e in calendar.events] == [
        "meeting-20@ketnoi.example.vn",
        "meeting-21@ketnoi.example.vn",
        "meeting-22@ketnoi.example.vn",
    ]
    first = calendar.events[0]
    assert first.dtstart == datetime(2027, 3, 16, 14, 0, tzinfo=HCM)
    assert isinstance(first.dtstart, datetime)
    assert first.dtstart.utcoffset() == timedelta(hours=7)
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20270316T140000" in feed.decode()
    assert calendar.method == "PUBLISH"
    assert calendar.refresh_interval == timedelta(hours=1)


def test_feed_carries_the_vtimezone_it_references(feed: bytes) -> None:
    calendar = icalendar.Calendar.from_ical(feed)
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Ho_Chi_Minh"]
    assert calendar.get_missing_tzids() == set()
    assert [tz.tz_id for tz in strict(feed).timezones] == ["Asia/Ho_Chi_Minh"]
    # VTIMEZONE before the events that use it, as some clients read in one pass.
    text = feed.decode()
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_sequence_is_the_revision_and_dtstamp_the_last_change(feed: bytes) -> None:
    events = {str(e["UID"]): e for e in vevents(feed)}
    lin = events["meeting-21@ketnoi.example.vn"]
    assert lin["SEQUENCE"] == 3
    assert lin.DTSTAMP == CHANGED
    assert lin.LAST_MODIFIED == CHANGED
    strict_lin = next(e for e in strict(feed).events if e.uid == "meeting-21@ketnoi.example.vn")
    assert strict_lin.sequence == 3
    assert strict_lin.dtstamp == CHANGED


def test_feed_is_byte_identical_while_nothing_changes(feed: bytes) -> None:
    again = build_personal_feed(
        EVENT,
        agenda(
            meeting(22, 14, 40, KIM, status="cancelled", revision=2),
            meeting(21, 14, 20, LIN, revision=3),
            meeting(20, 14, 0, TANAKA),
        ),
    )
    assert again == feed
    assert etag(again) == etag(feed)
    assert etag(feed).startswith('"')
    assert etag(feed).endswith('"')


def test_a_moved_meeting_keeps_its_uid_and_bumps_sequence() -> None:
    before = meeting(21, 14, 20, LIN, revision=3)
    after = dataclasses.replace(
        meeting(21, 15, 0, LIN, revision=4, table=9),
        updated_at=CHANGED + timedelta(hours=5),
    )
    old = build_meeting(EVENT, before, participant_id=HANH.participant_id)
    new = build_meeting(EVENT, after, participant_id=HANH.participant_id)
    (old_event,) = strict(old).events
    (new_event,) = strict(new).events
    assert new_event.uid == old_event.uid == meeting_uid(EVENT, 21)
    assert (old_event.sequence, new_event.sequence) == (3, 4)
    assert new_event.dtstamp > old_event.dtstamp
    assert new_event.dtstart == datetime(2027, 3, 16, 15, 0, tzinfo=HCM)
    assert "Bàn 9" in (new_event.location or "")
    assert etag(old) != etag(new)


def test_cancelled_meeting_stays_in_the_feed_marked_cancelled(feed: bytes) -> None:
    kim = next(e for e in strict(feed).events if e.uid == "meeting-22@ketnoi.example.vn")
    assert kim.status is not None
    assert kim.status.value == "CANCELLED"
    assert kim.sequence == 2
    assert (kim.summary or "").startswith("Đã hủy: Gặp Kim Min-jun (김민준)")


def test_no_attendees_and_no_rsvp(feed: bytes) -> None:
    assert b"ATTENDEE" not in feed
    assert b"RSVP" not in feed
    assert b"METHOD:PUBLISH\r\n" in feed


def test_feed_names_itself_and_asks_for_hourly_refresh(feed: bytes) -> None:
    text = feed.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    calendar = icalendar.Calendar.from_ical(feed)
    assert calendar["X-WR-CALNAME"] == calendar["NAME"]
    assert str(calendar["NAME"]).endswith("lịch gặp của Nguyễn Thị Hạnh")


def test_download_has_no_refresh_hints() -> None:
    data = build_personal_feed(EVENT, agenda(meeting(20, 14, 0, TANAKA)), feed=False)
    assert b"REFRESH-INTERVAL" not in data
    assert b"X-WR-CALNAME" not in data
    assert len(strict(data).events) == 1


def test_crlf_line_ends_and_lines_of_at_most_75_octets(feed: bytes) -> None:
    assert feed.endswith(b"\r\n")
    assert feed.count(b"\n") == feed.count(b"\r\n")
    lines = feed.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    # Folding must not cut a multi-byte character in two: every line is valid UTF-8.
    for line in lines:
        line.decode("utf-8")
    assert any(line.startswith(b" ") for line in lines), "long Vietnamese lines are folded"


def test_vietnamese_chinese_japanese_korean_text_survives(feed: bytes) -> None:
    events = {e.uid: e for e in strict(feed).events}
    lin = events["meeting-21@ketnoi.example.vn"]
    assert lin.summary == (
        "Gặp Lin Wei-Ting (林薇婷) – Formosa Precision Machinery (台灣精密機械股份有限公司) · Bàn 5"
    )
    description = lin.description or ""
    assert "Chủ đề: Tự động hoá dây chuyền đóng gói" in description
    assert "Đài Loan" in description  # the counterpart's country, in Vietnamese
    assert "Phiên dịch: Tiếng Trung – Trần Thu Trang" in description
    assert "Nguyễn Thị Hạnh" not in description  # her own name is not her counterpart
    tanaka = events["meeting-20@ketnoi.example.vn"]
    assert "田中 美咲" in (tanaka.summary or "")
    assert lin.location == "Bàn 5, Trung tâm Hội nghị Quốc gia"


def test_english_speaker_gets_english_texts() -> None:
    data = build_personal_feed(EVENT, agenda(meeting(21, 14, 20, LIN), language="en"))
    (event,) = strict(data).events
    assert event.summary == (
        "Meeting with Lin Wei-Ting (林薇婷) – Formosa Precision Machinery "
        "(台灣精密機械股份有限公司) · Table 5"
    )
    assert "Topic: Automation of packaging lines" in (event.description or "")
    assert "Taiwan" in (event.description or "")
    assert "Interpreter: Chinese" in (event.description or "")
    calendar = icalendar.Calendar.from_ical(data)
    assert (
        str(calendar["NAME"])
        == "Vietnam – Taiwan Technology Connection: meetings of Nguyễn Thị Hạnh"
    )


def test_meeting_without_a_viewer_names_both_sides() -> None:
    data = build_meeting(EVENT, meeting(21, 14, 20, LIN))
    (event,) = strict(data).events
    summary = event.summary or ""
    assert summary.startswith("Cuộc gặp: Nguyễn Thị Hạnh")
    assert "Lin Wei-Ting (林薇婷)" in summary
    assert b"REFRESH-INTERVAL" not in data


def test_programme_lists_sessions_with_stable_uids() -> None:
    sessions = [
        SessionView(
            2,
            Bilingual("Gặp gỡ B2B", "B2B meetings"),
            "matchmaking",
            datetime(2027, 3, 16, 14, tzinfo=HCM),
            datetime(2027, 3, 16, 17, tzinfo=HCM),
            updated_at=CHANGED,
            room="Hội trường B",
        ),
        SessionView(
            1,
            Bilingual("Khai mạc", "Opening"),
            "plenary",
            datetime(2027, 3, 16, 8, 30, tzinfo=HCM),
            datetime(2027, 3, 16, 9, 30, tzinfo=HCM),
            updated_at=CHANGED,
        ),
    ]
    data = build_programme(EVENT, sessions)
    calendar = strict(data)
    assert [e.summary for e in calendar.events] == ["Khai mạc", "Gặp gỡ B2B"]
    assert [e.uid for e in calendar.events] == [
        "session-1@ketnoi.example.vn",
        "session-2@ketnoi.example.vn",
    ]
    assert data == build_programme(EVENT, list(reversed(sessions)))
    assert build_programme(EVENT, sessions, locale="en") != data


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(meeting(1, 14, 0, LIN), starts_at=datetime(2027, 3, 16, 14, 0))


def test_a_korean_delegates_feed_speaks_korean_and_keeps_names_as_written() -> None:
    from dataclasses import replace

    kim_view = replace(agenda(meeting(30, 14, 0, LIN)), second="ko")
    data = build_personal_feed(EVENT, kim_view)
    event = vevents(data)[0]
    assert "님과의 미팅" in str(event["summary"])
    assert "Lin Wei-Ting" in str(event["summary"])
    assert "번 테이블" in str(event["location"])
    description = str(event["description"])
    assert "행사:" in description
    assert "Meeting with" not in data.decode()
    # An explicit language still wins (a download asked for in Vietnamese).
    asked = build_personal_feed(EVENT, kim_view, locale="vi")
    assert "Gặp" in str(vevents(asked)[0]["summary"])


def test_an_own_language_feed_reads_vietnamese_first_then_the_delegates_language() -> None:
    from dataclasses import replace

    japanese = replace(agenda(meeting(30, 14, 0, LIN)), second="ja")
    data = build_personal_feed(EVENT, japanese)
    event = vevents(data)[0]
    summary = str(event["summary"])
    vietnamese, _, own = summary.partition(" / ")
    assert vietnamese.startswith("Gặp Lin Wei-Ting")
    assert "との面談" in own
    assert str(event["location"]).startswith("Bàn 5 / テーブル 5")
    assert own == "Lin Wei-Ting (林薇婷) との面談 · テーブル 5"
    description = str(event["description"])
    assert "Sự kiện / イベント: " in description
    assert "Địa điểm / 場所: " in description
    # Labels never in English (stored texts as the printed agenda shows them).
    assert "Meeting with" not in data.decode()
    assert "Event:" not in description
    strict(data)
