"""JSON API of the demand survey ("khảo sát nhu cầu kết nối"): open or close it, read and
answer one participant's survey (the person, their delegation head or the organisers), the
organisers' list of wishes and their spreadsheet import, the matching board, and turning a
selection of the board into proposed meetings with their topic. Thin: parse, call one
service, shape the output; errors are problem+json naming the field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from sqlmodel import Session

from app.auth.models import User
from app.deps import CurrentUser, OptionalUser, Organiser, SessionDep
from app.errors import FieldError, Invalid, Msg, _l
from app.events import service as events
from app.events.models import Event
from app.imports.uploads import read_upload
from app.pagination import Page, Paging
from app.registration import service as registration
from app.survey import imports, service
from app.survey.models import WishLevel
from app.survey.schemas import (
    ID_MAX,
    BoardPair,
    BoardParty,
    ParticipantSurvey,
    ProposalCreate,
    ProposalResult,
    ProposedMeeting,
    SurveyState,
    SurveyUpdate,
    WishesSaved,
    WishesUpdate,
    WishImportResult,
    WishImportRow,
    WishOption,
    WishPublic,
)
from app.survey.topics import board_topics
from app.types import DbInt, pk

router = APIRouter(prefix="/api/v1/events", tags=["survey"])

Id = Annotated[int, Path(ge=1, le=ID_MAX)]
SURVEY = "/{event_id}/survey"


def _managed(session: Session, user: User | None, event_id: int) -> Event:
    """The event, for its organisers (404 for those who may not see it, else 403)."""
    event = events.managed_event(session, user, event_id)
    return event


@router.get(SURVEY, summary="Whether the demand survey takes answers")
def get_survey(event_id: DbInt, session: SessionDep, user: OptionalUser) -> SurveyState:
    event = events.get_event(session, event_id, viewer=user)
    return SurveyState(event_id=pk(event), open=service.is_open(session, pk(event)))


@router.put(SURVEY, summary="Open or close the demand survey (organisers)")
def put_survey(
    event_id: DbInt, body: SurveyUpdate, session: SessionDep, user: Organiser
) -> SurveyState:
    service.set_open(session, actor=user, event_id=event_id, open_=body.open)
    return SurveyState(event_id=event_id, open=body.open)


@router.get(
    SURVEY + "/participants/{participant_id}",
    summary="One participant's survey: whom they may ask to meet and their wishes",
)
def get_participant_survey(
    event_id: DbInt, participant_id: Id, session: SessionDep, user: CurrentUser
) -> ParticipantSurvey:
    """For the participant, their delegation head and the event's organisers. The options
    are the people of other organisations at the tables, best suggestion first."""
    event = events.get_event(session, event_id, viewer=user)
    me = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    registration.require_act_for(session, user, event, me)
    return ParticipantSurvey(
        event_id=event_id,
        participant_id=participant_id,
        open=service.is_open(session, event_id),
        options=[
            WishOption(
                participant_id=pk(o.participant),
                full_name=o.participant.full_name,
                name_local=o.participant.name_local,
                organisation=o.organisation,
                country=o.country,
                profiles=o.profiles,
                score=round(o.score, 4),
                level=WishLevel(o.level) if o.level else None,
            )
            for o in service.options(session, event=event, me=me)
        ],
    )


@router.put(
    SURVEY + "/participants/{participant_id}/wishes",
    summary="Answer the survey: must meet, would like, or withdraw a wish",
)
def put_wishes(
    event_id: DbInt,
    participant_id: Id,
    body: WishesUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> WishesSaved:
    """While the survey is open (organisers at any time). A refused person is named as
    ``wishes[i].participant_id``."""
    index = {w.participant_id: i for i, w in enumerate(body.wishes)}
    try:
        count = service.save_wishes(
            session,
            actor=user,
            event_id=event_id,
            participant_id=participant_id,
            wishes={w.participant_id: w.level.value if w.level else None for w in body.wishes},
        )
    except Invalid as exc:
        raise _renamed(exc, index) from None
    return WishesSaved(participant_id=participant_id, count=count)


def _renamed(exc: Invalid, index: dict[int, int]) -> Invalid:
    """The service names a person's field ``wish_<id>``; the API names the list item."""
    errors = []
    for e in exc.errors:
        person = e.field.removeprefix("wish_")
        if e.field.startswith("wish_") and person.isdigit() and int(person) in index:
            errors.append(FieldError(f"wishes[{index[int(person)]}].participant_id", e.message))
        else:
            errors.append(e)
    return Invalid(errors[0].field, errors[0].message, *errors[1:])


