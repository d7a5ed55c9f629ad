"""Calendars and printed agendas from the database: who may see what, and the views the pure
builders in ``ical`` and ``pdf`` print.

Views are loaded in bulk (a handful of queries whatever the number of meetings), so that the
500-person print set spends its time in WeasyPrint, not in lazy loads.

Who sees times: in organiser booking mode the meetings have no published time until the
organisers publish the schedule (``Event.schedule_published_at``); until then a delegate's
agenda and feed show no meetings and say so, while the organisers see everything (they
check the draft schedule on paper before publishing it).

Calendar links: a participant's feed URL carries a random token; only its SHA-256 digest
is stored (as for API tokens), so a leaked table does not leak feeds, and the lookup by
digest is as constant-time as the index. One link is active per person: issuing a new one
revokes the old one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.auth.models import User
from app.auth.security import digest
from app.errors import Conflict, FieldError, Invalid, NotFound, Unauthorized, _l
from app.events import service as events
from app.events.models import (
    Event,
    EventSession,
    EventStatus,
    MeetingTable,
    SessionKind,
    Slot,
)
from app.exports import ical, pdf
from app.exports.models import CalendarToken
from app.exports.views import (
    Bilingual,
    EventView,
    GridView,
    MeetingView,
    PartyView,
    PersonAgendaView,
    SessionView,
    SlotView,
    TableSheetView,
    TableView,
)
from app.i18n import LOCALES, pick_locale
from app.i18n.documents import print_language
from app.links import absolute_url
from app.matchmaking.models import Profile
from app.meetings import queries as meeting_queries
from app.meetings import readmodel
from app.meetings.models import (
    ACTIVE_STATUSES,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingRole,
    MeetingStatus,
)
from app.registration import service as registration
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    person_country,
)
from app.reminders.online import link_for
from app.settings import get_settings
from app.survey.topics import board_topics
from app.text import fold
from app.types import pk, utcnow

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
# A synchronous agendas.pdf for more people than this would keep a worker (and the
# organiser's browser) waiting for more than ~20 s: use a print job instead.
SYNC_AGENDA_LIMIT = 200
# The same for tables.pdf and grid.pdf: more tables than this (about 150 ms of layout each)
# print as a job, laid out in several processes, never inside a web worker.
SYNC_TABLE_LIMIT = 50


def _small_enough_to_wait_for(tables: int, event_id: int) -> None:
    if tables > SYNC_TABLE_LIMIT:
        raise Conflict(
            _l(
                "{len} tables take too long to print while you wait; start a print job "
                "(POST /api/v1/events/{event_id}/print-jobs) and download it when it is done",
                len=tables,
                event_id=event_id,
            ),
            [FieldError("print-jobs", "too many tables for one request")],
        )


# ---- small helpers -------------------------------------------------------------------------


def uid_host() -> str:
    """The domain of every calendar UID: a setting of its own, stable when the public address
    changes (a new UID would duplicate every meeting in the subscribed calendars)."""
    return get_settings().calendar_uid_host.strip() or "ketnoi.vn"


def slug(text: str, fallback: str) -> str:
    """An ASCII file-name part: 'Nguyễn Thị Hạnh' -> 'nguyen-thi-hanh'."""
    folded = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return folded[:60] or fallback


def event_view(event: Event) -> EventView:
    return EventView(
        id=pk(event),
        title=Bilingual(event.title_vi, event.title_en),
        timezone=event.timezone,
        start_date=event.start_date,
        end_date=event.end_date,
        host=uid_host(),
        venue=event.venue,
        address=event.address,
        organiser_unit=event.organiser_unit,
    )


def participant_language(participant: Participant, country: str = "") -> str:
    """Vietnamese for those who speak it, English for the other guests; without a stated
    language, Vietnamese for people from Viet Nam (or of unknown origin)."""
    spoken = [code.lower()[:2] for code in participant.languages or []]
    if spoken:
        return "vi" if "vi" in spoken else "en"
    return "vi" if country in ("", "VN") else "en"


def chosen_locale(asked: str | None, default: str) -> str:
    return pick_locale(asked if asked in LOCALES else None, default)


# ---- bulk loading --------------------------------------------------------------------------


@dataclass
class _People:
    """Participants with their organisations and delegations, loaded once."""

    participants: dict[int, Participant]
    organisations: dict[int, Organisation]
    delegations: dict[int, Delegation]

    def country(self, person: Participant) -> str:
        return person_country(
            person,
            self.organisations.get(person.organisation_id or 0),
            self.delegations.get(person.delegation_id or 0),
        )

    def party(self, person: Participant, meeting_role: str) -> PartyView:
        org = self.organisations.get(person.organisation_id or 0)
        if meeting_role == MeetingRole.interpreter.value:
            role = "interpreter"
        else:
            # Someone registered as an interpreter who sits in as a party is a party here.
            role = person.role if person.role != "interpreter" else "delegate"
        return PartyView(
            participant_id=pk(person),
            full_name=person.full_name,
            name_local=person.name_local,
            position=person.position,
            organisation=Bilingual(org.name_vi, org.name_en) if org else Bilingual(),
            organisation_local=org.name_local if org else "",
            country=self.country(person),
            role=role,
        )


def _load_people(session: Session, ids: Iterable[int]) -> _People:
    loaded = readmodel.load_people(session, ids)
    return _People(loaded.participants, loaded.organisations, loaded.delegations)


_by_id = readmodel.by_id


def _times(meeting: Meeting, slots: dict[int, Slot]) -> tuple[Any, Any] | None:
    """Where the meeting is shown: its slot, or for a cancelled meeting the slot it last had
    (so that subscribed calendars remove it from there). None: nothing to show."""
    if meeting.slot_id is not None and meeting.slot_id in slots:
        slot = slots[meeting.slot_id]
        return slot.starts_at, slot.ends_at
    if (
        meeting.status == MeetingStatus.cancelled.value
        and meeting.last_starts_at is not None
        and meeting.last_ends_at is not None
        and meeting.last_ends_at > meeting.last_starts_at
    ):
        return meeting.last_starts_at, meeting.last_ends_at
    return None


def _interpreter_language(
    rows: Sequence[MeetingParticipant], participants: dict[int, Participant]
) -> str:
    """The language an interpreter in the meeting works in ('' when none is booked): one
    the interpreter shares with a party, other than Vietnamese (the interpreter of a
    Vietnamese–Taiwanese meeting who speaks Vietnamese and Chinese works in Chinese)."""
    need = meeting_queries.interpreter_need(rows, participants)
    if not need.provided:
        return ""

    def spoken(row: MeetingParticipant) -> list[str]:
        person = participants.get(row.participant_id)
        return [code.lower() for code in (person.languages if person else []) or []]

    party_langs = {c for r in rows if r.role == MeetingRole.party.value for c in spoken(r)}
    for row in rows:
        if row.role == MeetingRole.interpreter.value:
            for code in spoken(row):
                if code != "vi" and code in party_langs:
                    return code
    foreign = [c for c in need.languages if c != "vi"]
    return foreign[0] if foreign else ""


@dataclass
class _Loaded:
    views: dict[int, MeetingView]
    people_of: dict[int, list[MeetingParticipant]]
    people: _People


def _meeting_views(session: Session, event: Event, rows: Sequence[Meeting]) -> _Loaded:
    """MeetingViews for ``rows`` (those with a time to show), in a fixed number of queries."""
    people_of = readmodel.people_by_meeting(session, [pk(m) for m in rows])
    loaded = _load_people(
        session, (mp.participant_id for people in people_of.values() for mp in people)
    )
    slots: dict[int, Slot] = _by_id(session, Slot, (m.slot_id for m in rows if m.slot_id))
    tables: dict[int, MeetingTable] = _by_id(
        session, MeetingTable, (m.table_id for m in rows if m.table_id)
    )
    sessions: dict[int, EventSession] = _by_id(
        session, EventSession, (m.session_id for m in rows if m.session_id)
    )
    requests: dict[int, MeetingRequest] = _by_id(
        session, MeetingRequest, (m.request_id for m in rows if m.request_id)
    )
    profiles: dict[int, Profile] = _by_id(
        session, Profile, (i for r in requests.values() for i in r.profile_ids or [])
    )
    board = board_topics(session, (pk(m) for m in rows))  # topics given on the survey's board
    views: dict[int, MeetingView] = {}
    for meeting in rows:
        times = _times(meeting, slots)
        if times is None:
            continue
        people = people_of[pk(meeting)]
        table = tables.get(meeting.table_id or 0)
        event_session = sessions.get(meeting.session_id or 0)
        request = requests.get(meeting.request_id or 0)
        topics = [board[pk(meeting)]] if pk(meeting) in board else []
        for profile_id in request.profile_ids if request else []:
            profile = profiles.get(profile_id)
            if profile is None:
                continue
            title = Bilingual(profile.title_vi, profile.title_en)
            topics.append(title or Bilingual(profile.title_local, profile.title_local))
        views[pk(meeting)] = MeetingView(
            id=pk(meeting),
            revision=meeting.revision,
            updated_at=meeting.updated_at,
            status=meeting.status,
            starts_at=times[0],
            ends_at=times[1],
            parties=tuple(
                loaded.party(loaded.participants[mp.participant_id], mp.role)
                for mp in people
                if mp.participant_id in loaded.participants
            ),
            table_number=table.number if table else None,
            table_label=table.label if table else "",
            session_title=(
                Bilingual(event_session.title_vi, event_session.title_en)
                if event_session
                else Bilingual()
            ),
            room=event_session.room if event_session else "",
            topics=tuple(topics),
            interpreter_language=_interpreter_language(people, loaded.participants),
            mode=meeting.mode,
            video_url=link_for(meeting, event_session),
        )
    return _Loaded(views, people_of, loaded)


def _agenda_view(
    person: Participant,
    people: _People,
    meetings_: Iterable[MeetingView],
    *,
    published: bool,
    unscheduled: int = 0,
) -> PersonAgendaView:
    org = people.organisations.get(person.organisation_id or 0)
    delegation = people.delegations.get(person.delegation_id or 0)
    country = people.country(person)
    return PersonAgendaView(
        participant_id=pk(person),
        full_name=person.full_name,
        meetings=tuple(meetings_) if published else (),
        name_local=person.name_local,
        position=person.position,
        organisation=Bilingual(org.name_vi, org.name_en) if org else Bilingual(),
        organisation_local=org.name_local if org else "",
        country=country,
        delegation=delegation.name if delegation else "",
        language=participant_language(person, country),
        second=print_language(person.languages or [], country),
        checkin_code=person.code,
        schedule_published=published,
        unscheduled=unscheduled if published else 0,
    )


def person_view(
    session: Session,
    event: Event,
    participant: Participant,
    *,
    show_times: bool,
    include_cancelled: bool,
) -> PersonAgendaView:
    """One participant's meetings. The PDF agenda shows the active ones; the calendar feed
    also the cancelled ones, so that subscribed calendars remove them."""
    rows = session.exec(
        select(Meeting)
        .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
        .where(
            Meeting.event_id == pk(event),
            MeetingParticipant.participant_id == pk(participant),
        )
        .order_by(col(Meeting.id))
    ).all()
    shown = [
        m for m in rows if m.status in _ACTIVE or (include_cancelled and m.status == "cancelled")
    ]
    unscheduled = sum(1 for m in rows if m.status in _ACTIVE and m.slot_id is None)
    loaded = _meeting_views(session, event, shown if show_times else [])
    people = loaded.people
    if pk(participant) not in people.participants:
        people = _load_people(session, [pk(participant)])
    return _agenda_view(
        participant,
        people,
        loaded.views.values(),
        published=show_times,
        unscheduled=unscheduled,
    )


def agenda_views(
    session: Session,
    event: Event,
    *,
    delegation_id: int | None = None,
    session_id: int | None = None,
) -> list[PersonAgendaView]:
    """The agendas of everyone with an active, scheduled meeting (in ``session_id`` when
    given; members of ``delegation_id`` when given), ordered by name."""
    query = select(Meeting).where(
        Meeting.event_id == pk(event),
        col(Meeting.status).in_(_ACTIVE),
        col(Meeting.slot_id).is_not(None),
    )
    if session_id is not None:
        query = query.where(Meeting.session_id == session_id)
    rows = session.exec(query.order_by(col(Meeting.id))).all()
    loaded = _meeting_views(session, event, rows)
    by_person: dict[int, list[MeetingView]] = {}
    for meeting_id, people in loaded.people_of.items():
        view = loaded.views.get(meeting_id)
        if view is None:
            continue
        for mp in people:
            by_person.setdefault(mp.participant_id, []).append(view)
    persons = [
        p
        for pid, p in loaded.people.participants.items()
        if pid in by_person
        and p.status == ApprovalStatus.approved.value
        and (delegation_id is None or p.delegation_id == delegation_id)
    ]
    # Folded, so that 'Đỗ' sorts with D as on any Vietnamese list, not after Z.
    persons.sort(key=lambda p: (fold(p.full_name), pk(p)))
    return [_agenda_view(p, loaded.people, by_person[pk(p)], published=True) for p in persons]


def _matchmaking_sessions(
    session: Session, event: Event, session_id: int | None
) -> list[EventSession]:
    if session_id is not None:
        row = events.get_session(session, event_id=pk(event), session_id=session_id)
        if row.kind != SessionKind.matchmaking.value:
            raise Invalid("session_id", "only a B2B matchmaking session has tables and slots")
        return [row]
    return [
        s
        for s in events.list_sessions(session, event_id=pk(event))
        if s.kind == SessionKind.matchmaking.value
    ]


def _session_meetings(session: Session, event: Event, session_id: int) -> dict[int, MeetingView]:
    rows = list(meeting_queries.session_grid(session, session_id=session_id).values())
    return _meeting_views(session, event, rows).views


def table_sheet_views(
    session: Session, event: Event, *, session_id: int | None = None
) -> list[TableSheetView]:
    sheets: list[TableSheetView] = []
    for row in _matchmaking_sessions(session, event, session_id):
        views = _session_meetings(session, event, pk(row))
        by_table: dict[int, list[MeetingView]] = {}
        for view in views.values():
            if view.table_number is not None:
                by_table.setdefault(view.table_number, []).append(view)
        for table in events.list_tables(session, session_id=pk(row)):
            sheets.append(
                TableSheetView(
                    table_number=table.number,
                    meetings=tuple(by_table.get(table.number, ())),
                    session_title=Bilingual(row.title_vi, row.title_en),
                    table_label=table.label,
                    reserved_for=table.reserved_for,
                    room=row.room,
                )
            )
    return sheets


def grid_views(session: Session, event: Event, *, session_id: int | None = None) -> list[GridView]:
    grids: list[GridView] = []
    for row in _matchmaking_sessions(session, event, session_id):
        views = _session_meetings(session, event, pk(row))
        grids.append(
            GridView(
                session_title=Bilingual(row.title_vi, row.title_en),
                slots=tuple(
                    SlotView(number=s.number, starts_at=s.starts_at, ends_at=s.ends_at)
                    for s in events.list_slots(session, session_id=pk(row))
                ),
                tables=tuple(
                    TableView(number=t.number, label=t.label, reserved_for=t.reserved_for)
                    for t in events.list_tables(session, session_id=pk(row))
                ),
                meetings=tuple(views.values()),
                room=row.room,
            )
        )
    return grids


def programme_views(session: Session, event: Event) -> list[SessionView]:
    return [
        SessionView(
            id=pk(row),
            title=Bilingual(row.title_vi, row.title_en),
            kind=row.kind,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            updated_at=row.updated_at,
            room=row.room,
            # Sessions keep no revision counter; seconds since creation only ever grow with
            # each change, which is all that SEQUENCE has to do for calendars to update.
            revision=max(0, int((row.updated_at - row.created_at).total_seconds())),
        )
        for row in events.list_sessions(session, event_id=pk(event))
    ]


# ---- calendar tokens -----------------------------------------------------------------------


def active_calendar_token(session: Session, *, participant_id: int) -> CalendarToken | None:
    return session.exec(
        select(CalendarToken)
        .where(
            CalendarToken.participant_id == participant_id,
            col(CalendarToken.revoked_at).is_(None),
        )
        .order_by(col(CalendarToken.created_at).desc(), col(CalendarToken.id).desc())
    ).first()


def calendar_tokens(session: Session, *, participant_id: int) -> list[CalendarToken]:
    """Every link ever issued for the person, newest first (revoked ones included)."""
    return list(
        session.exec(
            select(CalendarToken)
            .where(CalendarToken.participant_id == participant_id)
            .order_by(col(CalendarToken.created_at).desc(), col(CalendarToken.id).desc())
        ).all()
    )


def revoke_calendar_tokens(session: Session, *, participant_id: int) -> int:
    now = utcnow()
    rows = session.exec(
        select(CalendarToken).where(
            CalendarToken.participant_id == participant_id,
            col(CalendarToken.revoked_at).is_(None),
        )
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    session.flush()
    return len(rows)


def issue_calendar_token(session: Session, *, participant_id: int) -> str:
    """A new secret link for the person; the previous one stops working at once."""
    revoke_calendar_tokens(session, participant_id=participant_id)
    token = secrets.token_urlsafe(32)
    session.add(CalendarToken(participant_id=participant_id, token_digest=digest(token)))
    session.flush()
    return token


def participant_for_token(session: Session, token: str | None) -> int | None:
    """The participant whose active link carries ``token``. The secret is never compared:
    the database finds the row by the digest, which reveals nothing about near misses."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(CalendarToken).where(CalendarToken.token_digest == digest(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    return row.participant_id


