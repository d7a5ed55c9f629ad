"""The event day and what came of it. Services flush, never commit.

Functions for the pages and other modules (keyword arguments after the session; ``actor`` /
``viewer`` is the logged-in ``User``; errors are app.errors domain errors, mapped to
problem+json and HTML error pages):

Check-in (staff = the event's organisers, and approved participants of the event with the
role ``staff`` whose registration is linked to the account)
    ``can_check_in(session, user, event)`` → bool; ``check_in(session, actor=, event_id=,
    participant_id=None, code=None, method=CheckinMethod)`` → ``CheckinResult`` (``created``
    is False when the person was already in: nothing changes, the first time is returned);
    ``undo_check_in(session, actor=, event_id=, participant_id=)``;
    ``normalise_code(text)`` (what a scanner or a person typed → the stored code);
    ``search_for_checkin(session, actor=, event_id=, q=, limit=)`` → ``[SearchHit]``
    (accent-insensitive name / organisation search, or an exact code);
    ``arrivals(session, actor=, event_id=, day=None, now=None)`` → ``Arrivals`` (counts by
    delegation, and who has meetings that day but has not arrived);
    ``checked_in_map(session, event_id=)`` → {participant id: checked-in time}, no
    permission check (for the grid page's "not arrived" flags);
    ``person_card(session, participant)`` and ``agenda_items(session, event, participant)``.
On the day
    ``mark_meeting(session, actor=, event_id=, meeting_id=, outcome='held'|'no_show',
    absent_participant_ids=[], revision=None, now=None)`` → the ``Meeting`` (staff; only a
    confirmed meeting whose slot has started, its present parties checked in);
    ``replace_late_arrival(session, actor=, event_id=, participant_id=, now=)`` →
    ``LateArrival`` (organisers): the person's open meetings whose slot has started get a
    later slot from the scheduler; everything already under way stays put. Each missed
    meeting carries a ``reason``; ``LateArrival.reason`` says why nothing had to move.
    Moving a meeting to another table is ``app.meetings.service.update_meeting``.
Feedback
    ``submit_feedback(session, event_id=, data=FeedbackIn, actor=None, token=None, now=None)``
    → (row, created); ``list_feedback(session, viewer=, event_id=, meeting_id=,
    participant_id=, limit=, offset=)`` → (rows, total); ``feedback_of(session,
    participant_id=, meeting_id=)`` → row or None (to pre-fill a form);
    ``feedback_token(participant_id, meeting_id, now=)``, ``feedback_link(participant,
    meeting, now=)`` (``{base_url}/events/{event_id}/meetings/{meeting_id}/feedback?token=``:
    the page that shows the form without logging in), ``verify_feedback_token(token,
    now=)`` → ``FeedbackGrant``; ``send_feedback_requests(session, actor=, event_id=,
    session_id=)`` → ``FeedbackRequests`` (one e-mail per person with held meetings, once);
    ``sessions_due_for_feedback(session, now=)``.
Agreements
    ``list_agreements(session, viewer=, event_id=, status=, kind=, limit=, offset=)``,
    ``get_agreement``, ``create_agreement(..., data=AgreementCreate)``, ``update_agreement``,
    ``delete_agreement``, ``agreement_parties(session, agreement_id)`` →
    ``[PartyView]``, ``agreement_documents``; ``add_document(session, actor=, event_id=,
    agreement_id=, filename=, data=bytes)``; ``get_document(...)`` → (row, path);
    ``ceremony_list(session, event_id=)``; ``due_reminders(session, now=)`` and
    ``send_follow_up_reminders(session, now=)`` (3 and 6 months after signing, once each;
    the ``ketnoi remind`` command runs it); ``KIND_LABELS`` / ``STATUS_LABELS``.
Figures
    ``event_stats(session, event_id=)`` → ``EventStats`` (app.outcomes.stats; definitions
    there), ``require_stats(session, viewer=, event_id=)`` for the permission.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    Msg,
    NotFound,
    Unauthorized,
    _l,
)
from app.events import service as events
from app.events.models import (
    BookingMode,
    Event,
    EventOrganiser,
    EventSession,
    MeetingTable,
    SessionKind,
    Slot,
)
from app.i18n.words import status_word
from app.links import absolute_url
from app.matchmaking.vocab import Label
from app.meetings import service as meetings
from app.meetings.models import Meeting, MeetingParticipant, MeetingRole, MeetingStatus
from app.notifications.models import Outbox
from app.notifications.service import enqueue, render, text_to_html
from app.outcomes import documents as docs
from app.outcomes.models import (
    REMINDER_MONTHS,
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementReminder,
    AgreementStatus,
    Checkin,
    CheckinMethod,
    FeedbackRequest,
    MeetingFeedback,
)
from app.outcomes.schemas import AgreementCreate, AgreementUpdate, FeedbackIn, Outcome, PartyIn

# Part of this module's interface for the pages (defined beside the figures that use them).
from app.outcomes.stats import CeremonyItem as CeremonyItem
from app.outcomes.stats import DelegationArrivals as DelegationArrivals
from app.outcomes.stats import EventStats as EventStats
from app.outcomes.stats import ceremony_list as ceremony_list
from app.outcomes.stats import checked_in_map as checked_in_map
from app.outcomes.stats import delegation_arrivals as delegation_arrivals
from app.outcomes.stats import event_stats as event_stats
from app.registration import service as registration
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    ParticipantRole,
)
from app.scheduling import service as scheduling
from app.scheduling.domain import model as dm
from app.scheduling.domain.solver import solve
from app.scheduling.models import ScheduleRun
from app.settings import get_settings
from app.text import search_terms
from app.types import pk, utcnow

_OPEN = (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)
_BOOKED = (*_OPEN, MeetingStatus.held.value, MeetingStatus.no_show.value)

KIND_LABELS: dict[AgreementKind, Label] = {
    AgreementKind.mou: Label("Biên bản ghi nhớ (MoU)", "Memorandum of understanding (MoU)"),
    AgreementKind.nda: Label("Thoả thuận bảo mật (NDA)", "Non-disclosure agreement (NDA)"),
    AgreementKind.cooperation: Label("Thoả thuận hợp tác", "Cooperation agreement"),
    AgreementKind.supply_contract: Label("Hợp đồng cung ứng", "Supply contract"),
    AgreementKind.technology_transfer: Label(
        "Hợp đồng chuyển giao công nghệ", "Technology transfer contract"
    ),
}
STATUS_LABELS: dict[AgreementStatus, Label] = {
    AgreementStatus.planned: Label("Dự kiến", "Planned"),
    AgreementStatus.signed: Label("Đã ký", "Signed"),
    AgreementStatus.in_progress: Label("Đang triển khai", "In progress"),
    AgreementStatus.completed: Label("Hoàn thành", "Completed"),
    AgreementStatus.cancelled: Label("Đã hủy", "Cancelled"),
}
# Statuses that say the agreement exists on paper: they need a signing date and get
# follow-up reminders (completed ones need no more follow-up).
_SIGNED = (AgreementStatus.signed, AgreementStatus.in_progress, AgreementStatus.completed)
_FOLLOWED_UP = (AgreementStatus.signed.value, AgreementStatus.in_progress.value)

FEEDBACK_LINK_DAYS = 60
_NEVER = datetime.max.replace(tzinfo=UTC)
FEEDBACK_REQUEST_WINDOW = timedelta(days=30)


# ---- people -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCard:
    """What staff need to recognise a person at the desk."""

    id: int
    full_name: str
    name_local: str
    position: str
    organisation_name: str
    country: str
    role: str
    status: str
    delegation_id: int | None
    delegation_name: str


def person_card(session: Session, participant: Participant) -> PersonCard:
    name, country = registration.organisation_display(session, participant)
    delegation = (
        session.get(Delegation, participant.delegation_id) if participant.delegation_id else None
    )
    return PersonCard(
        id=pk(participant),
        full_name=participant.full_name,
        name_local=participant.name_local,
        position=participant.position,
        organisation_name=name,
        country=country,
        role=participant.role,
        status=participant.status,
        delegation_id=participant.delegation_id,
        delegation_name=delegation.name if delegation else "",
    )


@dataclass(frozen=True)
class AgendaItem:
    meeting_id: int
    status: str
    starts_at: datetime | None  # in the event's time zone
    table_number: int | None
    counterpart: str


def agenda_items(session: Session, event: Event, participant: Participant) -> list[AgendaItem]:
    """The person's active meetings in time order, for the desk ("table 7 at 14:20")."""
    zone = events.event_zone(event)
    out = []
    for meeting in meetings.participant_agenda(
        session, event_id=pk(event), participant_id=pk(participant)
    ):
        slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
        table = session.get(MeetingTable, meeting.table_id) if meeting.table_id else None
        others = [
            p.participant_id
            for p in meetings.meeting_people(session, pk(meeting))
            if p.role == MeetingRole.party.value and p.participant_id != participant.id
        ]
        names = [
            row.full_name
            for row in session.exec(select(Participant).where(col(Participant.id).in_(others)))
        ]
        out.append(
            AgendaItem(
                meeting_id=pk(meeting),
                status=meeting.status,
                starts_at=slot.starts_at.astimezone(zone) if slot else None,
                table_number=table.number if table else None,
                counterpart=", ".join(sorted(names)),
            )
        )
    return out


