"""Meeting requests and a booked B2B schedule for the demo event, made through the services.

What the Hải Phòng demo event gets (after app.demo.registrations):

- about 120 pairs of people who should meet, chosen deterministically: a visiting (foreign)
  participant with a Vietnamese one, ranked by the sectors their offers and requests share
  and by whether one offers what the other seeks; nobody in more than five;
- three in four of them meet because one asked the other (``create_request``, then
  ``accept_request``: the organiser acts for both, as organisers may); the fourth are
  organiser-proposed meetings from the demand survey (``create_meeting``), some still
  waiting for the parties' confirmation, the ones across a language gap with the
  delegation's interpreter;
- requests that did not become meetings: pending, declined with a reason, withdrawn;
- the B2B session scheduled by the scheduler (``app.scheduling.service.schedule_session``,
  applied), two meetings locked, the schedule published;
- then, as on the day: a few meetings cancelled with a reason, and interpreters added to a
  few booked meetings whose parties share no language.

Idempotent: pairs that already have a request or a meeting are skipped, and the later steps
(scheduling, locking, publishing, cancelling, interpreters) run only when this call created
meetings, so a second ``ketnoi demo`` writes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.auth.models import User
from app.demo.data import DEMO_DELEGATE_EMAIL
from app.errors import DomainError
from app.events import service as events
from app.events.models import Event, SessionKind
from app.matchmaking.models import Profile, ProfileSector
from app.meetings import commands as meeting_commands
from app.meetings import queries as meeting_queries
from app.meetings import requests as meeting_requests
from app.meetings.models import (
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingRole,
    MeetingSeat,
    MeetingStatus,
)
from app.meetings.schemas import MeetingCreate, MeetingRequestCreate, MeetingUpdate
from app.registration.models import (
    ApprovalStatus,
    Organisation,
    Participant,
    ParticipantRole,
    Unavailability,
)
from app.scheduling import service as scheduling
from app.types import pk
from app.vocab import ProfileKind

COUNT_KEYS = (
    "requests",
    "accepted",
    "declined",
    "withdrawn",
    "pending",
    "proposed",
    "booked",
    "cancelled",
    "interpreters",
)
MEETING_PAIRS = 118  # 8 slots × 15 tables = 120 places in the B2B session
OTHER_REQUESTS = 16  # pending, declined and withdrawn requests
MAX_PER_PERSON = 5
SCHEDULER_TIME_LIMIT_S = 3.0
CANCELLED = 4
LOCKED = 2
EXTRA_INTERPRETED = 6

OFFERS = {
    ProfileKind.technology_offer.value,
    ProfileKind.product_offer.value,
    ProfileKind.research_result.value,
}
SEEKS = {ProfileKind.technology_request.value, ProfileKind.product_request.value}

MESSAGES_VI = (
    "Chúng tôi quan tâm đến {topic} và muốn trao đổi về khả năng chuyển giao, hợp tác.",
    "Doanh nghiệp chúng tôi đang tìm giải pháp phù hợp với {topic}; rất mong được gặp trao đổi.",
    "Xin được gặp để tìm hiểu thêm về {topic}, chi phí đầu tư và thời gian triển khai.",
)
MESSAGES_EN = (
    "We are interested in {topic} and would like to discuss licensing or a joint project.",
    "Our company can supply what you are looking for ({topic}); may we meet at the B2B session?",
    "We would like to learn more about {topic}: cost, lead time and local support.",
)
DECLINE_REASONS = (
    "Chúng tôi đã có đối tác cung cấp giải pháp này.",
    "Our schedule is full; we will contact you after the event.",
    "Lĩnh vực này chưa nằm trong kế hoạch đầu tư năm nay.",
)
CANCEL_REASONS = (
    "Đại diện doanh nghiệp có việc đột xuất, không tham dự buổi chiều.",
    "Chuyến bay của đại biểu bị đổi giờ, ông rời Hải Phòng lúc 15:00.",
    "Hai bên đã gặp nhau tại khu trưng bày buổi sáng và thống nhất liên hệ sau.",
    "Doanh nghiệp đề nghị dời sang buổi làm việc riêng tại nhà máy.",
)


@dataclass(frozen=True)
class Person:
    row: Participant
    country: str
    sectors: frozenset[str]
    offers: bool
    seeks: bool
    profiles: tuple[tuple[Profile, frozenset[str]], ...]  # with each profile's sectors

    @property
    def id(self) -> int:
        return pk(self.row)


def load_meetings(session: Session, *, organiser: User, event: Event) -> dict[str, int]:
    """Create what is missing of the demo meetings; return how many of each were created."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    event_id = pk(event)
    b2b = next(
        (
            s
            for s in events.list_sessions(session, event_id=event_id)
            if s.kind == SessionKind.matchmaking.value
        ),
        None,
    )
    if b2b is None:
        return counts
    people = _people(session, event_id)
    # The same pairs on every run (they depend only on the registrations); those that
    # already have a request or a meeting are skipped.
    taken = _pairs_taken(session, event_id)
    pairs, others = _choose_pairs(people)
    for index, (a, b) in enumerate(pairs):
        if frozenset((a.id, b.id)) in taken:
            continue
        if index % 4 == 3:
            _propose(session, organiser, event_id, a, b, people, index, counts)
        else:
            _request(session, organiser, event_id, a, b, index, counts, accept=True)
    for index, (a, b) in enumerate(others):
        if frozenset((a.id, b.id)) in taken:
            continue
        _request(session, organiser, event_id, a, b, index, counts, accept=False)
    if not counts["accepted"] and not counts["proposed"]:
        return counts
    session.flush()
    scheduling.schedule_session(
        session,
        actor=organiser,
        event_id=event_id,
        session_id=pk(b2b),
        apply=True,
        time_limit_s=SCHEDULER_TIME_LIMIT_S,
    )
    booked = _booked(session, event_id)
    for meeting in booked[:LOCKED]:
        meeting_commands.update_meeting(
            session,
            actor=organiser,
            event_id=event_id,
            meeting_id=pk(meeting),
            data=MeetingUpdate(locked=True),
        )
    if event.schedule_published_at is None:
        scheduling.publish(session, actor=organiser, event_id=event_id)
    # As on the day: a few cancellations (spread over the afternoon, never a locked one).
    open_booked = [m for m in _booked(session, event_id) if not m.locked]
    step = max(len(open_booked) // CANCELLED, 1)
    for n, meeting in enumerate(open_booked[step // 2 :: step][:CANCELLED]):
        meeting_commands.cancel_meeting(
            session,
            actor=organiser,
            event_id=event_id,
            meeting_id=pk(meeting),
            reason=CANCEL_REASONS[n % len(CANCEL_REASONS)],
        )
        counts["cancelled"] += 1
    counts["interpreters"] += _add_interpreters(session, organiser, event_id, people)
    counts["booked"] = len(_booked(session, event_id))
    session.flush()
    return counts


# ---- who meets whom -----------------------------------------------------------------------


def _people(session: Session, event_id: int) -> dict[int, Person]:
    rows = session.exec(
        select(Participant)
        .where(
            Participant.event_id == event_id,
            Participant.status == ApprovalStatus.approved.value,
        )
        .order_by(col(Participant.id))
    ).all()
    orgs = {pk(o): o for o in session.exec(select(Organisation)).all()}
    profiles: dict[int, list[Profile]] = defaultdict(list)
    for profile in session.exec(
        select(Profile)
        .where(Profile.event_id == event_id, Profile.status == "published")
        .order_by(col(Profile.id))
    ).all():
        profiles[profile.participant_id].append(profile)
    by_profile: dict[int, set[str]] = defaultdict(set)
    owned = [pk(p) for ps in profiles.values() for p in ps]
    if owned:
        for profile_id, sector in session.exec(
            select(ProfileSector.profile_id, ProfileSector.sector).where(
                col(ProfileSector.profile_id).in_(owned)
            )
        ).all():
            by_profile[profile_id].add(sector)
    out = {}
    for row in rows:
        org = orgs.get(row.organisation_id) if row.organisation_id else None
        mine = profiles.get(pk(row), [])
        out[pk(row)] = Person(
            row=row,
            country=org.country if org else "",
            sectors=frozenset(s for p in mine for s in by_profile.get(pk(p), set())),
            offers=any(p.kind in OFFERS for p in mine),
            seeks=any(p.kind in SEEKS for p in mine),
            profiles=tuple((p, frozenset(by_profile.get(pk(p), set()))) for p in mine),
        )
    return out


def _pairs_taken(session: Session, event_id: int) -> set[frozenset[int]]:
    """Pairs that already have a request (any status) or a meeting."""
    taken = {
        frozenset((r.requester_id, r.recipient_id))
        for r in session.exec(select(MeetingRequest).where(MeetingRequest.event_id == event_id))
    }
    parties: dict[int, list[int]] = defaultdict(list)
    for meeting_id, participant_id in session.exec(
        select(MeetingParticipant.meeting_id, MeetingParticipant.participant_id)
        .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
        .where(Meeting.event_id == event_id, MeetingParticipant.role == MeetingRole.party.value)
    ).all():
        parties[meeting_id].append(participant_id)
    taken |= {frozenset(ids) for ids in parties.values() if len(ids) == 2}
    return taken


def _score(a: Person, b: Person) -> int:
    score = 2 * len(a.sectors & b.sectors)
    if (a.offers and b.seeks) or (a.seeks and b.offers):
        score += 3
    return score


def _choose_pairs(
    people: dict[int, Person],
) -> tuple[list[tuple[Person, Person]], list[tuple[Person, Person]]]:
    """(pairs who meet, pairs whose request stays pending, is declined or withdrawn); the
    Vietnamese side first. Deterministic: ties are broken by participant id."""
    meeting_roles = {ParticipantRole.delegate.value, ParticipantRole.host.value}
    eligible = [p for p in people.values() if p.row.role in meeting_roles]
    local = [p for p in eligible if p.country == "VN"]
    visiting = [p for p in eligible if p.country != "VN"]
    candidates = sorted(
        ((v, f) for v in local for f in visiting),
        key=lambda pair: (-_score(*pair), pair[0].id, pair[1].id),
    )
    load: Counter[int] = Counter()
    demo = next((p for p in local if p.row.email == DEMO_DELEGATE_EMAIL), None)
    chosen: list[tuple[Person, Person]] = []
    rest: list[tuple[Person, Person]] = []
    for v, f in candidates:
        limit_v = min(MAX_PER_PERSON, v.row.meeting_cap or MAX_PER_PERSON)
        limit_f = min(MAX_PER_PERSON, f.row.meeting_cap or MAX_PER_PERSON)
        if len(chosen) < MEETING_PAIRS and load[v.id] < limit_v and load[f.id] < limit_f:
            chosen.append((v, f))
            load[v.id] += 1
            load[f.id] += 1
        elif len(rest) < OTHER_REQUESTS and (
            load[v.id] + load[f.id] < 2 * MAX_PER_PERSON or (demo is not None and v is demo)
        ):
            rest.append((v, f))
    return chosen, rest


# ---- requests and proposals ---------------------------------------------------------------


def _topic(asker: Person, asked: Person) -> tuple[str, list[int]]:
    """What a request is about: the asked person's first profile in a sector of the asker's
    (else their first profile), titled in the asker's language."""
    if not asked.profiles:
        return "", []
    best = next((p for p, sectors in asked.profiles if sectors & asker.sectors), None)
    best = best or asked.profiles[0][0]
    vietnamese = "vi" in (asker.row.languages or [])
    title = (best.title_vi if vietnamese else best.title_en) or best.title_vi or best.title_en
    return title, [pk(best)]


def _request(
    session: Session,
    organiser: User,
    event_id: int,
    local: Person,
    visiting: Person,
    index: int,
    counts: dict[str, int],
    *,
    accept: bool,
) -> None:
    # Alternate who asks: Vietnamese enterprises ask suppliers, suppliers ask buyers.
    asker, asked = (local, visiting) if index % 2 == 0 else (visiting, local)
    if not accept and local.row.email == DEMO_DELEGATE_EMAIL and index % 3 == 1:
        asker, asked = visiting, local  # the demo delegate has a request waiting for him
    topic, profile_ids = _topic(asker, asked)
    vietnamese = "vi" in (asker.row.languages or [])
    templates = MESSAGES_VI if vietnamese else MESSAGES_EN
    fallback = "giải pháp của quý vị" if vietnamese else "your solutions"
    message = templates[index % len(templates)].format(topic=topic or fallback)
    row = meeting_requests.create_request(
        session,
        actor=organiser,
        event_id=event_id,
        data=MeetingRequestCreate(
            requester_id=asker.id,
            recipient_id=asked.id,
            message=message,
            profile_ids=profile_ids,
        ),
    )
    counts["requests"] += 1
    if accept:
        meeting_requests.accept_request(
            session, actor=organiser, event_id=event_id, request_id=pk(row)
        )
        counts["accepted"] += 1
    elif index % 4 == 1:
        meeting_requests.decline_request(
            session,
            actor=organiser,
            event_id=event_id,
            request_id=pk(row),
            reason=DECLINE_REASONS[index % len(DECLINE_REASONS)],
        )
        counts["declined"] += 1
    elif index % 8 == 3:
        meeting_requests.cancel_request(
            session, actor=organiser, event_id=event_id, request_id=pk(row)
        )
        counts["withdrawn"] += 1
    else:
        counts["pending"] += 1


def _interpreter_for(people: dict[int, Person], a: Person, b: Person) -> Person | None:
    """The approved interpreter who speaks a language of each party, when they share none."""
    la, lb = set(a.row.languages or []), set(b.row.languages or [])
    if not la or not lb or la & lb:
        return None
    for person in people.values():
        if person.row.role != ParticipantRole.interpreter.value:
            continue
        speaks = set(person.row.languages or [])
        if speaks & la and speaks & lb:
            return person
    return None


def _propose(
    session: Session,
    organiser: User,
    event_id: int,
    local: Person,
    visiting: Person,
    people: dict[int, Person],
    index: int,
    counts: dict[str, int],
) -> None:
    interpreter = _interpreter_for(people, local, visiting)
    needs_confirmation = index % 8 == 3
    meeting = meeting_commands.create_meeting(
        session,
        actor=organiser,
        event_id=event_id,
        data=MeetingCreate(
            participant_ids=[local.id, visiting.id],
            interpreter_ids=[interpreter.id] if interpreter else [],
            needs_confirmation=needs_confirmation,
            priority=2,  # asked for in the demand survey: placed first
        ),
    )
    counts["proposed"] += 1
    if interpreter is not None:
        counts["interpreters"] += 1
    if needs_confirmation and index % 16 == 3:
        # Both confirmed by telephone; the organisers record it (the others still wait).
        meeting_commands.confirm_meeting(
            session, actor=organiser, event_id=event_id, meeting_id=pk(meeting)
        )


# ---- after scheduling ---------------------------------------------------------------------


def _booked(session: Session, event_id: int) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.event_id == event_id,
                col(Meeting.slot_id).is_not(None),
                col(Meeting.status).in_(
                    [MeetingStatus.proposed.value, MeetingStatus.confirmed.value]
                ),
            )
            .order_by(col(Meeting.last_starts_at), col(Meeting.table_id), col(Meeting.id))
        ).all()
    )