def feed_urls(event_id: int, participant_id: int, token: str) -> tuple[str, str]:
    """(https URL, webcal:// URL) of a participant's feed."""
    path = f"/api/v1/events/{event_id}/participants/{participant_id}/calendar.ics"
    url = absolute_url(path, token=token)
    return url, "webcal://" + url.split("://", 1)[1]


# ---- permission-checked operations ---------------------------------------------------------


@dataclass(frozen=True)
class Document:
    body: bytes
    filename: str
    private: bool = True


def _participant(session: Session, event: Event, participant_id: int) -> Participant:
    return registration.get_participant(session, event_id=pk(event), participant_id=participant_id)


def programme_calendar(
    session: Session, *, viewer: User | None, event_id: int, lang: str | None
) -> Document:
    event = events.get_event(session, event_id, viewer=viewer)
    locale = chosen_locale(lang, "vi")
    body = ical.build_programme(event_view(event), programme_views(session, event), locale=locale)
    return Document(
        body,
        f"ketnoi-{event_id}-programme.ics",
        private=event.status == EventStatus.draft.value,
    )


def personal_calendar(
    session: Session,
    *,
    viewer: User | None,
    event_id: int,
    participant_id: int,
    token: str | None,
    lang: str | None,
    feed: bool = True,
) -> Document:
    """A participant's meetings. Allowed with the person's active link token, or for anyone
    who may act for the person. A wrong or revoked token is a 404 (the link says nothing
    about whether the person exists) unless the caller is logged in and may act for them."""
    by_token = participant_for_token(session, token) == participant_id
    if by_token:
        # The token holder is a calendar app, not the organisers: it sees what a delegate
        # sees, and a draft event stays invisible to it.
        event = events.get_event(session, event_id, viewer=None)
        person = _participant(session, event, participant_id)
    else:
        if viewer is None:
            if token:
                raise NotFound("Calendar")
            raise Unauthorized()
        event = events.get_event(session, event_id, viewer=viewer)
        if token and not _may_act_for(session, viewer, event, participant_id):
            raise NotFound("Calendar")
        person = _participant(session, event, participant_id)
        registration.require_act_for(session, viewer, event, person)
    show = events.schedule_visible(session, None if by_token else viewer, event)
    view = person_view(session, event, person, show_times=show, include_cancelled=True)
    # Without a language asked for, the person's own (Japanese, Korean, Chinese included).
    asked = chosen_locale(lang, view.language) if lang else None
    body = ical.build_personal_feed(event_view(event), view, locale=asked, feed=feed)
    return Document(body, f"ketnoi-{event_id}-{slug(person.full_name, str(participant_id))}.ics")