# ---- check-in -----------------------------------------------------------------------------


def can_check_in(session: Session, user: User | None, event: Event) -> bool:
    """The event's organisers, and its approved staff (role ``staff``) with an account: the
    people at the registration desk and in the meeting hall."""
    if user is None or not user.is_active:
        return False
    if events.can_manage(session, user, event):
        return True
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    return (
        own is not None
        and own.role == ParticipantRole.staff.value
        and own.status == ApprovalStatus.approved.value
        and registration.is_self(own, user)
    )


def _staff_event(session: Session, actor: User | None, event_id: int) -> Event:
    if actor is None:
        raise Unauthorized()
    event = events.get_event(session, event_id, viewer=actor)
    if not can_check_in(session, actor, event):
        # A staff member of the event sees its draft too? No: a draft has no desk yet.
        raise Forbidden("Only the event's organisers and staff can check people in")
    return event


_CODE_NOISE = re.compile(r"[\s\-_.·–—]+")


def normalise_code(text: str) -> str:
    """'abcd-2345', ' ABCD 2345 ' and a scanned URL ending in ?code=ABCD2345 are one code.
    Scanners type what the QR holds (the bare code on our agendas); people type in groups."""
    value = text.strip()
    if "://" in value or value.startswith("/"):
        parts = urlsplit(value)
        query = parse_qs(parts.query)
        value = (query.get("code") or [parts.path.rstrip("/").rsplit("/", 1)[-1]])[0]
    return _CODE_NOISE.sub("", value).upper()


@dataclass(frozen=True)
class CheckinResult:
    checkin: Checkin
    participant: Participant
    created: bool  # False: they were already checked in; nothing changed


def _code_not_found(raw: str) -> DomainError:
    return DomainError(
        detail=_l("no participant of this event has the code '{value}'", value=raw.strip()[:40]),
        status=404,
        title="Not found",
        type_slug="not-found",
        errors=[FieldError("code", "unknown code: check it against the printed agenda")],
    )


def find_by_code(session: Session, *, event_id: int, code: str) -> Participant:
    wanted = normalise_code(code)
    if not wanted:
        raise Invalid("code", "type or scan the code printed on the agenda")
    found = session.exec(
        select(Participant).where(Participant.event_id == event_id, Participant.code == wanted)
    ).first()
    if found is None:
        raise _code_not_found(code)
    return found