@router.get(SURVEY + "/wishes", summary="Every wish stated for the event (organisers)")
def list_wishes(
    event_id: DbInt, session: SessionDep, user: Organiser, paging: Paging
) -> Page[WishPublic]:
    rows, total = service.list_wishes(
        session, actor=user, event_id=event_id, offset=paging.offset, limit=paging.limit
    )
    return Page[WishPublic](
        items=[
            WishPublic(
                id=pk(w),
                from_participant_id=w.from_participant_id,
                to_participant_id=w.to_participant_id,
                level=WishLevel(w.level),
                updated_at=w.updated_at,
            )
            for w in rows
        ],
        total=int(total),
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    SURVEY + "/wishes/import",
    summary="Import wishes from the organisers' spreadsheet (CSV/XLSX)",
)
def import_wishes(
    event_id: DbInt,
    session: SessionDep,
    user: Organiser,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or Excel workbook (.xlsx)")],
    dry_run: Annotated[bool, Query(description="check and preview only")] = False,
) -> WishImportResult:
    """Columns: who wants to meet (e-mail), whom (e-mail), and "Bắt buộc gặp" or "Muốn
    gặp". A file with any problem saves nothing: 422 with every problem, each naming its row
    and column (``rows[3].to``; ``file`` for the file itself)."""
    parsed = imports.parse(
        session, actor=user, event_id=event_id, data=read_upload(file), name=file.filename or ""
    )
    if parsed.problems:
        errors = [
            FieldError(
                f"rows[{p.row}].{p.column}" if p.row else p.column,
                Msg(p.message, **p.params),
            )
            for p in parsed.problems
        ]
        raise Invalid(errors[0].field, errors[0].message, *errors[1:])
    rows = [
        WishImportRow(
            row=r.row,
            from_participant_id=r.from_id,
            to_participant_id=r.to_id,
            level=WishLevel(r.level),
            from_name=r.from_name,
            to_name=r.to_name,
        )
        for r in parsed.rows
    ]
    if dry_run:
        return WishImportResult(rows=rows, saved=None)
    saved = imports.apply(
        session,
        actor=user,
        event_id=event_id,
        rows=[(r.from_id, r.to_id, r.level) for r in parsed.rows],
    )
    return WishImportResult(rows=rows, saved=saved)


@router.get(SURVEY + "/board", summary="The matching board (organisers)")
def get_board(event_id: DbInt, session: SessionDep, user: Organiser) -> list[BoardPair]:
    """Every pair somebody asked for: mutual "must meet" first, then the suggestion score;
    the topic suggested from their best-matching offer and need."""
    event = _managed(session, user, event_id)
    return [
        BoardPair(
            key=p.key,
            a=BoardParty(
                participant_id=pk(p.a),
                full_name=p.a.full_name,
                name_local=p.a.name_local,
                organisation=p.a_organisation,
                wants=WishLevel(p.a_wants) if p.a_wants else None,
            ),
            b=BoardParty(
                participant_id=pk(p.b),
                full_name=p.b.full_name,
                name_local=p.b.name_local,
                organisation=p.b_organisation,
                wants=WishLevel(p.b_wants) if p.b_wants else None,
            ),
            score=round(p.score, 4),
            priority=p.priority,
            mutual=p.mutual,
            meeting_id=p.meeting_id,
            topic_vi=p.topic.vi,
            topic_en=p.topic.en,
        )
        for p in service.board(session, event=event)
    ]


@router.post(
    SURVEY + "/board/proposals",
    status_code=201,
    summary="Turn chosen pairs of the board into proposed meetings, with their topic",
)
def propose(
    event_id: DbInt,
    body: ProposalCreate,
    session: SessionDep,
    user: Organiser,
    response: Response,
) -> ProposalResult:
    """Each pair becomes a meeting with the priority its wishes give (mutual must 30 … one
    side's would 5): confirmed when both asked, else proposed to the other side. Pairs that
    already meet are skipped (listed in ``skipped``)."""
    keys = [item.pair for item in body.pairs]
    if len(set(keys)) != len(keys):
        raise Invalid("pairs", _l("each pair at most once"))
    index = {item.pair: i for i, item in enumerate(body.pairs)}
    topics = {item.pair: item.topic for item in body.pairs if item.topic is not None}
    try:
        created = service.propose(session, actor=user, event_id=event_id, keys=keys, topics=topics)
    except Invalid as exc:
        raise _pair_fields(exc, index) from None
    topic_of = board_topics(session, (pk(m) for _, m in created))
    result = ProposalResult(
        meetings=[
            ProposedMeeting(
                meeting_id=pk(m),
                pair=key,
                status=m.status,
                priority=m.priority,
                topic_vi=topic_of[pk(m)].vi if pk(m) in topic_of else "",
                topic_en=topic_of[pk(m)].en if pk(m) in topic_of else "",
            )
            for key, m in created
        ],
        skipped=sorted(set(keys) - {key for key, _ in created}),
    )
    if not created:
        response.status_code = 200
    return result


def _pair_fields(exc: Invalid, index: dict[str, int]) -> Invalid:
    """``topic_<pair>`` and an unknown pair named as the list items of the request."""
    errors = []
    for e in exc.errors:
        key = e.field.removeprefix("topic_")
        if e.field.startswith("topic_") and key in index:
            errors.append(FieldError(f"pairs[{index[key]}].topic", e.message))
        elif e.field == "pairs":
            unknown = next((k for k in index if k in str(e.message)), None)
            field = f"pairs[{index[unknown]}].pair" if unknown is not None else "pairs"
            errors.append(FieldError(field, e.message))
        else:
            errors.append(e)
    return Invalid(errors[0].field, errors[0].message, *errors[1:])