def _may_act_for(session: Session, viewer: User | None, event: Event, participant_id: int) -> bool:
    person = session.get(Participant, participant_id)
    return (
        viewer is not None
        and person is not None
        and person.event_id == pk(event)
        and registration.can_act_for(session, viewer, event, person)
    )


def meeting_calendar(
    session: Session, *, viewer: User, event_id: int, meeting_id: int, lang: str | None
) -> Document:
    """One meeting for the people of the meeting, their delegation heads and the organisers,
    seen from the viewer's own seat when they sit in it."""
    meeting = meeting_queries.get_meeting(
        session, viewer=viewer, event_id=event_id, meeting_id=meeting_id
    )
    event = events.get_event(session, event_id, viewer=viewer)
    if not events.schedule_visible(session, viewer, event):
        raise Conflict(
            "the organisers have not published the meeting schedule yet",
            [FieldError("schedule", "not published")],
        )
    loaded = _meeting_views(session, event, [meeting])
    view = loaded.views.get(meeting_id)
    if view is None:
        raise Conflict(
            "this meeting has no time yet", [FieldError("slot_id", "the meeting is not scheduled")]
        )
    own = registration.participant_for_user(session, event_id=event_id, user=viewer)
    seat: int | None = None
    default = viewer.locale or "vi"
    if own is not None and any(mp.participant_id == pk(own) for mp in loaded.people_of[meeting_id]):
        seat = pk(own)
        default = participant_language(own, loaded.people.country(own))
    body = ical.build_meeting(
        event_view(event), view, locale=chosen_locale(lang, default), participant_id=seat
    )
    return Document(body, f"ketnoi-meeting-{meeting_id}.ics")


