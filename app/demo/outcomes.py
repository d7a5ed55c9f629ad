"""The demo event the day after (loaded by ``ketnoi demo`` after the meetings): most people
checked in (a few delegation members did not come), most booked meetings held and the
rest no-shows, feedback from a share of the parties, and six agreements, some of them
signed at the ceremony, so that the organiser's report has content.

Everything goes through app.outcomes.service, like the desk and the pages. The demo event took
place a few days before the load (app.demo.demo_day); check-ins get the times of that
morning. Safe to run again: each step skips what already exists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.auth.models import User
from app.checkin import service as checkin_service
from app.events.models import Event, Slot
from app.meetings import queries as meeting_queries
from app.meetings.models import Meeting, MeetingRole, MeetingStatus
from app.outcomes import agreements as agreement_service
from app.outcomes import day as day_service
from app.outcomes import feedback as feedback_service
from app.outcomes.models import Agreement, AgreementKind, AgreementStatus, Currency, NextStep
from app.outcomes.schemas import AgreementCreate, FeedbackIn, PartyIn
from app.registration.models import ApprovalStatus, Organisation, Participant
from app.types import pk

COUNT_KEYS = ("checked_in", "held", "no_show", "feedback", "agreements")
NOT_ARRIVED_EVERY = 9  # about one approved person in nine stays away
FEEDBACK_EVERY = 2  # every other party of a held meeting answers
COMMENTS = (
    "Đối tác rất quan tâm đến giải pháp, hẹn gửi báo giá trong tuần.",
    "Useful meeting; we agreed to exchange technical documents.",
    "Cần thêm phiên dịch chuyên ngành cho buổi làm việc tiếp theo.",
    "",
)

# (kind, Vietnamese title, English title, countries of the parties, value, currency,
#  status, signed at the ceremony)
AGREEMENTS: tuple[
    tuple[
        AgreementKind, str, str, tuple[str, str], str | None, Currency | None, AgreementStatus, bool
    ],
    ...,
] = (
    (
        AgreementKind.mou,
        "Biên bản ghi nhớ hợp tác về tự động hoá dây chuyền đóng gói",
        "MoU on packaging line automation",
        ("TW", "VN"),
        None,
        None,
        AgreementStatus.signed,
        True,
    ),
    (
        AgreementKind.technology_transfer,
        "Hợp đồng chuyển giao công nghệ robot hàn",
        "Technology transfer contract for welding robots",
        ("JP", "VN"),
        "250000",
        Currency.USD,
        AgreementStatus.signed,
        True,
    ),
    (
        AgreementKind.supply_contract,
        "Hợp đồng cung ứng cảm biến IoT cho nhà máy thực phẩm",
        "Supply contract for IoT sensors in a food plant",
        ("KR", "VN"),
        "3500000000",
        Currency.VND,
        AgreementStatus.signed,
        True,
    ),
    (
        AgreementKind.nda,
        "Thoả thuận bảo mật thông tin kỹ thuật",
        "Non-disclosure agreement on technical information",
        ("TW", "VN"),
        None,
        None,
        AgreementStatus.signed,
        False,
    ),
    (
        AgreementKind.cooperation,
        "Thoả thuận hợp tác đào tạo kỹ sư cơ điện tử",
        "Cooperation agreement on mechatronics engineer training",
        ("JP", "VN"),
        None,
        None,
        AgreementStatus.in_progress,
        False,
    ),
    (
        AgreementKind.supply_contract,
        "Hợp đồng cung ứng khuôn mẫu chính xác",
        "Supply contract for precision moulds",
        ("TW", "VN"),
        "6800000",
        Currency.TWD,
        AgreementStatus.planned,
        False,
    ),
)


def load_outcomes(session: Session, *, organiser: User, event: Event) -> dict[str, int]:
    """Create what is missing of the demo's event day; return how many of each were made."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    event_id = pk(event)
    people = list(
        session.exec(
            select(Participant)
            .where(
                Participant.event_id == event_id,
                Participant.status == ApprovalStatus.approved.value,
            )
            .order_by(col(Participant.id))
        ).all()
    )
    if not people:
        return counts
    # The same people stay away on every run: delegation members, by position.
    away = {
        pk(p)
        for n, p in enumerate(q for q in people if q.delegation_id is not None)
        if n % NOT_ARRIVED_EVERY == 4
    }
    # Arrivals at the desk from 07:40 on the event's morning, one every ~25 seconds.
    zone = ZoneInfo(event.timezone)
    day: date = event.start_date
    opening = datetime(day.year, day.month, day.day, 7, 40, tzinfo=zone).astimezone(UTC)
    for n, person in enumerate(people):
        if pk(person) in away:
            continue
        result = checkin_service.check_in(
            session, actor=organiser, event_id=event_id, participant_id=pk(person)
        )
        if result.created:
            result.checkin.checked_in_at = opening + timedelta(seconds=25 * n + 7 * (n % 5))
            session.add(result.checkin)
        counts["checked_in"] += int(result.created)
    booked = session.exec(
        select(Meeting)
        .where(
            Meeting.event_id == event_id,
            col(Meeting.slot_id).is_not(None),
            # Proposals nobody confirmed were never arranged: they stay as they are.
            Meeting.status == MeetingStatus.confirmed.value,
        )
        .order_by(col(Meeting.id))
    ).all()
    for meeting in booked:
        parties = [
            p.participant_id
            for p in meeting_queries.meeting_people(session, pk(meeting))
            if p.role == MeetingRole.party.value
        ]
        missing = [pid for pid in parties if pid in away]
        outcome = "no_show" if missing else "held"
        slot = session.get(Slot, meeting.slot_id)
        assert slot is not None
        day_service.mark_meeting(
            session,
            actor=organiser,
            event_id=event_id,
            meeting_id=pk(meeting),
            outcome=outcome,
            absent_participant_ids=missing,
            # The demo plays the day through: each meeting is recorded as it ends.
            now=slot.ends_at,
        )
        counts[outcome] += 1
    counts["feedback"] = _feedback(session, event_id)
    counts["agreements"] = _agreements(session, organiser, event, people)
    session.flush()
    return counts


