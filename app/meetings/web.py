"""Pages of the meetings module.

Delegates: "My meetings" (``/events/{id}/meetings/mine``: requests received and sent, the
agenda, choosing a time in self-booking mode) and the "Request a meeting" form. Organisers:
the session grid (tables × slots, with a form per meeting to move, lock or cancel it), the
"propose a meeting" form and the list of all requests.

Every write goes through the meetings services (commands, requests), so revisions, the audit
log and the e-mails follow exactly as through the API. Private pages send anonymous visitors
to log in (a 401 becomes a redirect), show a 403 page to the wrong role, and a draft event
stays a 404 for outsiders. Ids in query strings and forms are parsed by hand: a tampered
value is a field message or a 404 page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.auth.models import User
from app.checkin.service import checked_in_map
from app.deps import CurrentUser, Organiser, SessionDep
from app.errors import FieldError, Forbidden, Invalid, NotFound
from app.events import service as events
from app.events.models import (
    BookingMode,
    Event,
    EventSession,
    MeetingTable,
    SessionKind,
    Slot,
)
from app.exports.views import Bilingual
from app.forms import Form
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.matchmaking.models import Profile
from app.meetings import booking, commands, grid_window, queries, requests, rules
from app.meetings.models import (
    ACTIVE_STATUSES,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingRole,
    MeetingStatus,
    RequestStatus,
)
from app.meetings.schemas import (
    MeetingCreate,
    MeetingRequestCreate,
    MeetingUpdate,
    RequestBox,
)
from app.registration import service as registration
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    ParticipantRole,
)
from app.reminders.online import set_meeting_online, video_link
from app.survey.topics import meeting_topics
from app.types import pk, utcnow
from app.vocab import COUNTRIES, label
from app.web import redirect, render, request_locale

router = APIRouter(include_in_schema=False)

LIST_LIMIT = 200
REQUESTS_PAGE = 100
_ACTIVE = [s.value for s in ACTIVE_STATUSES]


# ---- form plumbing ------------------------------------------------------------------------


# ---- what the pages show ------------------------------------------------------------------


@dataclass
class PersonView:
    id: int
    name: str
    organisation: str
    country: str
    role: str

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


def _people(session: Session, ids: Sequence[int]) -> dict[int, PersonView]:
    """Public views of people, with their organisation and country (two queries)."""
    if not ids:
        return {}
    rows = session.exec(select(Participant).where(col(Participant.id).in_(list(ids)))).all()
    org_ids = {p.organisation_id for p in rows if p.organisation_id is not None}
    orgs = (
        {
            pk(o): o
            for o in session.exec(select(Organisation).where(col(Organisation.id).in_(org_ids)))
        }
        if org_ids
        else {}
    )
    delegation_ids = {p.delegation_id for p in rows if p.delegation_id is not None}
    countries = (
        {
            pk(d): d.country
            for d in session.exec(select(Delegation).where(col(Delegation.id).in_(delegation_ids)))
        }
        if delegation_ids
        else {}
    )
    out: dict[int, PersonView] = {}
    for p in rows:
        org = orgs.get(p.organisation_id) if p.organisation_id is not None else None
        country = org.country if org else countries.get(p.delegation_id or 0, "")
        out[pk(p)] = PersonView(pk(p), p.full_name, org.name_vi if org else "", country, p.role)
    return out


def _views(
    session: Session, event: Event, meetings: Sequence[Meeting], *, show_times: bool = True
) -> list[MeetingView]:
    """The meetings as the pages show them, loading people, slots and tables in bulk.
    ``show_times=False`` hides slot and table (organiser mode before publication)."""
    ids = [pk(m) for m in meetings]
    rows = (
        session.exec(
            select(MeetingParticipant).where(col(MeetingParticipant.meeting_id).in_(ids))
        ).all()
        if ids
        else []
    )
    by_meeting: dict[int, list[MeetingParticipant]] = {}
    order = {MeetingRole.party.value: 0, MeetingRole.interpreter.value: 1}
    for row in sorted(rows, key=lambda r: (order.get(r.role, 2), r.added_at, r.participant_id)):
        by_meeting.setdefault(row.meeting_id, []).append(row)
    people = _people(session, sorted({r.participant_id for r in rows}))
    participants = (
        {
            pk(p): p
            for p in session.exec(
                select(Participant).where(col(Participant.id).in_(list(people)))
            ).all()
        }
        if people
        else {}
    )
    slot_ids = {m.slot_id for m in meetings if m.slot_id is not None}
    table_ids = {m.table_id for m in meetings if m.table_id is not None}
    slots = (
        {pk(s): s for s in session.exec(select(Slot).where(col(Slot.id).in_(slot_ids)))}
        if slot_ids
        else {}
    )
    tables = (
        {
            pk(t): t
            for t in session.exec(select(MeetingTable).where(col(MeetingTable.id).in_(table_ids)))
        }
        if table_ids
        else {}
    )
    topics = meeting_topics(session, meetings)
    out = []
    for m in meetings:
        mine = by_meeting.get(pk(m), [])
        need = queries.interpreter_need(mine, participants)
        slot = slots.get(m.slot_id) if m.slot_id is not None and show_times else None
        table = tables.get(m.table_id) if m.table_id is not None and show_times else None
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
                video_url=video_link(session, m) if m.status != "cancelled" else "",
                topics=topics.get(pk(m), []),
            )
        )
    return out


def _time_key(view: MeetingView) -> tuple[int, float, int]:
    if view.starts_at is None:
        return (1, 0.0, view.id)
    return (0, view.starts_at.timestamp(), view.id)


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


def _request_views(
    session: Session, event: Event, rows: Sequence[MeetingRequest]
) -> list[RequestView]:
    people = _people(
        session, sorted({r.requester_id for r in rows} | {r.recipient_id for r in rows})
    )
    profile_ids = sorted({i for r in rows for i in r.profile_ids})
    profiles = (
        {pk(p): p for p in session.exec(select(Profile).where(col(Profile.id).in_(profile_ids)))}
        if profile_ids
        else {}
    )
    request_ids = [pk(r) for r in rows]
    meetings = (
        {
            int(m.request_id or 0): pk(m)
            for m in session.exec(select(Meeting).where(col(Meeting.request_id).in_(request_ids)))
        }
        if request_ids
        else {}
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
            meeting_id=meetings.get(pk(r)),
        )
        for r in rows
    ]


def _common(request: Request, event: Event) -> dict[str, Any]:
    locale = request_locale(request)
    return {
        "event": event,
        "zone": event.timezone,
        "country_label": lambda code: label(COUNTRIES, code, locale) if code else "",
        "flash": None,  # base.html knows only the events' messages; ours are shown by us
        "notice": request.query_params.get("flash"),
    }


# ---- my meetings --------------------------------------------------------------------------


def _shows_times(event: Event) -> bool:
    """Delegates see times and tables once there is something to rely on: always when they
    book themselves, after publication when the organisers schedule."""
    return (
        event.booking_mode == BookingMode.self_service.value
        or event.schedule_published_at is not None
    )


def _whose(
    session: Session, user: User, event: Event, participant_id: int | None
) -> Participant | None:
    """The person whose meetings the page shows: the viewer's own registration, or (for a
    delegation head or an organiser) the one named in ``?as=`` (``?participant_id=``)."""
    return registration.acting_person(session, user, event, participant_id)


def _checkin_qr(person: Participant | None) -> Markup | None:
    """The person's check-in code as an inline SVG QR code (no image request: it shows on a
    phone without a network, from the saved page)."""
    if person is None or person.status != "approved" or not person.code:
        return None
    svg = segno.make_qr(person.code, error="m").svg_inline(scale=5, border=2)
    return Markup(svg)


def _mine_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    person: Participant | None,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    organiser = events.can_manage(session, user, event)
    context: dict[str, Any] = {
        **_common(request, event),
        "person": person,
        "organiser": organiser,
        "errors": errors or {},
        "values": values or {},
        "self_service": event.booking_mode == BookingMode.self_service.value,
        # Shown on the page so that a copy saved on the phone says how old it is.
        "updated_at": utcnow(),
        "checkin_qr": _checkin_qr(person),
    }
    if person is None:
        return context
    me = pk(person)
    show_times = _shows_times(event) or organiser
    meetings, _ = queries.list_meetings(
        session, viewer=user, event_id=pk(event), participant_id=me, limit=LIST_LIMIT
    )
    agenda = sorted(_views(session, event, meetings, show_times=show_times), key=_time_key)
    if context["self_service"] and person.status == ApprovalStatus.approved.value:
        for view in agenda:
            if (
                view.status == MeetingStatus.confirmed.value
                and view.slot_id is None
                and view.is_party(me)
                and not view.locked
            ):
                view.free_slots = booking.common_free_slots(session, view.id)
    inbox, _ = requests.list_requests(
        session,
        viewer=user,
        event_id=pk(event),
        box=RequestBox.inbox,
        participant_id=me,
        limit=LIST_LIMIT,
    )
    outbox, _ = requests.list_requests(
        session,
        viewer=user,
        event_id=pk(event),
        box=RequestBox.outbox,
        participant_id=me,
        limit=LIST_LIMIT,
    )
    context.update(
        {
            "me": me,
            "show_times": show_times,
            "agenda": agenda,
            "next_meeting": next(
                (
                    v
                    for v in agenda
                    if v.open and v.starts_at is not None and (v.ends_at or v.starts_at) > utcnow()
                ),
                None,
            ),
            "booked": [v for v in agenda if v.starts_at is not None and not v.cancelled],
            "inbox": _request_views(session, event, inbox),
            "outbox": _request_views(session, event, outbox),
            "acting_for": registration.acting_for(person, user),
            "published": event.schedule_published_at is not None,
        }
    )
    return context


@router.get("/events/{event_id:int}/meetings/mine")
def my_meetings_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    participant_id: str = "",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    wanted = registration.parse_as(request.query_params.get("as") or participant_id)
    person = _whose(session, user, event, wanted)
    return render(
        request, "meetings/mine.html", _mine_context(request, session, user, event, person)
    )


def _back(event_id: int, form: Form) -> str:
    """Where a form on the agenda or the requests list returns to (only known pages)."""
    if form.get("back") == "requests":
        return _url(f"/events/{event_id}/meeting-requests", status=form.get("filter_status"))
    return _url(
        f"/events/{event_id}/meetings/mine", participant_id=_int(form.get("participant_id"))
    )


def _mine_failure(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    form: Form,
    key: str,
) -> Callable[[dict[str, str], int], Response]:
    """Re-render "My meetings" (or the organisers' request list) with the messages next to
    the form that failed, identified by ``key`` (e.g. ``decline-12``)."""

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.get_event(session, event_id, viewer=user)
        if form.get("back") == "requests":
            events.require_manage(session, user, event)
            context = _requests_context(
                request,
                session,
                user,
                event,
                form.get("filter_status"),
                0,
                errors={key: errors},
                values={key: form.values},
            )
            return render(request, "meetings/requests.html", context, status_code=status)
        person = _whose(session, user, event, _int(form.get("participant_id")))
        context = _mine_context(
            request,
            session,
            user,
            event,
            person,
            errors={key: errors},
            values={key: form.values},
        )
        return render(request, "meetings/mine.html", context, status_code=status)

    return fail


@router.post("/events/{event_id:int}/meeting-requests/{request_id:int}/accept")
async def accept_submit(
    event_id: int, request_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)
    created: list[Meeting] = []

    def save() -> None:
        created.append(
            requests.accept_request(session, actor=user, event_id=event_id, request_id=request_id)
        )

    def done() -> Response:
        target = _back(event_id, form)
        return redirect(target, flash="request-accepted")

    fail = _mine_failure(request, session, user, event_id, form, f"request-{request_id}")
    return _submit(session, save, fail, done)


@router.post("/events/{event_id:int}/meeting-requests/{request_id:int}/decline")
async def decline_submit(
    event_id: int, request_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        # The service checks the reason (required, at most 1000 characters).
        requests.decline_request(
            session,
            actor=user,
            event_id=event_id,
            request_id=request_id,
            reason=form.get("reason"),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"request-{request_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="request-declined")
    )


@router.post("/events/{event_id:int}/meeting-requests/{request_id:int}/cancel")
async def cancel_request_submit(
    event_id: int, request_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        requests.cancel_request(session, actor=user, event_id=event_id, request_id=request_id)

    fail = _mine_failure(request, session, user, event_id, form, f"request-{request_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="request-withdrawn")
    )


def _revision(form: Form) -> int | None:
    return _int(form.get("revision"))


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/book")
async def book_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        slot_id = _int(form.get("slot_id"))
        if slot_id is None:
            raise Invalid("slot_id", "choose a time")
        commands.book_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            slot_id=slot_id,
            revision=_revision(form),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"meeting-{meeting_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="meeting-booked")
    )


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/confirm")
async def confirm_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        commands.confirm_meeting(
            session, actor=user, event_id=event_id, meeting_id=meeting_id, revision=_revision(form)
        )

    fail = _mine_failure(request, session, user, event_id, form, f"meeting-{meeting_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="meeting-confirmed")
    )


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/cancel")
async def cancel_meeting_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        # The service checks the reason (required, at most 1000 characters).
        commands.cancel_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            reason=form.get("reason"),
            revision=_revision(form),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"meeting-{meeting_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="meeting-cancelled")
    )


# ---- request a meeting --------------------------------------------------------------------


def _profile_choices(
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


def _approved_people(
    session: Session, event_id: int, *, exclude: int | None = None
) -> list[PersonView]:
    ids = session.exec(
        select(Participant.id).where(
            Participant.event_id == event_id,
            Participant.status == ApprovalStatus.approved.value,
        )
    ).all()
    people = _people(session, [int(i) for i in ids if i is not None and i != exclude])
    return sorted(people.values(), key=lambda p: (p.name.casefold(), p.id))


def _request_context(
    request: Request,
    session: Session,
    event: Event,
    me: Participant,
    them: Participant | None,
    values: dict[str, Any],
    errors: dict[str, str],
    acting: Participant | None = None,
) -> dict[str, Any]:
    mine, theirs = _profile_choices(session, pk(event), me, them)
    return {
        **_common(request, event),
        "me": me,
        "them": _people(session, [pk(them)])[pk(them)] if them is not None else None,
        "people": _approved_people(session, pk(event), exclude=pk(me)) if them is None else [],
        "my_profiles": mine,
        "their_profiles": theirs,
        "values": values,
        "errors": errors,
        "acting_for": acting,
        # Past the end of the event (or the organisers' deadline) nothing can be asked.
        "closed_reason": _requests_closed(session, event),
    }


def _requests_closed(session: Session, event: Event) -> str:
    closed = rules.requests_closed(session, pk(event))
    return closed.detail if closed is not None else ""


def _recipient(
    session: Session, event_id: int, to: int | None, profile: int | None
) -> Participant | None:
    """The person asked: ``?to=``, or the owner of ``?profile=``; only approved people of
    this event (anything else is a 404, as on their public pages)."""
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


def _requester(session: Session, user: User, event: Event, request: Request) -> Participant | None:
    """Who asks: the user's own registration, or the member named in ``?as=``."""
    wanted = registration.parse_as(request.query_params.get("as"))
    return registration.acting_person(session, user, event, wanted)


@router.get("/events/{event_id:int}/meeting-requests/new")
def new_request_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    to: str = "",
    profile: str = "",
    message: str = "",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    them = _recipient(session, event_id, _int(to), _int(profile))
    me = _requester(session, user, event, request)
    if me is None:
        if events.can_manage(session, user, event):
            # Organisers without a registration of their own propose meetings instead.
            return redirect(_url(f"/events/{event_id}/meetings/new", a=pk(them) if them else None))
        raise Forbidden("Register for this event to ask for meetings")
    profile_id = _int(profile)
    values: dict[str, Any] = {
        "profile_ids": [str(profile_id)] if profile_id else [],
        "message": message[:2000],
    }
    return render(
        request,
        "meetings/request_form.html",
        _request_context(
            request, session, event, me, them, values, {}, registration.acting_for(me, user)
        ),
    )


@router.post("/events/{event_id:int}/meeting-requests/new")
async def new_request_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    form = await _form(request)
    me = _requester(session, user, event, request)
    if me is None:
        raise Forbidden("Register for this event to ask for meetings")
    me_id = pk(me)

    def save() -> None:
        recipient = _int(form.get("recipient_id"))
        missing = []
        if recipient is None:
            missing.append(FieldError("recipient_id", "choose the person you want to meet"))
        if not form.get("message"):
            missing.append(
                FieldError("message", "write a few words: who you are and what you wish to discuss")
            )
        if missing:
            raise Invalid(missing[0].field, missing[0].message, *missing[1:])
        assert recipient is not None
        profile_ids = [_int(v) for v in form.many("profile_ids")]
        data = MeetingRequestCreate.model_validate(
            {
                "recipient_id": recipient,
                "requester_id": me_id,
                "message": form.get("message"),
                # An unparseable id is an unknown profile: the service names it.
                "profile_ids": [i if i is not None else 0 for i in profile_ids],
            }
        )
        requests.create_request(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh_event = events.get_event(session, event_id, viewer=user)
        fresh_me = session.get(Participant, me_id)
        assert fresh_me is not None
        them = None
        recipient = _int(form.get("recipient_id"))
        if recipient is not None and form.get("fixed") == "1":
            try:
                them = _recipient(session, event_id, recipient, None)
            except NotFound:
                them = None
        values = {**form.values, "profile_ids": form.many("profile_ids")}
        return render(
            request,
            "meetings/request_form.html",
            _request_context(
                request,
                session,
                fresh_event,
                fresh_me,
                them,
                values,
                errors,
                registration.acting_for(fresh_me, user),
            ),
            status_code=status,
        )

    acting = registration.acting_for(me, user)
    return _submit(
        session,
        save,
        fail,
        lambda: redirect(
            _url(
                f"/events/{event_id}/meetings/mine", participant_id=pk(acting) if acting else None
            ),
            flash="request-sent",
        ),
    )


# ---- organisers: the session grid ---------------------------------------------------------


def _managed(session: Session, user: User, event_id: int) -> Event:
    event = events.managed_event(session, user, event_id)
    return event


def _matchmaking_session(session: Session, event_id: int, session_id: int) -> EventSession:
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    if row.kind != SessionKind.matchmaking.value:
        raise NotFound("Matchmaking session", session_id)
    return row


def _grid_context(
    request: Request,
    session: Session,
    event: Event,
    row: EventSession,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    focus: Meeting | None = None,
) -> dict[str, Any]:
    session_id = pk(row)
    slots = events.list_slots(session, session_id=session_id)
    tables = events.list_tables(session, session_id=session_id)
    # A big grid shows a window (app/meetings/grid_window.py); ``focus``: the one holding it.
    wanted = request.query_params
    window = grid_window.choose(
        slots,
        tables,
        slot=str(_number_of(slots, focus.slot_id)) if focus else wanted.get("slot"),
        table=str(_number_of(tables, focus.table_id)) if focus else wanted.get("table"),
    )
    placed = {
        (int(m.slot_id or 0), int(m.table_id or 0)): m
        for m in grid_window.placed_in(
            session, session_id=session_id, window=window, active=_ACTIVE
        )
    }
    figures = grid_window.counts(session, session_id=session_id, active=_ACTIVE)
    open_unplaced = session.exec(
        select(Meeting)
        .where(
            Meeting.event_id == event.id,
            col(Meeting.slot_id).is_(None),
            col(Meeting.status).in_(_ACTIVE),
            (col(Meeting.session_id) == session_id) | col(Meeting.session_id).is_(None),
        )
        .order_by(col(Meeting.priority).desc(), col(Meeting.id))
    ).all()
    cancelled = session.exec(
        select(Meeting)
        .where(
            Meeting.event_id == event.id,
            Meeting.session_id == session_id,
            Meeting.status == MeetingStatus.cancelled.value,
        )
        .order_by(col(Meeting.updated_at).desc(), col(Meeting.id))
        .limit(LIST_LIMIT)
    ).all()
    views = _views(session, event, [*placed.values(), *open_unplaced, *cancelled])
    by_id = {v.id: v for v in views}
    cells = {key: by_id[pk(m)] for key, m in placed.items()}
    scheduled = sorted(
        (by_id[pk(m)] for m in placed.values()),
        key=lambda v: (v.starts_at or datetime.max, v.table_number or 0),
    )
    return {
        **_common(request, event),
        "row": row,
        "slots": window.slots,
        "tables": window.tables,
        "all_slots": slots,
        "all_tables": tables,
        "window": window,
        "cells": cells,
        "scheduled": scheduled,
        "scheduled_count": figures.scheduled,
        "unscheduled": [by_id[pk(m)] for m in open_unplaced],
        "cancelled": [by_id[pk(m)] for m in cancelled],
        "with_interpreter": figures.with_interpreter,
        "locked_count": figures.locked,
        "errors": errors or {},
        # The event day (app.outcomes): who has checked in. Flags show only once the desk
        # has checked someone in, so that the grid is not all red before the day.
        "arrived": (arrived := checked_in_map(session, event_id=pk(event))),
        "not_arrived": sorted(
            {
                p.id: p for v in scheduled if v.open for p in v.parties if p.id not in arrived
            }.values(),
            key=lambda p: p.name,
        )
        if arrived
        else [],
    }


def meeting_views(session: Session, event: Event, rows: Sequence[Meeting]) -> list[MeetingView]:
    """The meetings as the grid shows them (people, interpreters, status), for other pages
    of the event day (app.outcomes.now)."""
    return _views(session, event, list(rows))


def _grid_url(event_id: int, session_id: int) -> str:
    return f"/events/{event_id}/sessions/{session_id}/grid"


def _number_of(rows: Sequence[Any], row_id: int | None) -> int | None:
    """The 1-based position of the slot or table ``row_id`` in the session's order."""
    return next((i for i, r in enumerate(rows, start=1) if r.id == row_id), None)


def _focus_query(session: Session, session_id: int, meeting_id: int) -> dict[str, Any]:
    """The grid window's query parameters that show ``meeting_id`` (after a change)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.slot_id is None:
        return {}
    slot = _number_of(events.list_slots(session, session_id=session_id), meeting.slot_id)
    table = _number_of(events.list_tables(session, session_id=session_id), meeting.table_id)
    return {"slot": slot, "table": table}


@router.get("/events/{event_id:int}/sessions/{session_id:int}/grid")
def grid_page(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = _managed(session, user, event_id)
    row = _matchmaking_session(session, event_id, session_id)
    return render(request, "meetings/grid.html", _grid_context(request, session, event, row))


def _grid_action(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    session_id: int,
    meeting_id: int,
    save: Callable[[], object],
    flash: str,
) -> Response:
    def fail(errors: dict[str, str], status: int) -> Response:
        event = _managed(session, user, event_id)
        row = _matchmaking_session(session, event_id, session_id)
        context = _grid_context(
            request,
            session,
            event,
            row,
            errors={f"meeting-{meeting_id}": errors},
            focus=session.get(Meeting, meeting_id),
        )
        return render(request, "meetings/grid.html", context, status_code=status)

    def done() -> Response:
        focus = _focus_query(session, session_id, meeting_id)
        url = _url(_grid_url(event_id, session_id), flash=flash, **focus)
        return redirect(url + f"#meeting-{meeting_id}")

    return _submit(session, save, fail, done)


def _keep_table(
    session: Session, meeting_id: int, slot_id: int | None, table_id: int | None
) -> int | None:
    """A move to another slot without a table chosen keeps the meeting's table if it is free
    there, and otherwise takes the first free one (the service's choice)."""
    if slot_id is None or table_id is not None:
        return table_id
    meeting = session.get(Meeting, meeting_id)
    current = meeting.table_id if meeting else None
    if current is None or booking.table_taken(
        session, slot_id=slot_id, table_id=current, meeting_id=meeting_id
    ):
        return None
    return current


def _meeting_page_context(
    request: Request,
    session: Session,
    event: Event,
    row: EventSession,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound("Meeting", meeting_id)
    view = _views(session, event, [meeting])[0]
    interpreters, colleagues = queries.addable_people(session, meeting_id)
    return {
        **_common(request, event),
        "row": row,
        "m": view,
        "options": booking.move_options(session, meeting_id) if view.open else [],
        "interpreters": interpreters,
        "colleagues": colleagues,
        "errors": errors or {},
    }


def _meeting_url(event_id: int, session_id: int, meeting_id: int) -> str:
    return f"{_grid_url(event_id, session_id)}/{meeting_id}"


@router.get("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}")
def grid_meeting_page(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    """One meeting of the grid: the times and tables free for everyone in it, and adding an
    interpreter or a colleague."""
    event = _managed(session, user, event_id)
    row = _matchmaking_session(session, event_id, session_id)
    context = _meeting_page_context(request, session, event, row, meeting_id)
    return render(request, "meetings/grid_meeting.html", context)


def _meeting_action(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    session_id: int,
    meeting_id: int,
    save: Callable[[], object],
    flash: str,
) -> Response:
    def fail(errors: dict[str, str], status: int) -> Response:
        event = _managed(session, user, event_id)
        row = _matchmaking_session(session, event_id, session_id)
        context = _meeting_page_context(request, session, event, row, meeting_id, errors=errors)
        return render(request, "meetings/grid_meeting.html", context, status_code=status)

    def done() -> Response:
        return redirect(_url(_meeting_url(event_id, session_id, meeting_id), flash=flash))

    return _submit(session, save, fail, done)


@router.post("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}/place")
async def grid_place_submit(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    """Move a meeting to one of the free (slot, table) pairs, or take it off the schedule."""
    _managed(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    form = await _form(request)

    def save() -> None:
        raw = form.get("place")
        if raw == "none":
            slot_id, table_id = None, None
        else:
            parts = raw.split(":")
            ids = [_int(p) for p in parts]
            if len(ids) != 2 or ids[0] is None or ids[1] is None:
                raise Invalid("place", "choose a time and a table from the list")
            slot_id, table_id = ids
        data = MeetingUpdate.model_validate(
            {"revision": _revision(form), "slot_id": slot_id, "table_id": table_id}
        )
        commands.update_meeting(
            session, actor=user, event_id=event_id, meeting_id=meeting_id, data=data
        )

    return _meeting_action(
        request, session, user, event_id, session_id, meeting_id, save, "meeting-moved"
    )


@router.post("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}/people")
async def grid_add_person_submit(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    """Add an interpreter or a colleague to the meeting."""
    _managed(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    form = await _form(request)

    def save() -> None:
        role_text, _, raw_id = form.get("person").partition(":")
        participant_id = _int(raw_id)
        if role_text not in ("interpreter", "colleague") or participant_id is None:
            raise Invalid("person", "choose a person from the list")
        commands.add_participant(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            participant_id=participant_id,
            role=MeetingRole(role_text),
            revision=_revision(form),
        )

    flash = "person-added"
    return _meeting_action(request, session, user, event_id, session_id, meeting_id, save, flash)


@router.post("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}/move")
async def grid_move_submit(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    _managed(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    form = await _form(request)

    def save() -> None:
        raw_slot, raw_table = form.get("slot_id"), form.get("table_id")
        slot_id, table_id = _int(raw_slot), _int(raw_table)
        if raw_slot and slot_id is None:
            raise Invalid("slot_id", "choose a slot from the list")
        if raw_table and table_id is None:
            raise Invalid("table_id", "choose a table from the list")
        table_id = _keep_table(session, meeting_id, slot_id, table_id)
        data = MeetingUpdate.model_validate(
            {"revision": _revision(form), "slot_id": slot_id, "table_id": table_id}
        )
        commands.update_meeting(
            session, actor=user, event_id=event_id, meeting_id=meeting_id, data=data
        )

    return _grid_action(
        request, session, user, event_id, session_id, meeting_id, save, "meeting-moved"
    )


@router.post("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}/lock")
async def grid_lock_submit(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    _managed(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    form = await _form(request)
    locked = form.get("locked") == "1"

    def save() -> None:
        data = MeetingUpdate.model_validate({"revision": _revision(form), "locked": locked})
        commands.update_meeting(
            session, actor=user, event_id=event_id, meeting_id=meeting_id, data=data
        )

    flash = "meeting-locked" if locked else "meeting-unlocked"
    return _grid_action(request, session, user, event_id, session_id, meeting_id, save, flash)


@router.post("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}/online")
async def grid_online_submit(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    """On-site, online or hybrid, and the meeting's own video link (app.reminders.online)."""
    _managed(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    form = await _form(request)

    def save() -> None:
        meeting = queries.get_meeting(
            session, viewer=user, event_id=event_id, meeting_id=meeting_id
        )
        set_meeting_online(session, meeting, mode=form.get("mode"), video_url=form.get("video_url"))

    return _meeting_action(
        request, session, user, event_id, session_id, meeting_id, save, "online-saved"
    )


@router.post("/events/{event_id:int}/sessions/{session_id:int}/grid/{meeting_id:int}/cancel")
async def grid_cancel_submit(
    event_id: int,
    session_id: int,
    meeting_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
) -> Response:
    _managed(session, user, event_id)
    _matchmaking_session(session, event_id, session_id)
    form = await _form(request)

    def save() -> None:
        reason = form.get("reason")
        if not reason:  # worded for the organisers; the service checks the length
            raise Invalid("reason", "say why; the people of the meeting will read it")
        commands.cancel_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            reason=reason,
            revision=_revision(form),
        )

    return _grid_action(
        request, session, user, event_id, session_id, meeting_id, save, "meeting-cancelled"
    )


# ---- organisers: propose a meeting --------------------------------------------------------


def _propose_context(
    request: Request,
    session: Session,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    people = _approved_people(session, pk(event))
    sessions = [
        (
            row,
            events.list_slots(session, session_id=pk(row)),
            events.list_tables(session, session_id=pk(row)),
        )
        for row in events.list_sessions(session, event_id=pk(event))
        if row.kind == SessionKind.matchmaking.value
    ]
    return {
        **_common(request, event),
        "parties": [p for p in people if p.role != ParticipantRole.interpreter.value],
        "interpreters": [p for p in people if p.role == ParticipantRole.interpreter.value],
        "sessions": sessions,
        "values": values,
        "errors": errors,
    }


@router.get("/events/{event_id:int}/meetings/new")
def propose_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    a: str = "",
    b: str = "",
) -> Response:
    event = _managed(session, user, event_id)
    values = {
        "participant_a": _int(a) or "",
        "participant_b": _int(b) or "",
        "needs_confirmation": "1",
    }
    return render(
        request, "meetings/propose.html", _propose_context(request, session, event, values, {})
    )


@router.post("/events/{event_id:int}/meetings/new")
async def propose_submit(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    _managed(session, user, event_id)
    form = await _form(request)
    created: list[Meeting] = []

    def save() -> None:
        a, b = _int(form.get("participant_a")), _int(form.get("participant_b"))
        if a is None or b is None:
            raise Invalid("participant_ids", "choose the two people who will meet")
        if a == b:
            raise Invalid("participant_ids", "choose two different people")
        interpreter = _int(form.get("interpreter_id"))
        if form.get("interpreter_id") and interpreter is None:
            raise Invalid("interpreter_id", "choose an interpreter from the list")
        slot_id, table_id = _int(form.get("slot_id")), _int(form.get("table_id"))
        if form.get("slot_id") and slot_id is None:
            raise Invalid("slot_id", "choose a slot from the list")
        if form.get("table_id") and table_id is None:
            raise Invalid("table_id", "choose a table from the list")
        data = MeetingCreate.model_validate(
            {
                "participant_ids": [a, b],
                "interpreter_ids": [interpreter] if interpreter else [],
                "needs_confirmation": form.get("needs_confirmation") == "1",
                "slot_id": slot_id,
                "table_id": table_id,
            }
        )
        created.append(commands.create_meeting(session, actor=user, event_id=event_id, data=data))

    def fail(errors: dict[str, str], status: int) -> Response:
        event = _managed(session, user, event_id)
        if "interpreter_ids" in errors:
            errors["interpreter_id"] = errors.pop("interpreter_ids")
        return render(
            request,
            "meetings/propose.html",
            _propose_context(request, session, event, dict(form.values), errors),
            status_code=status,
        )

    def done() -> Response:
        meeting = created[0]
        if meeting.session_id is not None:
            url = _url(_grid_url(event_id, meeting.session_id), flash="meeting-proposed")
            return redirect(url + f"#meeting-{meeting.id}")
        return redirect(f"/events/{event_id}/meeting-requests", flash="meeting-proposed")

    return _submit(session, save, fail, done)


# ---- organisers: all requests -------------------------------------------------------------


def _status_filter(raw: str) -> RequestStatus | None:
    try:
        return RequestStatus(raw) if raw else None
    except ValueError:
        return None


def _requests_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    raw_status: str,
    offset: int,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    status = _status_filter(raw_status)
    rows, total = requests.list_requests(
        session, viewer=user, event_id=pk(event), status=status, limit=REQUESTS_PAGE, offset=offset
    )
    counts = {
        s.value: requests.list_requests(
            session, viewer=user, event_id=pk(event), status=s, limit=1
        )[1]
        for s in RequestStatus
    }
    matchmaking = [
        row
        for row in events.list_sessions(session, event_id=pk(event))
        if row.kind == SessionKind.matchmaking.value
    ]
    return {
        **_common(request, event),
        "rows": _request_views(session, event, rows),
        "total": total,
        "counts": counts,
        "all_count": sum(counts.values()),
        "status": status.value if status else "",
        "statuses": list(RequestStatus),
        "offset": offset,
        "page_size": REQUESTS_PAGE,
        "prev_url": _url(
            f"/events/{pk(event)}/meeting-requests",
            status=status.value if status else None,
            offset=max(offset - REQUESTS_PAGE, 0) or None,
        ),
        "next_url": _url(
            f"/events/{pk(event)}/meeting-requests",
            status=status.value if status else None,
            offset=offset + REQUESTS_PAGE,
        ),
        "matchmaking": matchmaking,
        "errors": errors or {},
        "values": values or {},
    }


@router.get("/events/{event_id:int}/meeting-requests")
def requests_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    status: str = "",
    offset: str = "",
) -> Response:
    event = _managed(session, user, event_id)
    return render(
        request,
        "meetings/requests.html",
        _requests_context(request, session, user, event, status, _int(offset) or 0),
    )


# ---- a delegation head: every member's agenda on one page ---------------------------------


@router.get("/events/{event_id:int}/delegations/{delegation_id:int}/agenda")
def delegation_agenda_page(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The head (or an organiser) sees the meetings of every member of the delegation, one
    section per member, each with a link to act on their behalf."""
    event, delegation = registration.get_delegation(
        session, viewer=user, event_id=event_id, delegation_id=delegation_id
    )
    if not registration.can_manage_delegation(session, user, event, delegation):
        raise Forbidden("Only the event's organisers or the head of the delegation see this")
    show_times = _shows_times(event) or events.can_manage(session, user, event)
    members = []
    for person in registration.delegation_members(session, delegation_id, approved_only=False):
        meetings, _ = queries.list_meetings(
            session, viewer=user, event_id=event_id, participant_id=pk(person), limit=LIST_LIMIT
        )
        agenda = sorted(_views(session, event, meetings, show_times=show_times), key=_time_key)
        members.append({"person": person, "agenda": agenda})
    return render(
        request,
        "meetings/delegation_agenda.html",
        {
            **_common(request, event),
            "delegation": delegation,
            "members": members,
            "show_times": show_times,
        },
    )
