"""JSON API of the event day and its outcomes: check-in, arrivals, attendance, late arrivals,
feedback, agreements and their documents, the organiser's figures. Thin: parse, call one
service, shape the output. Datetimes carry the event's offset; money is a decimal string."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from sqlmodel import Session

from app.checkin import service as checkin_service
from app.checkin.models import CheckinMethod
from app.deps import CurrentUser, OptionalUser, Organiser, SessionDep
from app.events import service as events
from app.events.models import Event
from app.exports.responses import download_response
from app.meetings.presenters import meeting_public
from app.meetings.schemas import MeetingPublic
from app.outcomes import agreements as agreement_service
from app.outcomes import day as day_service
from app.outcomes import documents as docs
from app.outcomes import feedback as feedback_service
from app.outcomes import stats as stats_service
from app.outcomes.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementStatus,
    MeetingFeedback,
    NextStep,
)
from app.outcomes.schemas import (
    ID_MAX,
    AgendaItemPublic,
    AgreementCreate,
    AgreementPublic,
    AgreementUpdate,
    ArrivalsPublic,
    AttendanceIn,
    CheckinIn,
    CheckinPersonPublic,
    CheckinPublic,
    DelegationArrivalsPublic,
    DocumentPublic,
    EventStatsPublic,
    FeedbackIn,
    FeedbackPublic,
    FeedbackRequestsPublic,
    LateArrivalPublic,
    MissingPersonPublic,
    MovedMeetingPublic,
    PartyPublic,
    SearchHitPublic,
)
from app.pagination import Page, Paging
from app.registration.models import Participant
from app.types import DbInt, pk, utcnow

router = APIRouter(prefix="/api/v1/events", tags=["outcomes"])

# Ids in paths and queries, bounded like the database's keys (see schemas.ID_MAX).
Id = Annotated[int, Path(ge=1, le=ID_MAX)]
QueryId = Annotated[int | None, Query(ge=1, le=ID_MAX)]

OUTCOMES = "/{event_id}/outcomes"
AGREEMENT = OUTCOMES + "/agreements/{agreement_id}"


def _event(db: Session, event_id: DbInt) -> Event:
    event = db.get(Event, event_id)
    assert event is not None  # the service has loaded it with its permission check
    return event


def _card(card: checkin_service.PersonCard) -> CheckinPersonPublic:
    return CheckinPersonPublic.model_validate(asdict(card))


# ---- check-in -----------------------------------------------------------------------------


@router.post(
    "/{event_id}/check-in",
    response_model=CheckinPublic,
    status_code=201,
    responses={200: {"description": "Already checked in: the first check-in, unchanged"}},
)
def check_in(
    event_id: Id, data: CheckinIn, session: SessionDep, user: CurrentUser, response: Response
) -> CheckinPublic:
    """Check a person in by the code of their agenda (typed or scanned; case, spaces and
    dashes do not matter) or by id. 201 the first time, 200 with the first check-in after."""
    result = checkin_service.check_in(
        session,
        actor=user,
        event_id=event_id,
        participant_id=data.participant_id,
        code=data.code,
        method=data.method,
    )
    if not result.created:
        response.status_code = 200
    event = _event(session, event_id)
    zone = events.event_zone(event)
    return CheckinPublic(
        participant=_card(checkin_service.person_card(session, result.participant)),
        checked_in_at=result.checkin.checked_in_at.astimezone(zone),
        method=CheckinMethod(result.checkin.method),
        by_user_id=result.checkin.by_user_id,
        already_checked_in=not result.created,
        meetings=[
            AgendaItemPublic.model_validate(asdict(item))
            for item in day_service.agenda_items(session, event, result.participant)
        ],
    )


@router.delete("/{event_id}/participants/{participant_id}/check-in", status_code=204)
def undo_check_in(
    event_id: Id, participant_id: Id, session: SessionDep, user: CurrentUser
) -> Response:
    checkin_service.undo_check_in(
        session, actor=user, event_id=event_id, participant_id=participant_id
    )
    return Response(status_code=204)


@router.get("/{event_id}/check-in/search", response_model=list[SearchHitPublic])
def search_for_checkin(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchHitPublic]:
    hits = checkin_service.search_for_checkin(
        session, actor=user, event_id=event_id, q=q, limit=limit
    )
    zone = events.event_zone(_event(session, event_id))
    return [
        SearchHitPublic(
            participant=_card(h.participant),
            checked_in_at=h.checked_in_at.astimezone(zone) if h.checked_in_at else None,
        )
        for h in hits
    ]


@router.get("/{event_id}/arrivals", response_model=ArrivalsPublic)
def arrivals(
    event_id: Id, session: SessionDep, user: CurrentUser, day: date | None = None
) -> ArrivalsPublic:
    result = day_service.arrivals(session, actor=user, event_id=event_id, day=day)
    return ArrivalsPublic(
        day=result.day,
        total=result.total,
        arrived=result.arrived,
        by_delegation=[
            DelegationArrivalsPublic.model_validate(asdict(d)) for d in result.by_delegation
        ],
        missing_with_meetings=[
            MissingPersonPublic.model_validate(asdict(m)) for m in result.missing_with_meetings
        ],
    )


# ---- on the day ---------------------------------------------------------------------------


@router.post("/{event_id}/meetings/{meeting_id}/attendance", response_model=MeetingPublic)
def mark_meeting(
    event_id: Id, meeting_id: Id, data: AttendanceIn, session: SessionDep, user: CurrentUser
) -> MeetingPublic:
    meeting = day_service.mark_meeting(
        session,
        actor=user,
        event_id=event_id,
        meeting_id=meeting_id,
        outcome=data.outcome,
        absent_participant_ids=data.absent_participant_ids,
        revision=data.revision,
    )
    return meeting_public(session, _event(session, event_id), meeting)


@router.post(
    "/{event_id}/participants/{participant_id}/late-arrival", response_model=LateArrivalPublic
)
def late_arrival(
    event_id: Id, participant_id: Id, session: SessionDep, user: Organiser
) -> LateArrivalPublic:
    """Give a late person's missed meetings later slots (the scheduler, incremental)."""
    result = day_service.replace_late_arrival(
        session, actor=user, event_id=event_id, participant_id=participant_id, now=utcnow()
    )
    return LateArrivalPublic(
        participant_id=result.participant_id,
        replaced=[
            MovedMeetingPublic(
                meeting_id=r.meeting_id,
                starts_at=r.starts_at,
                table_number=r.table_number,
                was_at=r.was_at,
                reason=r.reason,
            )
            for r in result.replaced
        ],
        unplaced=result.unplaced,
        changed=result.changed,
        run_id=result.run_ids[-1] if result.run_ids else None,
        reason=result.reason or None,
    )