def _feedback(session: Session, event_id: int) -> int:
    made = 0
    held = session.exec(
        select(Meeting)
        .where(Meeting.event_id == event_id, Meeting.status == MeetingStatus.held.value)
        .order_by(col(Meeting.id))
    ).all()
    n = 0
    for meeting in held:
        for seat in meeting_queries.meeting_people(session, pk(meeting)):
            if seat.role != MeetingRole.party.value:
                continue
            n += 1
            if n % FEEDBACK_EVERY:
                continue
            if feedback_service.feedback_of(
                session, participant_id=seat.participant_id, meeting_id=pk(meeting)
            ):
                continue
            rating = (3, 4, 5, 4, 5, 2, 4)[n % 7]
            go_on = rating >= 4
            steps = [(NextStep.nda, NextStep.visit, NextStep.pilot, NextStep.contract)[n % 4]]
            data = FeedbackIn(
                meeting_id=pk(meeting),
                participant_id=seat.participant_id,
                held=True,
                rating=rating,
                wants_to_continue=go_on,
                next_steps=steps if go_on else [],
                comment=COMMENTS[n % len(COMMENTS)],
            )
            # As from the e-mail's signed link: no account needed, like most delegates.
            token = feedback_service.feedback_token(seat.participant_id, pk(meeting))
            feedback_service.submit_feedback(session, event_id=event_id, data=data, token=token)
            made += 1
    return made


def _agreements(session: Session, organiser: User, event: Event, people: list[Participant]) -> int:
    event_id = pk(event)
    existing = set(
        session.exec(select(Agreement.title_vi).where(Agreement.event_id == event_id)).all()
    )
    org_ids = sorted({p.organisation_id for p in people if p.organisation_id is not None})
    by_country: dict[str, list[Organisation]] = {}
    for org in session.exec(
        select(Organisation).where(col(Organisation.id).in_(org_ids)).order_by(col(Organisation.id))
    ):
        by_country.setdefault(org.country, []).append(org)
    made = 0
    used: dict[str, int] = {}
    day: date = event.start_date
    for kind, title_vi, title_en, countries, value, currency, status, ceremony in AGREEMENTS:
        parties = []
        for country in countries:
            choices = by_country.get(country) or by_country.get("VN") or []
            if not choices:
                break
            index = used.get(country, 0)
            used[country] = index + 1
            parties.append(choices[index % len(choices)])
        if title_vi in existing or len({pk(o) for o in parties}) < 2:
            continue
        signed = status in (AgreementStatus.signed, AgreementStatus.in_progress)
        data = AgreementCreate(
            kind=kind,
            title_vi=title_vi,
            title_en=title_en,
            signed_on=(day if ceremony else day + timedelta(days=3)) if signed else None,
            value=Decimal(value) if value else None,
            currency=currency,
            status=status,
            at_ceremony=ceremony,
            follow_up_status=(
                "Hai bên đang hoàn thiện phụ lục kỹ thuật."
                if status == AgreementStatus.in_progress
                else ""
            ),
            parties=[PartyIn(organisation_id=pk(o)) for o in parties],
        )
        agreement_service.create_agreement(session, actor=organiser, event_id=event_id, data=data)
        made += 1
    return made