def personal_agenda_pdf(
    session: Session, *, viewer: User, event_id: int, participant_id: int
) -> Document:
    event = events.get_event(session, event_id, viewer=viewer)
    person = _participant(session, event, participant_id)
    registration.require_act_for(session, viewer, event, person)
    view = person_view(
        session,
        event,
        person,
        show_times=events.schedule_visible(session, viewer, event),
        include_cancelled=False,
    )
    body = pdf.render_personal_agenda(event_view(event), view)
    return Document(body, f"agenda-{slug(person.full_name, str(participant_id))}.pdf")


def check_print_filters(
    session: Session, event: Event, *, session_id: int | None, delegation_id: int | None
) -> None:
    """Filters naming something outside the event are a 422 naming the field."""
    if session_id is not None:
        row = session.get(EventSession, session_id)
        if row is None or row.event_id != pk(event):
            raise Invalid("session_id", "no such session in this event")
    if delegation_id is not None:
        delegation = session.get(Delegation, delegation_id)
        if delegation is None or delegation.event_id != pk(event):
            raise Invalid("delegation_id", "no such delegation in this event")


def agendas_pdf(
    session: Session,
    *,
    actor: User,
    event_id: int,
    delegation_id: int | None,
    session_id: int | None,
    by_delegation: bool,
) -> Document:
    event = events.managed_event(session, actor, event_id)
    check_print_filters(session, event, session_id=session_id, delegation_id=delegation_id)
    views = agenda_views(session, event, delegation_id=delegation_id, session_id=session_id)
    if len(views) > SYNC_AGENDA_LIMIT:
        raise Conflict(
            _l(
                "{len} agendas take too long to print while you wait; start a print job "
                "(POST /api/v1/events/{event_id}/print-jobs) and download it when it is done",
                len=len(views),
                event_id=event_id,
            ),
            [FieldError("print-jobs", "too many agendas for one request")],
        )
    body = pdf.render_agendas(event_view(event), views, by_delegation=by_delegation)
    return Document(body, f"ketnoi-{event_id}-agendas.pdf")


