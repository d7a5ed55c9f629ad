"""Meetings and requests as the pages show them (agendas, the grid, the request lists, the
event day's "now" page), read in bulk through ``readmodel``: a fixed number of queries
whatever the number of meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.errors import NotFound
from app.events.models import Event, EventSession, Slot
from app.exports.views import Bilingual
from app.matchmaking.models import Profile
from app.meetings import queries, readmodel, requests, rules
from app.meetings.models import (
    Attendance,
    Meeting,
    MeetingRequest,
    MeetingRole,
    MeetingStatus,
)
from app.registration.models import ApprovalStatus, Participant, person_country
from app.reminders.models import MeetingMode
from app.reminders.online import link_for
from app.survey.topics import meeting_topics
from app.types import pk, utcnow


@dataclass
class PersonView:
    id: int
    name: str
    organisation: str  # its Vietnamese (official) name; pages pick(organisation, organisation_en)
    country: str
    role: str
    organisation_en: str = ""

    @property
    def short(self) -> str:
        return self.name if len(self.name) <= 22 else self.name[:21].rstrip() + "…"


@dataclass
class MeetingView:
    id: int
    status: str
    origin: str
    session_id: int | None
    slot_id: int | None
    table_id: int | None
    slot_number: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    table_number: int | None
    table_label: str
    parties: list[PersonView]
    interpreters: list[PersonView]
    colleagues: list[PersonView]
    unconfirmed: list[int]
    locked: bool
    revision: int
    cancelled_reason: str
    interpreter_needed: bool
    interpreter_languages: list[str]
    free_slots: list[Slot] = field(default_factory=list)
    mode: str = "onsite"  # onsite, online, hybrid
    video_url: str = ""  # the link to join: the meeting's own or its session's pattern
    own_video_url: str = ""
    topics: list[Bilingual] = field(default_factory=list)  # app.survey.topics
    absent: list[int] = field(default_factory=list)  # parties recorded absent from it

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.cancelled.value

    @property
    def past(self) -> bool:
        """Its time is over: nothing to confirm, book or cancel any more."""
        return self.ends_at is not None and self.ends_at <= utcnow()

    @property
    def open(self) -> bool:
        return self.status in (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)

    def counterparts(self, me: int | None) -> list[PersonView]:
        return [p for p in self.parties if p.id != me]

    def is_party(self, me: int | None) -> bool:
        return any(p.id == me for p in self.parties)


@dataclass
class RequestView:
    id: int
    requester: PersonView
    recipient: PersonView
    message: str
    profiles: list[Profile]
    status: str
    decline_reason: str
    created_at: datetime
    meeting_id: int | None


def _person_views(people: readmodel.People) -> dict[int, PersonView]:
    out: dict[int, PersonView] = {}
    for p in people.participants.values():
        org = people.organisations.get(p.organisation_id or 0)
        delegation = people.delegations.get(p.delegation_id or 0)
        country = person_country(p, org, delegation)
        out[pk(p)] = PersonView(
            pk(p),
            p.full_name,
            org.name_vi if org else "",
            country,
            p.role,
            organisation_en=org.name_en if org else "",
        )
    return out


def people_views(session: Session, ids: Sequence[int]) -> dict[int, PersonView]:
    """Public views of people, with their organisation and country (three queries)."""
    return _person_views(readmodel.load_people(session, ids))


def meeting_views(
    session: Session, event: Event, meetings: Sequence[Meeting], *, show_times: bool = True
) -> list[MeetingView]:
    """The meetings as the pages show them, loading people, slots and tables in bulk.
    ``show_times=False`` hides slot and table (organiser mode before publication)."""
    loaded = readmodel.load_meetings(session, meetings)
    people = _person_views(loaded.people)
    participants = loaded.people.participants
    topics = meeting_topics(session, meetings)
    online = [m for m in meetings if m.mode != MeetingMode.onsite.value]
    sessions = readmodel.by_id(session, EventSession, (m.session_id for m in online))
    out = []
    for m in meetings:
        mine = loaded.people_of.get(pk(m), [])
        need = queries.interpreter_need(mine, participants)
        slot = loaded.slots.get(m.slot_id) if m.slot_id is not None and show_times else None
        table = loaded.tables.get(m.table_id) if m.table_id is not None and show_times else None
        starts_at = slot.starts_at if slot else None
        if m.status == MeetingStatus.cancelled.value and show_times:
            starts_at = m.last_starts_at  # where it was: shown struck through
        out.append(
            MeetingView(
                id=pk(m),
                status=m.status,
                origin=m.origin,
                session_id=m.session_id,
                slot_id=m.slot_id if show_times else None,
                table_id=m.table_id if show_times else None,
                slot_number=slot.number if slot else None,
                starts_at=starts_at,
                ends_at=slot.ends_at if slot else (m.last_ends_at if starts_at else None),
                table_number=table.number if table else None,
                table_label=table.label if table else "",
                parties=[people[r.participant_id] for r in mine if r.role == "party"],
                interpreters=[people[r.participant_id] for r in mine if r.role == "interpreter"],
                colleagues=[people[r.participant_id] for r in mine if r.role == "colleague"],
                unconfirmed=[
                    r.participant_id
                    for r in mine
                    if r.role == MeetingRole.party.value and r.confirmed_at is None
                ],
                locked=m.locked,
                revision=m.revision,
                cancelled_reason=m.cancelled_reason,
                interpreter_needed=need.needed and not need.provided,
                interpreter_languages=need.languages,
                mode=m.mode,
                own_video_url=m.video_url,
                video_url=link_for(m, sessions.get(m.session_id or 0))
                if m.status != MeetingStatus.cancelled.value
                else "",
                topics=topics.get(pk(m), []),
                absent=[
                    r.participant_id
                    for r in mine
                    if r.role == MeetingRole.party.value and r.attendance == Attendance.absent.value
                ],
            )
        )
    return out


def time_key(view: MeetingView) -> tuple[int, float, int]:
    """Agenda order: by time, meetings without one last."""
    if view.starts_at is None:
        return (1, 0.0, view.id)
    return (0, view.starts_at.timestamp(), view.id)


def agenda(
    session: Session,
    event: Event,
    meetings: Sequence[Meeting],
    *,
    show_times: bool,
) -> list[MeetingView]:
    return sorted(meeting_views(session, event, meetings, show_times=show_times), key=time_key)


def request_views(
    session: Session, event: Event, rows: Sequence[MeetingRequest]
) -> list[RequestView]:
    loaded = readmodel.load_requests(session, rows)
    people = _person_views(loaded.people)
    profiles: dict[int, Profile] = readmodel.by_id(
        session, Profile, (i for r in rows for i in r.profile_ids)
    )
    deadline = rules.get_settings(session, pk(event)).answer_by
    now = utcnow()
    return [
        RequestView(
            id=pk(r),
            requester=people[r.requester_id],
            recipient=people[r.recipient_id],
            message=r.message,
            profiles=[profiles[i] for i in r.profile_ids if i in profiles],
            status=requests.effective_status(r, deadline, now).value,
            decline_reason=r.decline_reason,
            created_at=r.created_at,
            meeting_id=loaded.meeting_of.get(pk(r)),
        )
        for r in rows
    ]


def profile_choices(
    session: Session, event_id: int, me: Participant, them: Participant | None
) -> tuple[list[Profile], list[Profile]]:
    """My offers and requests (not withdrawn), and their published ones."""
    mine = session.exec(
        select(Profile)
        .where(
            Profile.event_id == event_id,
            Profile.participant_id == me.id,
            Profile.status != "withdrawn",
        )
        .order_by(col(Profile.id))
    ).all()
    theirs: Sequence[Profile] = []
    if them is not None:
        theirs = session.exec(
            select(Profile)
            .where(
                Profile.event_id == event_id,
                Profile.participant_id == them.id,
                Profile.status == "published",
            )
            .order_by(col(Profile.id))
        ).all()
    return list(mine), list(theirs)


def approved_people(
    session: Session, event_id: int, *, exclude: int | None = None
) -> list[PersonView]:
    """The event's approved people by name (whom one may meet or put in a meeting)."""
    ids = session.exec(
        select(Participant.id).where(
            Participant.event_id == event_id,
            Participant.status == ApprovalStatus.approved.value,
        )
    ).all()
    people = people_views(session, [int(i) for i in ids if i is not None and i != exclude])
    return sorted(people.values(), key=lambda p: (p.name.casefold(), p.id))


def recipient(
    session: Session, event_id: int, to: int | None, profile: int | None
) -> Participant | None:
    """The person asked: ``to``, or the owner of ``profile``; only approved people of this
    event (anything else is a 404, as on their public pages)."""
    if to is None and profile is not None:
        row = session.get(Profile, profile)
        if row is None or row.event_id != event_id:
            raise NotFound("Profile", profile)
        to = row.participant_id
    if to is None:
        return None
    person = session.get(Participant, to)
    if (
        person is None
        or person.event_id != event_id
        or person.status != ApprovalStatus.approved.value
    ):
        raise NotFound("Participant", to)
    return person


def event_meeting(session: Session, event_id: int, meeting_id: int | None) -> Meeting:
    """A meeting of this event, or a 404."""
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("Meeting", meeting_id or 0)
    return meeting
