"""Agreements signed after the meetings: who may see them, their parties and documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import clock
from app.audit.service import diff, record
from app.auth.models import User
from app.errors import (
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    NotRegistered,
    _l,
)
from app.events import service as events
from app.events.models import (
    Event,
    Slot,
)
from app.i18n.words import status_word
from app.meetings import readmodel
from app.meetings.models import Meeting, MeetingStatus
from app.outcomes import documents as docs
from app.outcomes.feedback import acted_for_ids
from app.outcomes.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
)
from app.outcomes.schemas import AgreementCreate, AgreementUpdate, PartyIn
from app.pagination import page_total
from app.registration.models import (
    ApprovalStatus,
    Organisation,
    Participant,
)
from app.types import pk
from app.vocab import Label

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
FOLLOWED_UP = (AgreementStatus.signed.value, AgreementStatus.in_progress.value)


# ---- agreements ---------------------------------------------------------------------------


def _viewer_scope(session: Session, user: User, event: Event) -> tuple[set[int], set[int]]:
    """(organisation ids, participant ids) whose agreements the user may read: those of the
    approved registrations the user acts for (their own; a delegation head's members).

    Only approved ones: a registration names its organisation, and a pending one (a person's
    own, or a member a head added) names whatever its author typed. The organisers decide
    who represents an organisation when they approve the registration, and after that only
    they can change its organisation (registration.update_participant)."""
    people = acted_for_ids(session, user, event)
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
            refusal = _l("Only the organisers and the parties can see this event's agreements")
            if acted_for_ids(session, viewer, event):
                raise Forbidden(refusal)  # registered, not yet approved: no "register first"
            raise NotRegistered(refusal)
        mine = select(AgreementParty.agreement_id).where(
            col(AgreementParty.organisation_id).in_(orgs)
            | col(AgreementParty.participant_id).in_(people)
        )
        query = query.where(col(Agreement.id).in_(mine))
    if status is not None:
        query = query.where(Agreement.status == status.value)
    if kind is not None:
        query = query.where(Agreement.kind == kind.value)
    rows = session.exec(
        query.order_by(
            col(Agreement.ceremony_order).is_(None),
            col(Agreement.ceremony_order),
            col(Agreement.id).desc(),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), page_total(session, query, rows, limit, offset)


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


# currencies without a minor unit in use (ISO 4217 exponent 0): a value in them is whole
WHOLE_CURRENCIES = frozenset({"VND", "JPY", "KRW"})


def _check_values(session: Session, event_id: int, values: dict[str, Any]) -> None:
    value, currency = values.get("value"), values.get("currency")
    if value is not None and currency is None:
        raise Invalid("currency", "give the currency of the value (VND, USD, TWD, JPY…)")
    code = getattr(currency, "value", currency)
    if value is not None and code in WHOLE_CURRENCIES and value != value.to_integral_value():
        # "1.500.000.000,5 VND" was kept and summed into the report's total
        raise Invalid(
            "value", _l("{currency} has no decimals: write a whole number", currency=code)
        )
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
    events.managed_event(session, actor, event_id)
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
    event = events.managed_event(session, actor, event_id)
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
        row.updated_at = clock.now()
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
    event = events.managed_event(session, actor, event_id)
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
    event = events.managed_event(session, actor, event_id)
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
    digest = docs.store(session, data)
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
) -> tuple[AgreementDocument, bytes]:
    """A document of an agreement the viewer may read, with its bytes."""
    get_agreement(session, viewer=viewer, event_id=event_id, agreement_id=agreement_id)
    row = session.get(AgreementDocument, document_id)
    if row is None or row.agreement_id != agreement_id:
        raise NotFound("Document", document_id)
    body = docs.load(session, row.sha256)
    if body is None:
        raise NotFound("The stored file of document", document_id)
    return row, body


# ---- meetings an agreement can come from ---------------------------------------------------

_BOOKED = (
    MeetingStatus.held.value,
    MeetingStatus.confirmed.value,
    MeetingStatus.proposed.value,
    MeetingStatus.no_show.value,
)


def _meeting_text(slot: Slot | None, names: list[str], zone: ZoneInfo) -> str:
    """'16/03 14:20 · Lin Wei-Ting ⇄ Nguyễn Thị Hoa': what a person recognises."""
    when = f"{slot.starts_at.astimezone(zone):%d/%m %H:%M}" if slot else ""
    return " · ".join(part for part in (when, " ⇄ ".join(sorted(names))) if part)


def meeting_choices(session: Session, event: Event) -> list[tuple[int, str]]:
    """The event's booked meetings, by time, each as (id, its time and parties)."""
    booked = session.exec(
        select(Meeting, Slot)
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(Meeting.event_id == pk(event), col(Meeting.status).in_(_BOOKED))
        .order_by(col(Slot.starts_at), col(Meeting.id))
    ).all()
    names = readmodel.parties(session, [pk(m) for m, _ in booked])
    zone = events.event_zone(event)
    return [
        (pk(m), _meeting_text(slot, [p.full_name for p in names.get(pk(m), [])], zone))
        for m, slot in booked
    ]


def meeting_label(session: Session, event: Event, meeting_id: int | None) -> str:
    """The meeting an agreement came from, as the form lists it ('' when none)."""
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is None:
        return ""
    names = [p.full_name for p in readmodel.parties(session, [pk(meeting)]).get(pk(meeting), [])]
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    return _meeting_text(slot, names, events.event_zone(event))