def check_in(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int | None = None,
    code: str | None = None,
    method: CheckinMethod = CheckinMethod.code,
) -> CheckinResult:
    """Check a person in by the code of their agenda or by id. Checking in twice is
    harmless: the first check-in stands and is returned (``created`` False)."""
    _staff_event(session, actor, event_id)
    if (code is None) == (participant_id is None):
        field_name = "code" if code is None else "participant_id"
        raise Invalid(field_name, "give either the code of the agenda or a participant_id")
    if code is not None:
        person = find_by_code(session, event_id=event_id, code=code)
    else:
        assert participant_id is not None
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
    if person.status != ApprovalStatus.approved.value:
        raise Conflict(
            _l(
                "{person_full_name}'s registration is {person_status}, not approved: "
                "the organisers decide on it before check-in",
                person_full_name=person.full_name,
                person_status=status_word(person.status),
            ),
            [FieldError("status", person.status)],
        )
    existing = session.get(Checkin, pk(person))
    if existing is not None:
        return CheckinResult(existing, person, created=False)
    row = Checkin(
        participant_id=pk(person),
        event_id=event_id,
        checked_in_at=utcnow(),
        by_user_id=actor.id,
        method=CheckinMethod(method).value,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Two desks scanned the same agenda at once: the other one won; report theirs.
        winner = session.get(Checkin, pk(person), populate_existing=True)
        if winner is None:
            raise
        return CheckinResult(winner, person, created=False)
    record(
        session,
        actor_id=actor.id,
        action="participant.check_in",
        entity="participant",
        entity_id=person.id,
        event_id=event_id,
        changes={"checked_in_at": [None, row.checked_in_at], "method": [None, row.method]},
    )
    session.flush()
    return CheckinResult(row, person, created=True)


def undo_check_in(session: Session, *, actor: User, event_id: int, participant_id: int) -> None:
    """Take back a check-in made by mistake (the wrong person scanned)."""
    _staff_event(session, actor, event_id)
    person = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    row = session.get(Checkin, pk(person))
    if row is None:
        raise NotFound("Check-in of participant", participant_id)
    record(
        session,
        actor_id=actor.id,
        action="participant.undo_check_in",
        entity="participant",
        entity_id=person.id,
        event_id=event_id,
        changes={"checked_in_at": [row.checked_in_at, None]},
    )
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class SearchHit:
    participant: PersonCard
    checked_in_at: datetime | None


def search_for_checkin(
    session: Session, *, actor: User, event_id: int, q: str, limit: int = 20
) -> list[SearchHit]:
    """People of the event whose name, position or organisation contains every word of
    ``q`` with or without accents ('nguyen thi hoa' finds 'Nguyễn Thị Hoa'), or whose code
    is ``q``. Every approval status is listed (the desk sees why someone cannot check in)."""
    _staff_event(session, actor, event_id)
    terms = search_terms(q)
    if not terms:
        return []
    code = normalise_code(q)
    query = select(Participant).where(Participant.event_id == event_id)
    for term in terms:
        query = query.where(col(Participant.search_text).contains(term, autoescape=True))
    rows = list(session.exec(query.order_by(col(Participant.full_name)).limit(limit)).all())
    by_code = session.exec(
        select(Participant).where(Participant.event_id == event_id, Participant.code == code)
    ).first()
    if by_code is not None and by_code not in rows:
        rows.insert(0, by_code)
    arrived = checked_in_map(session, event_id=event_id)
    from app.meetings import readmodel  # organisations and delegations of the hits at once

    loaded = readmodel.load_people(session, [pk(p) for p in rows[:limit]])  # held below
    hits = [SearchHit(person_card(session, p), arrived.get(pk(p))) for p in rows[:limit]]
    del loaded
    return hits


@dataclass(frozen=True)
class MissingPerson:
    participant_id: int
    full_name: str
    organisation_name: str
    delegation_id: int | None
    delegation_name: str
    meetings_today: int
    first_meeting_at: datetime | None


@dataclass(frozen=True)
class Arrivals:
    day: date
    total: int  # approved participants
    arrived: int
    by_delegation: list[DelegationArrivals]
    missing_with_meetings: list[MissingPerson]


def event_day(event: Event, now: datetime | None = None) -> date:
    """Today in the event's time zone while the event runs, else its first day."""
    today = (now or utcnow()).astimezone(events.event_zone(event)).date()
    return today if event.start_date <= today <= event.end_date else event.start_date


def arrivals(
    session: Session,
    *,
    actor: User,
    event_id: int,
    day: date | None = None,
    now: datetime | None = None,
) -> Arrivals:
    """Who has arrived, by delegation, and who has not but has meetings on ``day`` (default:
    ``event_day``), earliest first: the organisers fill or move those tables."""
    event = _staff_event(session, actor, event_id)
    day = day or event_day(event, now)
    zone = events.event_zone(event)
    by_delegation = delegation_arrivals(session, event_id=event_id)
    arrived = checked_in_map(session, event_id=event_id)
    rows = session.exec(
        select(MeetingParticipant.participant_id, Slot.starts_at)
        .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .join(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
        .where(
            Meeting.event_id == event_id,
            col(Meeting.status).in_(_OPEN),
            Participant.status == ApprovalStatus.approved.value,
        )
    ).all()
    today: dict[int, list[datetime]] = defaultdict(list)
    for pid, starts_at in rows:
        if pid not in arrived and starts_at.astimezone(zone).date() == day:
            today[pid].append(starts_at)
    people = {
        pk(p): p
        for p in session.exec(select(Participant).where(col(Participant.id).in_(list(today))))
    }
    missing = []
    for pid, times in today.items():
        card = person_card(session, people[pid])
        missing.append(
            MissingPerson(
                participant_id=pid,
                full_name=card.full_name,
                organisation_name=card.organisation_name,
                delegation_id=card.delegation_id,
                delegation_name=card.delegation_name,
                meetings_today=len(times),
                first_meeting_at=min(times).astimezone(zone),
            )
        )
    missing.sort(key=lambda m: (m.first_meeting_at or _NEVER, m.full_name))
    return Arrivals(
        day=day,
        total=sum(d.total for d in by_delegation),
        arrived=sum(d.arrived for d in by_delegation),
        by_delegation=by_delegation,
        missing_with_meetings=missing,
    )


# ---- on the day ---------------------------------------------------------------------------


def mark_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    outcome: Outcome | str,
    absent_participant_ids: Sequence[int] = (),
    revision: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Staff record a booked meeting as held (everyone present but the listed absentees) or
    as a no-show (naming who did not come: at least one party). The meeting keeps its slot
    and table and stays in the history and the figures.

    Only what can have happened is recorded: the meeting's slot has started (``now``), it
    was confirmed by its parties, and every party recorded as present has checked in (a
    no-show's absentees need not have). Interpreters and colleagues who have not checked in
    and are not named absent are recorded as neither present nor absent: only people who
    were seen count as present, only people named count as absent."""
    event = _staff_event(session, actor, event_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != pk(event):
        raise NotFound("Meeting", meeting_id)
    outcome = Outcome(outcome)
    people = meetings.meeting_people(session, meeting_id)
    ids = {p.participant_id for p in people}
    absent = list(dict.fromkeys(absent_participant_ids))
    for i, pid in enumerate(absent):
        if pid not in ids:
            raise Invalid(
                f"absent_participant_ids[{i}]", _l("{pid} is not a person of this meeting", pid=pid)
            )
    parties = {p.participant_id for p in people if p.role == MeetingRole.party.value}
    absent_parties = parties & set(absent)
    if outcome == Outcome.no_show and not absent_parties:
        raise Invalid(
            "absent_participant_ids", "name the party or parties who did not come to the meeting"
        )
    if outcome == Outcome.held and len(parties - absent_parties) < 2:
        raise Invalid(
            "absent_participant_ids",
            "a meeting with fewer than two of its parties present was not held: record a no-show",
        )
    if meeting.status == MeetingStatus.proposed.value:
        raise Conflict(
            "this meeting was proposed and never confirmed by its parties: it cannot have "
            "been held or missed",
            [FieldError("status", "proposed")],
        )
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    if slot is not None and slot.starts_at > (now or utcnow()):
        local = slot.starts_at.astimezone(events.event_zone(event))
        raise Conflict(
            _l(
                "this meeting starts at {time}: record it once it has started",
                time=f"{local:%d/%m/%Y %H:%M}",
            ),
            [FieldError("slot_id", _l("the meeting has not started yet"))],
        )
    arrived = set(
        session.exec(select(Checkin.participant_id).where(col(Checkin.participant_id).in_(ids)))
    )
    missing = sorted(parties - set(absent) - arrived)
    if missing:
        names = ", ".join(
            p.full_name
            for p in session.exec(select(Participant).where(col(Participant.id).in_(missing)))
        )
        raise Conflict(
            _l(
                "{names} has not checked in: check them in first, or record them as absent",
                names=names,
            ),
            [FieldError("absent_participant_ids", _l("not checked in: {names}", names=names))],
        )
    unknown = {p.participant_id for p in people} - parties - set(absent) - arrived
    status = MeetingStatus.held if outcome == Outcome.held else MeetingStatus.no_show
    return meetings.set_attendance(
        session,
        actor=actor,
        meeting=meeting,
        status=status,
        absent_ids=absent,
        unknown_ids=unknown,
        revision=revision,
    )


@dataclass(frozen=True)
class Replaced:
    meeting_id: int
    slot_id: int | None  # None: no later slot was free for everyone; the meeting is unplaced
    table_id: int | None
    starts_at: datetime | None  # in the event's time zone
    table_number: int | None
    was_at: datetime | None = None  # the missed slot's start, in the event's time zone
    # Why it is where it is: "placed" (a later slot), "session_over" (no slot of its session
    # starts after now), "no_common_slot" (later slots exist, none free for everyone in it).
    reason: str = "placed"


# Why a late arrival re-placed nothing at all (LateArrival.reason).
LATE_NOTHING_STARTED = "nothing_started"  # their booked meetings are all still to come
LATE_NO_MEETINGS = "no_booked_meetings"  # they have no booked meeting still to hold


@dataclass(frozen=True)
class LateArrival:
    participant_id: int
    replaced: list[Replaced]
    changed: int  # meetings whose slot or table changed, the late person's included
    run_ids: list[int] = field(default_factory=list)
    reason: str = ""  # set when no meeting had to be re-placed (LATE_* above)

    @property
    def unplaced(self) -> list[int]:
        return [r.meeting_id for r in self.replaced if r.slot_id is None]


def _late_problem(problem: dm.Problem, *, started: frozenset[int], missed: set[str]) -> dm.Problem:
    """The session's problem with the clock applied: meetings already under way or past
    (placed in a started slot) stay where they are; everything else, the missed meetings
    included, may only take slots that have not started."""
    later = frozenset(range(len(problem.slots))) - started
    placed = {p.meeting: p for p in problem.current}
    out_meetings = []
    for index, meeting in enumerate(problem.meetings):
        here = placed.get(index)
        if meeting.lock is not None:
            out_meetings.append(meeting)
        elif meeting.id not in missed and here is not None and here.slot in started:
            out_meetings.append(replace(meeting, lock=dm.Lock(here.slot, here.table)))
        else:
            allowed = later if meeting.allowed_slots is None else meeting.allowed_slots & later
            out_meetings.append(replace(meeting, allowed_slots=allowed))
    current = tuple(p for p in problem.current if problem.meetings[p.meeting].id not in missed)
    return replace(problem, meetings=tuple(out_meetings), current=current)


def replace_late_arrival(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int,
    now: datetime | None = None,
    time_limit_s: float = scheduling.DEFAULT_TIME_LIMIT_S,
) -> LateArrival:
    """Someone arrives after some of their meetings should have started: those meetings
    (still proposed or confirmed, in a slot that has started) are given later slots by the
    scheduler, which keeps everything else where it is unless a move places more meetings;
    meetings under way are never moved, and nothing is placed in a slot that has started.
    A meeting with no common later slot is unplaced (the organisers see it in the list of
    unscheduled meetings). Organisers only, like every scheduler run; e-mails as for a run."""
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    person = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    if person.status != ApprovalStatus.approved.value:
        raise Conflict(
            _l(
                "{person_full_name}'s registration is {person_status}, not approved",
                person_full_name=person.full_name,
                person_status=status_word(person.status),
            ),
            [FieldError("status", person.status)],
        )
    now = now or utcnow()
    missed_rows = session.exec(
        select(Meeting)
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(
            Meeting.event_id == event_id,
            col(Meeting.status).in_(_OPEN),
            col(Meeting.id).in_(
                select(MeetingParticipant.meeting_id).where(
                    MeetingParticipant.participant_id == participant_id
                )
            ),
            col(Slot.starts_at) <= now,
        )
        .order_by(col(Slot.starts_at), col(Meeting.id))
    ).all()
    missed = list(missed_rows)
    zone = events.event_zone(event)
    was_at = {}
    for meeting in missed:
        slot = session.get(Slot, meeting.slot_id)
        was_at[pk(meeting)] = slot.starts_at.astimezone(zone) if slot else None
    changed = 0
    run_ids: list[int] = []
    notify = (
        event.booking_mode == BookingMode.self_service.value
        or event.schedule_published_at is not None
    )
    for session_id in sorted({m.session_id for m in missed if m.session_id is not None}):
        row = scheduling.matchmaking_session(session, event_id=event_id, session_id=session_id)
        built = scheduling.build_problem(session, event=event, session_row=row)
        slot_keys = [s.id for s in built.problem.slots]
        started = frozenset(
            i for i, key in enumerate(slot_keys) if built.slots[key].starts_at <= now
        )
        keys = {f"m{pk(m)}" for m in missed if m.session_id == session_id}
        problem = _late_problem(built.problem, started=started, missed=keys)
        solution = solve(problem, time_limit_s=time_limit_s)
        placed = {a.meeting: a for a in solution.assignments}
        moves: list[tuple[Meeting, Slot | None, int | None]] = []
        for key, meeting in built.meetings.items():
            a = placed.get(key)
            slot = built.slots[a.slot] if a else None
            table_id = pk(built.tables[a.table]) if a else None
            if (meeting.slot_id, meeting.table_id) != (pk(slot) if slot else None, table_id):
                moves.append((meeting, slot, table_id))
        changed += meetings.apply_placements(
            session, actor=actor, event=event, moves=moves, notify=notify, action="meeting.late"
        )
        stats = solution.to_dict()["stats"]
        stats.update(meetings=len(built.meetings), changes=len(moves), late_participant=person.id)
        run = ScheduleRun(
            event_id=event_id,
            session_id=session_id,
            applied=True,
            time_limit_s=time_limit_s,
            stats=stats,
            unscheduled=[
                {"meeting_id": pk(built.meetings[k]), "code": "late_arrival"}
                for k in solution.unscheduled
                if k in keys
            ],
            created_by_id=actor.id,
        )
        session.add(run)
        session.flush()
        run_ids.append(pk(run))
    replaced = []
    for meeting in missed:
        session.refresh(meeting)
        slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
        table = session.get(MeetingTable, meeting.table_id) if meeting.table_id else None
        replaced.append(
            Replaced(
                meeting_id=pk(meeting),
                slot_id=meeting.slot_id,
                table_id=meeting.table_id,
                starts_at=slot.starts_at.astimezone(zone) if slot else None,
                table_number=table.number if table else None,
                was_at=was_at.get(pk(meeting)),
                reason="placed" if slot else _why_unplaced(session, meeting, now),
            )
        )
    reason = ""
    if not missed:
        agenda = meetings.participant_agenda(session, event_id=event_id, participant_id=pk(person))
        to_come = [m for m in agenda if m.slot_id is not None and m.status in _OPEN]
        reason = LATE_NOTHING_STARTED if to_come else LATE_NO_MEETINGS
    record(
        session,
        actor_id=actor.id,
        action="participant.late_arrival",
        entity="participant",
        entity_id=person.id,
        event_id=event_id,
        changes={
            "meetings": [None, [r.meeting_id for r in replaced]],
            "changed": [None, changed],
            "now": [None, now],
        },
    )
    session.flush()
    return LateArrival(pk(person), replaced, changed, run_ids, reason)


def _why_unplaced(session: Session, meeting: Meeting, now: datetime) -> str:
    later = session.exec(
        select(func.count())
        .select_from(Slot)
        .where(Slot.session_id == meeting.session_id, col(Slot.starts_at) > now)
    ).one()
    return "no_common_slot" if later else "session_over"


# ---- feedback -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackGrant:
    participant_id: int
    meeting_id: int
    expires_at: datetime


def _feedback_mac(participant_id: int, meeting_id: int, expires: int) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    message = f"feedback|{participant_id}|{meeting_id}|{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def feedback_token(participant_id: int, meeting_id: int, *, now: datetime | None = None) -> str:
    """A token that lets one person give feedback on one meeting for 60 days, without an
    account: '<participant>.<meeting>.<expiry>.<HMAC-SHA256 with the secret key>'."""
    expires = int(((now or utcnow()) + timedelta(days=FEEDBACK_LINK_DAYS)).timestamp())
    mac = _feedback_mac(participant_id, meeting_id, expires)
    return f"{participant_id}.{meeting_id}.{expires}.{mac}"


def feedback_path(event_id: int, meeting_id: int) -> str:
    return f"/events/{event_id}/meetings/{meeting_id}/feedback"


def feedback_link(
    participant: Participant, meeting: Meeting, *, now: datetime | None = None
) -> str:
    token = feedback_token(pk(participant), pk(meeting), now=now)
    return absolute_url(feedback_path(participant.event_id, pk(meeting)), token=token)


def _bad_token(message: str) -> DomainError:
    return DomainError(
        detail=_l("the feedback link {message}; ask the organisers for a new one", message=message),
        status=403,
        title="Forbidden",
        type_slug="forbidden",
        errors=[FieldError("token", message)],
    )


def verify_feedback_token(token: str, *, now: datetime | None = None) -> FeedbackGrant:
    parts = token.strip().split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
        raise _bad_token(_l("is not valid"))
    participant_id, meeting_id, expires = (int(p) for p in parts[:3])
    if not hmac.compare_digest(_feedback_mac(participant_id, meeting_id, expires), parts[3]):
        raise _bad_token(_l("is not valid"))
    try:
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        raise _bad_token(_l("is not valid")) from None
    if (now or utcnow()) >= expires_at:
        raise _bad_token(_l("has expired"))
    return FeedbackGrant(participant_id, meeting_id, expires_at)


def feedback_of(
    session: Session, *, participant_id: int, meeting_id: int
) -> MeetingFeedback | None:
    return session.exec(
        select(MeetingFeedback).where(
            MeetingFeedback.participant_id == participant_id,
            MeetingFeedback.meeting_id == meeting_id,
        )
    ).first()


def _acted_for_ids(session: Session, user: User, event: Event) -> set[int]:
    """The registrations the user acts for in the event: their own and, for a delegation
    head, the delegation's members."""
    ids: set[int] = set()
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    if own is not None and registration.is_self(own, user):
        ids.add(pk(own))
    headed = select(Delegation.id).where(
        Delegation.event_id == pk(event), Delegation.head_user_id == user.id
    )
    ids.update(
        session.exec(select(Participant.id).where(col(Participant.delegation_id).in_(headed))).all()  # type: ignore[arg-type]
    )
    return ids


def submit_feedback(
    session: Session,
    *,
    event_id: int,
    data: FeedbackIn,
    actor: User | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> tuple[MeetingFeedback, bool]:
    """A person of the meeting (or whoever acts for them; or anyone holding the signed link
    of the feedback e-mail) says whether it was held, rates it and says whether to go on.
    Giving it again updates it. Returns (row, created)."""
    if token is not None:
        grant = verify_feedback_token(token, now=now)
        for name, given, granted in (
            ("meeting_id", data.meeting_id, grant.meeting_id),
            ("participant_id", data.participant_id, grant.participant_id),
        ):
            if given is not None and given != granted:
                raise _bad_token(_l("is for another {what}", what=Msg(name.removesuffix("_id"))))
        event = events.get_event(session, event_id, viewer=actor)
        meeting_id, participant_id = grant.meeting_id, grant.participant_id
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
    else:
        if actor is None:
            raise Unauthorized()
        event = events.get_event(session, event_id, viewer=actor)
        if data.participant_id is None:
            own = registration.participant_for_user(session, event_id=event_id, user=actor)
            if own is None:
                if events.can_manage(session, actor, event):
                    raise Invalid("participant_id", "say whose feedback this is")
                raise Forbidden("Only the people of a meeting can give feedback on it")
            person = own
        else:
            person = registration.get_participant(
                session, event_id=event_id, participant_id=data.participant_id
            )
        registration.require_act_for(session, actor, event, person)
        if data.meeting_id is None:
            raise Invalid("meeting_id", "say which meeting the feedback is about")
        meeting_id = data.meeting_id
        participant_id = pk(person)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != pk(event):
        raise NotFound("Meeting", meeting_id)
    if session.get(MeetingParticipant, (meeting_id, participant_id)) is None:
        raise Invalid(
            "participant_id",
            _l(
                "{person_full_name} is not a person of this meeting",
                person_full_name=person.full_name,
            ),
        )
    if meeting.status == MeetingStatus.cancelled.value:
        raise Conflict("the meeting was cancelled", [FieldError("meeting_id", "cancelled")])
    if meeting.slot_id is None:
        raise Conflict(
            "the meeting has no time yet; give feedback after it",
            [FieldError("meeting_id", "not booked")],
        )
    if not data.held and data.rating is not None:
        raise Invalid("rating", "a meeting that did not take place cannot be rated")
    if data.next_steps and not data.wants_to_continue:
        raise Invalid("next_steps", "next steps go with wanting to continue")
    values: dict[str, Any] = {
        "held": data.held,
        "rating": data.rating,
        "wants_to_continue": data.wants_to_continue,
        "next_steps": [s.value for s in data.next_steps],
        "comment": data.comment,
    }
    by = actor.id if actor is not None and token is None else None
    row = feedback_of(session, participant_id=participant_id, meeting_id=meeting_id)
    created = row is None
    if row is None:
        row = MeetingFeedback(
            event_id=pk(event),
            meeting_id=meeting_id,
            participant_id=participant_id,
            submitted_by_id=by,
            **values,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            # The same form sent twice at once: the other one created it; update that one.
            winner = feedback_of(session, participant_id=participant_id, meeting_id=meeting_id)
            if winner is None:
                raise
            row, created = winner, False
    before = {} if created else {k: getattr(row, k) for k in values}
    if not created:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        row.submitted_by_id = by
        session.add(row)
    changes = diff(before, values)
    if created or changes:
        record(
            session,
            actor_id=by,
            action="feedback.create" if created else "feedback.update",
            entity="meeting_feedback",
            entity_id=row.id,
            event_id=pk(event),
            changes={**changes, "meeting_id": [None, meeting_id], "via_link": [None, by is None]},
        )
    session.flush()
    return row, created


def list_feedback(
    session: Session,
    *,
    viewer: User,
    event_id: int,
    meeting_id: int | None = None,
    participant_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MeetingFeedback], int]:
    """Organisers read every answer; others the answers of the people they act for."""
    event = events.get_event(session, event_id, viewer=viewer)
    query = select(MeetingFeedback).where(MeetingFeedback.event_id == event_id)
    if not events.can_manage(session, viewer, event):
        mine = _acted_for_ids(session, viewer, event)
        if not mine:
            raise Forbidden("Only the organisers and the people of a meeting can read feedback")
        query = query.where(col(MeetingFeedback.participant_id).in_(mine))
    if meeting_id is not None:
        query = query.where(MeetingFeedback.meeting_id == meeting_id)
    if participant_id is not None:
        query = query.where(MeetingFeedback.participant_id == participant_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(MeetingFeedback.meeting_id), col(MeetingFeedback.participant_id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


@dataclass(frozen=True)
class FeedbackRequests:
    queued: int  # e-mails added to the outbox now
    already_sent: int  # people who had theirs after an earlier run
    without_email: int  # people with held meetings but no e-mail address


def send_feedback_requests(
    session: Session,
    *,
    event_id: int,
    session_id: int,
    actor: User | None = None,
    now: datetime | None = None,
) -> FeedbackRequests:
    """E-mail everyone who was present at a held meeting of the session one message with a
    feedback link per meeting. Once per person and session, whoever runs it (organisers
    from the page, ``ketnoi remind`` without an actor)."""
    if actor is not None:
        event = events.get_event(session, event_id, viewer=actor)
        events.require_manage(session, actor, event)
    else:
        found = session.get(Event, event_id)
        if found is None:
            raise NotFound("Event", event_id)
        event = found
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    held = session.exec(
        select(Meeting, MeetingParticipant)
        .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
        .where(
            Meeting.session_id == pk(row),
            Meeting.status == MeetingStatus.held.value,
            col(MeetingParticipant.attendance).is_distinct_from("absent"),
        )
    ).all()
    per_person: dict[int, list[Meeting]] = defaultdict(list)
    for meeting, mp in held:
        per_person[mp.participant_id].append(meeting)
    sent = set(
        session.exec(
            select(FeedbackRequest.participant_id).where(FeedbackRequest.session_id == pk(row))
        ).all()
    )
    queued = already = without = 0
    for person in session.exec(
        select(Participant)
        .where(col(Participant.id).in_(list(per_person)))
        .order_by(col(Participant.id))
    ).all():
        if pk(person) in sent:
            already += 1
            continue
        if not person.email:
            without += 1
            continue
        theirs = {pk(m): m for m in per_person[pk(person)]}
        items = [
            {
                "counterpart": item.counterpart,
                "starts_at": item.starts_at,
                "table_number": item.table_number,
                "link": feedback_link(person, theirs[item.meeting_id], now=now),
            }
            for item in agenda_items(session, event, person)
            if item.meeting_id in theirs
        ]
        try:
            with session.begin_nested():
                session.add(
                    FeedbackRequest(
                        participant_id=pk(person),
                        session_id=pk(row),
                        meeting_count=len(items),
                        sent_at=now or utcnow(),
                    )
                )
                session.flush()
                enqueue(
                    session,
                    kind="feedback_request",
                    to_participant=person,
                    event=event,
                    context={
                        "meetings": items,
                        "session_title_vi": row.title_vi,
                        "session_title_en": row.title_en or row.title_vi,
                    },
                )
                session.flush()
        except IntegrityError:
            already += 1  # a concurrent run sent this one
            continue
        queued += 1
    if queued:
        record(
            session,
            actor_id=actor.id if actor else None,
            action="feedback.request",
            entity="event_session",
            entity_id=pk(row),
            event_id=event_id,
            changes={"queued": [None, queued]},
        )
    session.flush()
    return FeedbackRequests(queued, already, without)


def sessions_due_for_feedback(
    session: Session, *, now: datetime | None = None
) -> list[EventSession]:
    """Matchmaking sessions that ended within the last 30 days and have held meetings."""
    now = now or utcnow()
    held = select(Meeting.session_id).where(Meeting.status == MeetingStatus.held.value)
    return list(
        session.exec(
            select(EventSession)
            .where(
                EventSession.kind == SessionKind.matchmaking.value,
                col(EventSession.ends_at) <= now,
                col(EventSession.ends_at) > now - FEEDBACK_REQUEST_WINDOW,
                col(EventSession.id).in_(held),
            )
            .order_by(col(EventSession.id))
        ).all()
    )


# ---- agreements ---------------------------------------------------------------------------


def _viewer_scope(session: Session, user: User, event: Event) -> tuple[set[int], set[int]]:
    """(organisation ids, participant ids) whose agreements the user may read: those of the
    approved registrations the user acts for (their own; a delegation head's members).

    Only approved ones: a registration names its organisation, and a pending one (a person's
    own, or a member a head added) names whatever its author typed. The organisers decide
    who represents an organisation when they approve the registration, and after that only
    they can change its organisation (registration.update_participant)."""
    people = _acted_for_ids(session, user, event)
    rows = session.exec(
        select(Participant.id, Participant.organisation_id).where(
            col(Participant.id).in_(people),
            Participant.status == ApprovalStatus.approved.value,
        )
    ).all()
    return {org for _, org in rows if org is not None}, {pid for pid, _ in rows if pid is not None}


def _party_rows(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[AgreementParty]]:
    out: dict[int, list[AgreementParty]] = defaultdict(list)
    if agreement_ids:
        for row in session.exec(
            select(AgreementParty)
            .where(col(AgreementParty.agreement_id).in_(list(agreement_ids)))
            .order_by(col(AgreementParty.position), col(AgreementParty.id))
        ).all():
            out[row.agreement_id].append(row)
    return out


def _visible(parties: Sequence[AgreementParty], scope: tuple[set[int], set[int]]) -> bool:
    orgs, people = scope
    return any(p.organisation_id in orgs or p.participant_id in people for p in parties)


def list_agreements(
    session: Session,
    *,
    viewer: User,
    event_id: int,
    status: AgreementStatus | None = None,
    kind: AgreementKind | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Agreement], int]:
    """Organisers see all; a delegate the agreements of their organisation (a delegation head
    also those of the members' organisations). Ceremony order first, then newest."""
    event = events.get_event(session, event_id, viewer=viewer)
    query = select(Agreement).where(Agreement.event_id == event_id)
    if not events.can_manage(session, viewer, event):
        orgs, people = _viewer_scope(session, viewer, event)
        if not people:
            raise Forbidden("Only the organisers and the parties can see this event's agreements")
        mine = select(AgreementParty.agreement_id).where(
            col(AgreementParty.organisation_id).in_(orgs)
            | col(AgreementParty.participant_id).in_(people)
        )
        query = query.where(col(Agreement.id).in_(mine))
    if status is not None:
        query = query.where(Agreement.status == status.value)
    if kind is not None:
        query = query.where(Agreement.kind == kind.value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(
            col(Agreement.ceremony_order).is_(None),
            col(Agreement.ceremony_order),
            col(Agreement.id).desc(),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def _load_agreement(session: Session, event: Event, agreement_id: int) -> Agreement:
    row = session.get(Agreement, agreement_id)
    if row is None or row.event_id != pk(event):
        raise NotFound("Agreement", agreement_id)
    return row


def get_agreement(session: Session, *, viewer: User, event_id: int, agreement_id: int) -> Agreement:
    event = events.get_event(session, event_id, viewer=viewer)
    row = _load_agreement(session, event, agreement_id)
    if events.can_manage(session, viewer, event):
        return row
    parties = _party_rows(session, [agreement_id])[agreement_id]
    if not _visible(parties, _viewer_scope(session, viewer, event)):
        raise Forbidden("Only the organisers and the parties can see this agreement")
    return row


@dataclass(frozen=True)
class PartyView:
    organisation_id: int
    organisation_name: str
    organisation_name_en: str
    country: str
    participant_id: int | None
    participant_name: str


def agreement_parties(session: Session, agreement_id: int) -> list[PartyView]:
    rows = _party_rows(session, [agreement_id])[agreement_id]
    orgs = {
        pk(o): o
        for o in session.exec(
            select(Organisation).where(col(Organisation.id).in_([r.organisation_id for r in rows]))
        )
    }
    names = dict(
        session.exec(
            select(Participant.id, Participant.full_name).where(
                col(Participant.id).in_([r.participant_id for r in rows if r.participant_id])
            )
        ).all()
    )
    return [
        PartyView(
            organisation_id=r.organisation_id,
            organisation_name=orgs[r.organisation_id].name_vi,
            organisation_name_en=orgs[r.organisation_id].name_en or orgs[r.organisation_id].name_vi,
            country=orgs[r.organisation_id].country,
            participant_id=r.participant_id,
            participant_name=names.get(r.participant_id, "") if r.participant_id else "",
        )
        for r in rows
    ]


def agreement_documents(session: Session, agreement_id: int) -> list[AgreementDocument]:
    return list(
        session.exec(
            select(AgreementDocument)
            .where(AgreementDocument.agreement_id == agreement_id)
            .order_by(col(AgreementDocument.id))
        ).all()
    )


def _check_parties(session: Session, event_id: int, parties: Sequence[PartyIn]) -> None:
    seen: set[int] = set()
    for i, party in enumerate(parties):
        where = f"parties[{i}]"
        if party.organisation_id in seen:
            raise Invalid(f"{where}.organisation_id", "this organisation is already a party")
        seen.add(party.organisation_id)
        if session.get(Organisation, party.organisation_id) is None:
            raise Invalid(
                f"{where}.organisation_id",
                _l(
                    "no organisation {party_organisation_id}",
                    party_organisation_id=party.organisation_id,
                ),
            )
        if party.participant_id is None:
            continue
        person = session.get(Participant, party.participant_id)
        if person is None or person.event_id != event_id:
            raise Invalid(f"{where}.participant_id", "is not a participant of this event")
        if person.organisation_id != party.organisation_id:
            raise Invalid(f"{where}.participant_id", "does not represent this organisation")


def _check_values(session: Session, event_id: int, values: dict[str, Any]) -> None:
    if values.get("value") is not None and values.get("currency") is None:
        raise Invalid("currency", "give the currency of the value (VND, USD, TWD, JPY…)")
    if AgreementStatus(values["status"]) in _SIGNED and values.get("signed_on") is None:
        status = AgreementStatus(values["status"]).value
        raise Invalid(
            "signed_on",
            _l("a {status} agreement needs its signing date", status=status_word(status)),
        )
    meeting_id = values.get("meeting_id")
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.event_id != event_id:
            raise Invalid("meeting_id", "is not a meeting of this event")


def _next_ceremony_order(session: Session, event_id: int, exclude: int | None = None) -> int:
    query = select(func.max(Agreement.ceremony_order)).where(Agreement.event_id == event_id)
    if exclude is not None:
        query = query.where(Agreement.id != exclude)
    return int(session.exec(query).one() or 0) + 1


def _set_parties(session: Session, agreement_id: int, parties: Sequence[PartyIn]) -> None:
    for old in _party_rows(session, [agreement_id])[agreement_id]:
        session.delete(old)
    session.flush()
    for position, party in enumerate(parties):
        session.add(
            AgreementParty(
                agreement_id=agreement_id,
                organisation_id=party.organisation_id,
                participant_id=party.participant_id,
                position=position,
            )
        )
    session.flush()


def create_agreement(
    session: Session, *, actor: User, event_id: int, data: AgreementCreate
) -> Agreement:
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    values = data.model_dump(exclude={"parties"})
    _check_values(session, event_id, values)
    _check_parties(session, event_id, data.parties)
    if values["at_ceremony"] and values["ceremony_order"] is None:
        values["ceremony_order"] = _next_ceremony_order(session, event_id)
    if not values["at_ceremony"]:
        values["ceremony_order"] = None
    row = Agreement(
        event_id=event_id,
        meeting_id=data.meeting_id,
        kind=data.kind.value,
        title_vi=data.title_vi,
        title_en=data.title_en,
        signed_on=data.signed_on,
        value=data.value,
        currency=data.currency.value if data.currency else None,
        status=data.status.value,
        at_ceremony=data.at_ceremony,
        ceremony_order=values["ceremony_order"],
        follow_up_status=data.follow_up_status,
        notes=data.notes,
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    _set_parties(session, pk(row), data.parties)
    record(
        session,
        actor_id=actor.id,
        action="agreement.create",
        entity="agreement",
        entity_id=row.id,
        event_id=event_id,
        changes={
            **diff({}, _snapshot(row)),
            "parties": [None, [p.organisation_id for p in data.parties]],
        },
    )
    session.flush()
    return row


def _snapshot(row: Agreement) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "title_vi": row.title_vi,
        "title_en": row.title_en,
        "meeting_id": row.meeting_id,
        "signed_on": row.signed_on,
        "value": str(row.value) if row.value is not None else None,
        "currency": row.currency,
        "status": row.status,
        "at_ceremony": row.at_ceremony,
        "ceremony_order": row.ceremony_order,
        "follow_up_status": row.follow_up_status,
        "notes": row.notes,
    }


def update_agreement(
    session: Session, *, actor: User, event_id: int, agreement_id: int, data: AgreementUpdate
) -> Agreement:
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    row = _load_agreement(session, event, agreement_id)
    before = _snapshot(row)
    fields = data.model_fields_set
    for name in ("kind", "title_vi", "status", "at_ceremony"):
        if name in fields and getattr(data, name) is None:
            raise Invalid(name, "must not be empty")
    values: dict[str, Any] = {
        "kind": AgreementKind(data.kind or row.kind),
        "title_vi": data.title_vi if "title_vi" in fields else row.title_vi,
        "title_en": data.title_en if data.title_en is not None else row.title_en,
        "meeting_id": data.meeting_id if "meeting_id" in fields else row.meeting_id,
        "signed_on": data.signed_on if "signed_on" in fields else row.signed_on,
        "value": data.value if "value" in fields else row.value,
        "currency": (data.currency if "currency" in fields else row.currency),
        "status": AgreementStatus(data.status or row.status),
        "at_ceremony": data.at_ceremony if data.at_ceremony is not None else row.at_ceremony,
        "ceremony_order": (
            data.ceremony_order if "ceremony_order" in fields else row.ceremony_order
        ),
        "follow_up_status": (
            data.follow_up_status if data.follow_up_status is not None else row.follow_up_status
        ),
        "notes": data.notes if data.notes is not None else row.notes,
    }
    _check_values(session, event_id, values)
    if data.parties is not None:
        _check_parties(session, event_id, data.parties)
    if values["at_ceremony"] and values["ceremony_order"] is None:
        values["ceremony_order"] = _next_ceremony_order(session, event_id, exclude=agreement_id)
    if not values["at_ceremony"]:
        values["ceremony_order"] = None
    row.kind = values["kind"].value
    row.title_vi = values["title_vi"]
    row.title_en = values["title_en"]
    row.meeting_id = values["meeting_id"]
    row.signed_on = values["signed_on"]
    row.value = values["value"]
    currency = values["currency"]
    row.currency = getattr(currency, "value", currency)
    row.status = values["status"].value
    row.at_ceremony = values["at_ceremony"]
    row.ceremony_order = values["ceremony_order"]
    row.follow_up_status = values["follow_up_status"]
    row.notes = values["notes"]
    old_parties = [p.organisation_id for p in _party_rows(session, [agreement_id])[agreement_id]]
    changes = diff(before, _snapshot(row))
    if data.parties is not None:
        new_parties = [p.organisation_id for p in data.parties]
        _set_parties(session, agreement_id, data.parties)
        if new_parties != old_parties:
            changes["parties"] = [old_parties, new_parties]
    if changes:
        row.updated_at = utcnow()
        session.add(row)
        record(
            session,
            actor_id=actor.id,
            action="agreement.update",
            entity="agreement",
            entity_id=row.id,
            event_id=event_id,
            changes=changes,
        )
    session.flush()
    return row


def delete_agreement(session: Session, *, actor: User, event_id: int, agreement_id: int) -> None:
    """Remove an agreement recorded by mistake (a cancelled one stays: set its status).
    Its stored files stay on disk: other agreements may share the same bytes."""
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    row = _load_agreement(session, event, agreement_id)
    record(
        session,
        actor_id=actor.id,
        action="agreement.delete",
        entity="agreement",
        entity_id=row.id,
        event_id=event_id,
        changes=diff(_snapshot(row), {}),
    )
    session.delete(row)
    session.flush()


def add_document(
    session: Session,
    *,
    actor: User,
    event_id: int,
    agreement_id: int,
    filename: str | None,
    data: bytes,
) -> AgreementDocument:
    """Attach a signed copy or annex: PDF, DOCX or an image, at most 10 MB, recognised by
    its content. ``data`` may be one byte longer than the limit (read that far to know)."""
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    agreement = _load_agreement(session, event, agreement_id)
    if len(data) > docs.MAX_DOCUMENT_BYTES:
        raise DomainError(
            detail="the file is larger than 10 MB",
            status=413,
            title="Content too large",
            type_slug="too-large",
            errors=[FieldError("file", "at most 10 MB")],
        )
    if not data:
        raise Invalid("file", "the file is empty")
    kind = docs.sniff(data)
    if kind is None:
        raise DomainError(
            detail=_l(
                "only {docs_ALLOWED_DESCRIPTION} files can be attached",
                docs_ALLOWED_DESCRIPTION=docs.ALLOWED_DESCRIPTION,
            ),
            status=415,
            title="Unsupported media type",
            type_slug="unsupported-media-type",
            errors=[
                FieldError(
                    "file",
                    _l(
                        "not a {docs_ALLOWED_DESCRIPTION} file",
                        docs_ALLOWED_DESCRIPTION=docs.ALLOWED_DESCRIPTION,
                    ),
                )
            ],
        )
    digest = docs.store(data)
    row = AgreementDocument(
        agreement_id=pk(agreement),
        filename=docs.clean_filename(filename, kind),
        content_type=kind.content_type,
        size=len(data),
        sha256=digest,
        uploaded_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor_id=actor.id,
        action="agreement.document",
        entity="agreement",
        entity_id=agreement.id,
        event_id=event_id,
        changes={"document": [None, {"id": row.id, "filename": row.filename, "sha256": digest}]},
    )
    session.flush()
    return row


def get_document(
    session: Session, *, viewer: User, event_id: int, agreement_id: int, document_id: int
) -> tuple[AgreementDocument, Path]:
    get_agreement(session, viewer=viewer, event_id=event_id, agreement_id=agreement_id)
    row = session.get(AgreementDocument, document_id)
    if row is None or row.agreement_id != agreement_id:
        raise NotFound("Document", document_id)
    path = docs.path_for(row.sha256)
    if not path.is_file():
        raise NotFound("The stored file of document", document_id)
    return row, path


# ---- follow-up reminders ------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueReminder:
    agreement_id: int
    event_id: int
    months: int
    due_on: date
    superseded: bool  # a later milestone is due too: recorded, not sent


def due_reminders(session: Session, *, now: datetime | None = None) -> list[DueReminder]:
    """Follow-up milestones (3 and 6 months after signing) reached by ``now`` (the date in
    the event's time zone) of signed or in-progress agreements and not yet dealt with."""
    now = now or utcnow()
    rows = session.exec(
        select(Agreement, Event)
        .join(Event, col(Event.id) == col(Agreement.event_id))
        .where(col(Agreement.status).in_(_FOLLOWED_UP), col(Agreement.signed_on).is_not(None))
        .order_by(col(Agreement.id))
    ).all()
    done = {
        (r.agreement_id, r.months)
        for r in session.exec(
            select(AgreementReminder).where(
                col(AgreementReminder.agreement_id).in_([pk(a) for a, _ in rows])
            )
        ).all()
    }
    out = []
    for agreement, event in rows:
        assert agreement.signed_on is not None
        today = now.astimezone(events.event_zone(event)).date()
        reached = [m for m in REMINDER_MONTHS if add_months(agreement.signed_on, m) <= today]
        for months in reached:
            if (pk(agreement), months) in done:
                continue
            out.append(
                DueReminder(
                    agreement_id=pk(agreement),
                    event_id=agreement.event_id,
                    months=months,
                    due_on=add_months(agreement.signed_on, months),
                    superseded=months != max(reached),
                )
            )
    return out


@dataclass(frozen=True)
class FollowUps:
    reminders: int  # milestones sent
    emails: int


def _organiser_users(session: Session, event_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(EventOrganiser, col(EventOrganiser.user_id) == col(User.id))
            .where(EventOrganiser.event_id == event_id, col(User.is_active).is_(True))
            .order_by(col(User.id))
        ).all()
    )


def _enqueue_to_user(
    session: Session, *, user: User, event: Event, kind: str, context: dict[str, Any]
) -> Outbox:
    """An e-mail to an organiser's account (not a participant): in the default locale, the
    department's language."""
    locale = get_settings().default_locale
    full = {
        **context,
        "locale": locale,
        "to_name": user.full_name,
        "event_title": event.title_vi if locale == "vi" or not event.title_en else event.title_en,
        "event_url": absolute_url(f"/events/{event.id}"),
    }
    subject, body = render(kind, locale, full)
    row = Outbox(
        event_id=event.id,
        to_email=user.email,
        to_name=user.full_name,
        locale=locale,
        kind=kind,
        subject=subject[:300],
        body_text=body,
        body_html=text_to_html(body),
    )
    session.add(row)
    return row


def send_follow_up_reminders(session: Session, *, now: datetime | None = None) -> FollowUps:
    """E-mail each due milestone once to the event's organisers and to the parties' people
    with an e-mail address; record it so that it is never sent again."""
    now = now or utcnow()
    sent = emails = 0
    for due in due_reminders(session, now=now):
        agreement = session.get(Agreement, due.agreement_id)
        event = session.get(Event, due.event_id)
        assert agreement is not None
        assert event is not None
        parties = agreement_parties(session, due.agreement_id)
        context = {
            "months": due.months,
            "title_vi": agreement.title_vi,
            "title_en": agreement.title_en or agreement.title_vi,
            "kind_vi": KIND_LABELS[AgreementKind(agreement.kind)].vi,
            "kind_en": KIND_LABELS[AgreementKind(agreement.kind)].en,
            "signed_on": agreement.signed_on,
            "parties": [p.organisation_name for p in parties],
            "parties_en": [p.organisation_name_en for p in parties],
            "follow_up_status": agreement.follow_up_status,
            "link": absolute_url(f"/events/{event.id}/outcomes/agreements/{agreement.id}"),
        }
        try:
            with session.begin_nested():
                reminder = AgreementReminder(
                    agreement_id=due.agreement_id,
                    months=due.months,
                    due_on=due.due_on,
                    sent_at=now,
                )
                session.add(reminder)
                session.flush()
                count = 0
                if not due.superseded:
                    for user in _organiser_users(session, event_id=due.event_id):
                        _enqueue_to_user(
                            session,
                            user=user,
                            event=event,
                            kind="agreement_follow_up",
                            context=context,
                        )
                        count += 1
                    people = session.exec(
                        select(Participant).where(
                            col(Participant.id).in_(
                                [p.participant_id for p in parties if p.participant_id]
                            )
                        )
                    ).all()
                    for person in people:
                        if enqueue(
                            session,
                            kind="agreement_follow_up",
                            to_participant=person,
                            event=event,
                            context=context,
                        ):
                            count += 1
                reminder.recipients = count
                session.add(reminder)
                session.flush()
        except IntegrityError:
            continue  # another run recorded this milestone first
        if not due.superseded:
            sent += 1
            emails += count
        record(
            session,
            actor_id=None,
            action="agreement.reminder",
            entity="agreement",
            entity_id=due.agreement_id,
            event_id=due.event_id,
            changes={"months": [None, due.months], "recipients": [None, count]},
        )
    session.flush()
    return FollowUps(sent, emails)


# ---- figures ------------------------------------------------------------------------------


def require_stats(session: Session, *, viewer: User, event_id: int) -> Event:
    """The figures are the organisers' (they report them to their leadership)."""
    event = events.get_event(session, event_id, viewer=viewer)
    events.require_manage(session, viewer, event)
    return event