# ---- feedback -----------------------------------------------------------------------------


def _feedback_public(db: Session, event: Event, row: MeetingFeedback) -> FeedbackPublic:
    zone = events.event_zone(event)
    person = db.get(Participant, row.participant_id)
    return FeedbackPublic(
        id=pk(row),
        event_id=row.event_id,
        meeting_id=row.meeting_id,
        participant_id=row.participant_id,
        participant_name=person.full_name if person else "",
        held=row.held,
        rating=row.rating,
        wants_to_continue=row.wants_to_continue,
        next_steps=[NextStep(s) for s in row.next_steps],
        comment=row.comment,
        created_at=row.created_at.astimezone(zone),
        updated_at=row.updated_at.astimezone(zone),
    )


@router.get(OUTCOMES + "/feedback", response_model=Page[FeedbackPublic])
def list_feedback(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    paging: Paging,
    meeting_id: QueryId = None,
    participant_id: QueryId = None,
) -> Page[FeedbackPublic]:
    rows, total = feedback_service.list_feedback(
        session,
        viewer=user,
        event_id=event_id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    event = _event(session, event_id)
    return Page(
        items=[_feedback_public(session, event, r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    OUTCOMES + "/feedback",
    response_model=FeedbackPublic,
    status_code=201,
    responses={200: {"description": "Feedback given before, now updated"}},
)
def give_feedback(
    event_id: Id,
    data: FeedbackIn,
    session: SessionDep,
    user: OptionalUser,
    response: Response,
    token: Annotated[str | None, Query(max_length=200)] = None,
) -> FeedbackPublic:
    """A person of the meeting (or whoever acts for them) gives or updates their feedback;
    with ``?token=`` from the feedback e-mail, no log-in is needed."""
    row, created = feedback_service.submit_feedback(
        session, event_id=event_id, data=data, actor=user, token=token
    )
    if not created:
        response.status_code = 200
    return _feedback_public(session, _event(session, event_id), row)


@router.post(
    "/{event_id}/sessions/{session_id}/feedback-requests", response_model=FeedbackRequestsPublic
)
def send_feedback_requests(
    event_id: Id, session_id: Id, session: SessionDep, user: Organiser
) -> FeedbackRequestsPublic:
    """E-mail the people of the session's held meetings their feedback links (once each)."""
    result = feedback_service.send_feedback_requests(
        session, actor=user, event_id=event_id, session_id=session_id
    )
    return FeedbackRequestsPublic.model_validate(asdict(result))


# ---- agreements ---------------------------------------------------------------------------


def _document_public(row: AgreementDocument, event: Event) -> DocumentPublic:
    return DocumentPublic(
        id=pk(row),
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at.astimezone(events.event_zone(event)),
    )


def agreement_public(db: Session, event: Event, row: Agreement) -> AgreementPublic:
    zone = events.event_zone(event)
    return AgreementPublic(
        id=pk(row),
        event_id=row.event_id,
        meeting_id=row.meeting_id,
        kind=AgreementKind(row.kind),
        title_vi=row.title_vi,
        title_en=row.title_en,
        signed_on=row.signed_on,
        value=row.value,
        currency=row.currency,  # type: ignore[arg-type]
        status=AgreementStatus(row.status),
        at_ceremony=row.at_ceremony,
        ceremony_order=row.ceremony_order,
        follow_up_status=row.follow_up_status,
        notes=row.notes,
        parties=[
            PartyPublic.model_validate(asdict(p))
            for p in agreement_service.agreement_parties(db, pk(row))
        ],
        documents=[
            _document_public(d, event) for d in agreement_service.agreement_documents(db, pk(row))
        ],
        created_at=row.created_at.astimezone(zone),
        updated_at=row.updated_at.astimezone(zone),
    )


@router.get(OUTCOMES + "/agreements", response_model=Page[AgreementPublic])
def list_agreements(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    paging: Paging,
    status: AgreementStatus | None = None,
    kind: AgreementKind | None = None,
) -> Page[AgreementPublic]:
    rows, total = agreement_service.list_agreements(
        session,
        viewer=user,
        event_id=event_id,
        status=status,
        kind=kind,
        limit=paging.limit,
        offset=paging.offset,
    )
    event = _event(session, event_id)
    return Page(
        items=[agreement_public(session, event, r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(OUTCOMES + "/agreements", response_model=AgreementPublic, status_code=201)
def create_agreement(
    event_id: Id, data: AgreementCreate, session: SessionDep, user: Organiser, response: Response
) -> AgreementPublic:
    row = agreement_service.create_agreement(session, actor=user, event_id=event_id, data=data)
    response.headers["Location"] = f"/api/v1/events/{event_id}/outcomes/agreements/{row.id}"
    return agreement_public(session, _event(session, event_id), row)


@router.get(AGREEMENT, response_model=AgreementPublic)
def read_agreement(
    event_id: Id, agreement_id: Id, session: SessionDep, user: CurrentUser
) -> AgreementPublic:
    row = agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    return agreement_public(session, _event(session, event_id), row)


@router.patch(AGREEMENT, response_model=AgreementPublic)
def update_agreement(
    event_id: Id,
    agreement_id: Id,
    data: AgreementUpdate,
    session: SessionDep,
    user: Organiser,
) -> AgreementPublic:
    row = agreement_service.update_agreement(
        session, actor=user, event_id=event_id, agreement_id=agreement_id, data=data
    )
    return agreement_public(session, _event(session, event_id), row)


@router.delete(AGREEMENT, status_code=204)
def delete_agreement(
    event_id: Id, agreement_id: Id, session: SessionDep, user: Organiser
) -> Response:
    agreement_service.delete_agreement(
        session, actor=user, event_id=event_id, agreement_id=agreement_id
    )
    return Response(status_code=204)


@router.post(AGREEMENT + "/documents", response_model=DocumentPublic, status_code=201)
def upload_document(
    event_id: Id,
    agreement_id: Id,
    file: Annotated[UploadFile, File(description="PDF, DOCX, PNG, JPEG or WebP; at most 10 MB")],
    session: SessionDep,
    user: Organiser,
) -> DocumentPublic:
    # One byte past the limit is enough to refuse a larger file without holding it whole.
    file.file.seek(0)
    data = file.file.read(docs.MAX_DOCUMENT_BYTES + 1)
    row = agreement_service.add_document(
        session,
        actor=user,
        event_id=event_id,
        agreement_id=agreement_id,
        filename=file.filename,
        data=data,
    )
    return _document_public(row, _event(session, event_id))


@router.get(
    AGREEMENT + "/documents/{document_id}",
    response_class=Response,
    responses={200: {"description": "The file, always as a download"}},
)
def download_document(
    event_id: Id, agreement_id: Id, document_id: Id, session: SessionDep, user: CurrentUser
) -> Response:
    row, body = agreement_service.get_document(
        session,
        viewer=user,
        event_id=event_id,
        agreement_id=agreement_id,
        document_id=document_id,
    )
    return download_response(body, filename=row.filename, media_type=row.content_type)


# ---- figures ------------------------------------------------------------------------------


@router.get("/{event_id}/stats", response_model=EventStatsPublic)
def stats(event_id: Id, session: SessionDep, user: Organiser) -> EventStatsPublic:
    """The organiser's figures (definitions in app.outcomes.stats)."""
    events.managed_event(session, user, event_id)
    return EventStatsPublic.model_validate(stats_service.event_stats(session, event_id=event_id))