def _add_interpreters(
    session: Session, organiser: User, event_id: int, people: dict[int, Person]
) -> int:
    """Add the delegation's interpreter to booked meetings across a language gap, where the
    interpreter is free in that slot (seats and blocked slots checked first)."""
    added = 0
    for meeting in _booked(session, event_id):
        if added >= EXTRA_INTERPRETED:
            break
        rows = meeting_queries.meeting_people(session, pk(meeting))
        if any(r.role == MeetingRole.interpreter.value for r in rows):
            continue
        parties = [people[r.participant_id] for r in rows if r.participant_id in people]
        if len(parties) != 2:
            continue
        interpreter = _interpreter_for(people, parties[0], parties[1])
        if interpreter is None or not _free(session, interpreter.id, meeting.slot_id):
            continue
        try:
            with session.begin_nested():
                meeting_commands.add_participant(
                    session,
                    actor=organiser,
                    event_id=event_id,
                    meeting_id=pk(meeting),
                    participant_id=interpreter.id,
                    role=MeetingRole.interpreter,
                )
        except DomainError:
            continue  # the interpreter's cap or a parallel seat: try the next meeting
        added += 1
    return added


def _free(session: Session, participant_id: int, slot_id: int | None) -> bool:
    if slot_id is None:
        return False
    busy = session.exec(
        select(MeetingSeat.meeting_id).where(
            MeetingSeat.participant_id == participant_id, MeetingSeat.slot_id == slot_id
        )
    ).first()
    blocked = session.exec(
        select(Unavailability.slot_id).where(
            Unavailability.participant_id == participant_id, Unavailability.slot_id == slot_id
        )
    ).first()
    return busy is None and blocked is None
