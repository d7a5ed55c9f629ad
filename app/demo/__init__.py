"""The demo event, built from the articles in shared/seeds and loaded through the services.

Hai Phong's Department of Science and Technology with the Agency for Technology Application
and Development hosts a Vietnam–Taiwan technology supply–demand session (semiconductors,
IoT, biotech, aquaculture, agriculture, food, renewable energy, equipment), and Hanoi's
Department of Industry and Trade's 2023 conference linking key industrial producers with
institutes and universities is kept as a past event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.auth.models import Role, User, UserCreate
from app.auth.service import create_user, ensure_organiser, get_user_by_email
from app.demo.meetings import load_meetings
from app.demo.outcomes import load_outcomes
from app.demo.registrations import load_registrations
from app.demo.survey import load_survey
from app.events import service as events
from app.events.models import (
    BookingMode,
    BreakIn,
    Event,
    EventCreate,
    EventStatus,
    SessionCreate,
    SessionKind,
)
from app.types import clock_at, pk

DEMO_ORGANISER_EMAIL = "organiser@ketnoi.demo"
DEMO_ORGANISER_PASSWORD = "ketnoi-organiser-2026"
DEMO_DELEGATE_EMAIL = "delegate@ketnoi.demo"
DEMO_DELEGATE_PASSWORD = "ketnoi-delegate-2026"

# Official name in everything the organiser prints: "Đài Loan (Trung Quốc)".
HAI_PHONG_TITLE = "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan (Trung Quốc)"
OLD_HAI_PHONG_TITLE = "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan"
HANOI_TITLE = (
    "Hội nghị kết nối doanh nghiệp sản xuất sản phẩm công nghiệp chủ lực Hà Nội "
    "với các viện nghiên cứu, trường đại học năm 2023"
)
UPCOMING_TITLE = "Phiên kết nối công nghệ chế biến thủy sản và nông nghiệp thông minh Hải Phòng"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# The demo event is a day already played through: it took place this many days before the
# first ``ketnoi demo`` (check-ins, held meetings and no-shows, feedback, the report). The
# upcoming event opens registration now, for the sign-up journey.
DAYS_SINCE_DEMO_DAY = 6
DAYS_TO_UPCOMING = 40


def demo_day(today: date | None = None) -> date:
    """The date of the played-through demo event, relative to today in Hải Phòng."""
    return (today or datetime.now(ZONE).date()) - timedelta(days=DAYS_SINCE_DEMO_DAY)


@dataclass(frozen=True)
class DemoResult:
    organiser: User
    delegate: User
    event_ids: list[int]
    created: bool


def _at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZONE)


def _existing(session: Session, title: str) -> Event | None:
    return session.exec(select(Event).where(Event.title_vi == title)).first()


def load_demo(session: Session) -> DemoResult:
    """Create the demo accounts and events unless they exist (safe to run again)."""
    organiser, _ = ensure_organiser(
        session,
        email=DEMO_ORGANISER_EMAIL,
        password=DEMO_ORGANISER_PASSWORD,
        full_name="Phạm Thị Sen Quỳnh",
    )
    delegate = get_user_by_email(session, DEMO_DELEGATE_EMAIL) or create_user(
        session,
        data=UserCreate(
            email=DEMO_DELEGATE_EMAIL,
            full_name="Lã Minh Tuấn",
            password=DEMO_DELEGATE_PASSWORD,
            role=Role.delegate,
            locale="vi",
        ),
        actor_id=organiser.id,
    )
    created = False
    # The Hải Phòng day is played through with the clock of its time: registrations three
    # weeks before, requests and the schedule the week before, outcomes on the evening of
    # the day, so that nothing reads as sent after the event it was for.
    day = demo_day()
    hai_phong = _existing(session, HAI_PHONG_TITLE) or _existing(session, OLD_HAI_PHONG_TITLE)
    with clock_at(_at(day - timedelta(days=21), 9, 0)):
        if hai_phong is None:
            hai_phong = _hai_phong(session, organiser)
            created = True
        elif hai_phong.title_vi != HAI_PHONG_TITLE:
            # Demo databases from before the official name in the title.
            hai_phong.title_vi = HAI_PHONG_TITLE
            session.add(hai_phong)
            created = True
        # Delegations, participants and their offers and requests (app.demo.data), each row
        # created only if missing, so that a database from before them gets them too.
        if any(load_registrations(session, organiser=organiser, event=hai_phong).values()):
            created = True
    # Meeting requests, proposals and the booked B2B schedule (app.demo.meetings).
    with clock_at(_at(day - timedelta(days=8), 9, 0)):
        if any(load_meetings(session, organiser=organiser, event=hai_phong).values()):
            created = True
    # The day itself and after: check-ins, held meetings and no-shows, feedback, agreements.
    with clock_at(_at(day, 17, 30)):
        if any(load_outcomes(session, organiser=organiser, event=hai_phong).values()):
            created = True
    # Everyone without a demo login has a pending invitation (an e-mail in the outbox), so the
    # organiser's invitation column has real content; invited people are not invited again.
    from app.accounts.service import invite_all

    if invite_all(session, actor=organiser, event=hai_phong):
        created = True
    if hai_phong.status == EventStatus.registration_open.value:
        # Played through: registration is over, the published schedule was held.
        hai_phong.status = EventStatus.published.value
        session.add(hai_phong)
        created = True
    upcoming = _existing(session, UPCOMING_TITLE)
    if upcoming is None:
        upcoming = _upcoming(session, organiser)
        created = True
    # Its demand survey is open, with enterprises' answers on the board (app.demo.survey).
    if any(load_survey(session, organiser=organiser, event=upcoming).values()):
        created = True
    hanoi = _existing(session, HANOI_TITLE)
    if hanoi is None:
        hanoi = _hanoi(session, organiser)
        created = True
    ids = [pk(hai_phong), pk(upcoming), pk(hanoi)]
    return DemoResult(organiser, delegate, ids, created)


def _hai_phong(session: Session, organiser: User) -> Event:
    day = demo_day()
    event = events.create_event(
        session,
        actor=organiser,
        data=EventCreate(
            title_vi=HAI_PHONG_TITLE,
            title_en="Vietnam – Taiwan Technology Supply–Demand Connection Session",
            organiser_unit=(
                "Sở Khoa học và Công nghệ Hải Phòng · Cục Ứng dụng và Phát triển công nghệ"
            ),
            venue="Trung tâm Hội nghị thành phố Hải Phòng",
            address="Số 18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
            timezone="Asia/Ho_Chi_Minh",
            start_date=day,
            end_date=day,
            languages=["vi", "en", "zh"],
            registration_opens_at=_at(day - timedelta(days=64), 8, 0),
            registration_closes_at=_at(day - timedelta(days=11), 17, 0),
            slot_minutes=20,
            meeting_cap=8,
            booking_mode=BookingMode.organiser,
            status=EventStatus.registration_open,
            description_vi=(
                "Các tổ chức, doanh nghiệp cung cấp công nghệ đến từ Đài Loan (Trung Quốc) giới "
                "thiệu và tìm kiếm cơ hội hợp tác, giao thương với doanh nghiệp Việt Nam trong các "
                "lĩnh vực: công nghệ bán dẫn, Internet vạn vật (IoT), công nghệ sinh học, "
                "thủy sản, nông nghiệp, thực phẩm, máy nông nghiệp, năng lượng tái tạo, "
                "thiết bị, công cụ.\n"
                "Buổi chiều dành cho các cuộc gặp song phương (B2B) đã đặt lịch trước tại bàn đánh "
                "số, có phiên dịch Việt – Trung.\n越南—台灣技術供需對接會"
            ),
            description_en=(
                "Technology suppliers from Taiwan present their offers and look for cooperation "
                "with Vietnamese enterprises in semiconductors, IoT, biotechnology, aquaculture, "
                "agriculture, food, agricultural machinery, renewable energy, equipment and tools. "
                "The afternoon holds pre-arranged one-to-one (B2B) meetings at numbered tables, "
                "with Vietnamese–Chinese interpreters."
            ),
        ),
    )
    assert event.id is not None
    events.create_session(
        session,
        actor=organiser,
        event_id=event.id,
        data=SessionCreate(
            kind=SessionKind.plenary,
            title_vi="Khai mạc và giới thiệu công nghệ của đoàn doanh nghiệp Đài Loan (Trung Quốc)",
            title_en="Opening and technology presentations by the Taiwanese delegation",
            room="Hội trường A",
            starts_at=_at(day, 8, 30),
            ends_at=_at(day, 10, 0),
        ),
    )
    events.create_session(
        session,
        actor=organiser,
        event_id=event.id,
        data=SessionCreate(
            kind=SessionKind.exhibition,
            title_vi="Trưng bày công nghệ, thiết bị",
            title_en="Technology and equipment exhibition",
            room="Sảnh tầng 1",
            starts_at=_at(day, 10, 0),
            ends_at=_at(day, 11, 30),
        ),
    )
    events.create_session(
        session,
        actor=organiser,
        event_id=event.id,
        data=SessionCreate(
            kind=SessionKind.matchmaking,
            title_vi="Kết nối B2B: gặp gỡ song phương theo lịch hẹn",
            title_en="B2B matchmaking: pre-arranged one-to-one meetings",
            room="Phòng họp lớn tầng 2",
            starts_at=_at(day, 14, 0),
            ends_at=_at(day, 17, 0),
            slot_minutes=20,
            breaks=[
                BreakIn(
                    starts_at=_at(day, 15, 40),
                    ends_at=_at(day, 16, 0),
                    label="Tiệc trà giữa giờ",
                )
            ],
            table_count=15,
        ),
    )
    return event


def _upcoming(session: Session, organiser: User) -> Event:
    """A future event, open for registration now: the sign-up journey starts here."""
    today = datetime.now(ZONE).date()
    day = today + timedelta(days=DAYS_TO_UPCOMING)
    event = events.create_event(
        session,
        actor=organiser,
        data=EventCreate(
            title_vi=UPCOMING_TITLE,
            title_en=(
                "Hai Phong technology connection session: seafood processing and smart farming"
            ),
            organiser_unit="Sở Khoa học và Công nghệ Hải Phòng",
            venue="Trung tâm Hội nghị thành phố Hải Phòng",
            address="Số 18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
            timezone="Asia/Ho_Chi_Minh",
            start_date=day,
            end_date=day,
            languages=["vi", "en"],
            registration_opens_at=_at(today - timedelta(days=7), 8, 0),
            registration_closes_at=_at(day - timedelta(days=10), 17, 0),
            slot_minutes=20,
            meeting_cap=8,
            booking_mode=BookingMode.organiser,
            status=EventStatus.registration_open,
            description_vi=(
                "Doanh nghiệp chế biến thủy sản, hợp tác xã và nhà cung cấp công nghệ nông nghiệp "
                "thông minh gặp gỡ song phương (B2B): cảm biến, truy xuất nguồn gốc, bảo quản "
                "lạnh, xử lý nước nuôi trồng."
            ),
            description_en=(
                "Seafood processors, cooperatives and smart-farming technology suppliers meet "
                "one to one (B2B): sensors, traceability, cold storage, aquaculture water "
                "treatment."
            ),
        ),
    )
    events.create_session(
        session,
        actor=organiser,
        event_id=pk(event),
        data=SessionCreate(
            kind=SessionKind.matchmaking,
            title_vi="Kết nối B2B",
            title_en="B2B matchmaking",
            room="Phòng họp lớn tầng 2",
            starts_at=_at(day, 14, 0),
            ends_at=_at(day, 17, 0),
            slot_minutes=20,
            table_count=12,
        ),
    )
    return event


def _hanoi(session: Session, organiser: User) -> Event:
    day = date(2023, 11, 16)
    event = events.create_event(
        session,
        actor=organiser,
        data=EventCreate(
            title_vi=HANOI_TITLE,
            title_en=(
                "Connecting Hanoi's key industrial producers with research institutes and "
                "universities, 2023"
            ),
            organiser_unit="Sở Công Thương Hà Nội",
            venue="Hà Nội",
            start_date=day,
            end_date=day,
            languages=["vi"],
            slot_minutes=30,
            meeting_cap=6,
            status=EventStatus.closed,
            description_vi=(
                "196 sản phẩm của 132 doanh nghiệp được công nhận là sản phẩm công nghiệp chủ lực; "
                "gần 150 đề tài, công trình nghiên cứu, giải pháp khoa học được giới thiệu."
            ),
            description_en=(
                "196 products of 132 enterprises recognised as key industrial products; nearly "
                "150 research results and solutions presented."
            ),
        ),
    )
    assert event.id is not None
    events.create_session(
        session,
        actor=organiser,
        event_id=event.id,
        data=SessionCreate(
            kind=SessionKind.matchmaking,
            title_vi="Gặp gỡ doanh nghiệp – viện, trường",
            title_en="Enterprise – institute meetings",
            room="Hội trường",
            starts_at=_at(day, 13, 30),
            ends_at=_at(day, 16, 30),
            slot_minutes=30,
            table_count=10,
        ),
    )
    return event