def tables_pdf(
    session: Session, *, actor: User, event_id: int, session_id: int | None, lang: str | None
) -> Document:
    event = events.managed_event(session, actor, event_id)
    sheets = table_sheet_views(session, event, session_id=session_id)
    _small_enough_to_wait_for(len(sheets), event_id)
    body = pdf.render_table_sheets(event_view(event), sheets, locale=chosen_locale(lang, "vi"))
    return Document(body, f"ketnoi-{event_id}-tables.pdf")


def grid_pdf(
    session: Session, *, actor: User, event_id: int, session_id: int | None, lang: str | None
) -> Document:
    event = events.managed_event(session, actor, event_id)
    grids = grid_views(session, event, session_id=session_id)
    _small_enough_to_wait_for(sum(len(g.tables) for g in grids), event_id)
    body = pdf.render_grid(event_view(event), grids, locale=chosen_locale(lang, "vi"))
    return Document(body, f"ketnoi-{event_id}-grid.pdf")


def reset_calendar_link(
    session: Session, *, actor: User, event_id: int, participant_id: int
) -> tuple[str, str, CalendarToken]:
    """Issue a new feed link (revoking the old one); returns (https URL, webcal URL, row).
    The URL is shown once: only the token's digest is kept."""
    event = events.get_event(session, event_id, viewer=actor)
    person = _participant(session, event, participant_id)
    registration.require_act_for(session, actor, event, person)
    token = issue_calendar_token(session, participant_id=participant_id)
    row = active_calendar_token(session, participant_id=participant_id)
    assert row is not None
    url, webcal = feed_urls(event_id, participant_id, token)
    return url, webcal, row


def revoke_calendar_link(
    session: Session, *, actor: User, event_id: int, participant_id: int
) -> int:
    event = events.get_event(session, event_id, viewer=actor)
    person = _participant(session, event, participant_id)
    registration.require_act_for(session, actor, event, person)
    return revoke_calendar_tokens(session, participant_id=participant_id)
