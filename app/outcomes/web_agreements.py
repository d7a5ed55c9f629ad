"""Agreement pages: the list, the signing ceremony, the form, documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.deps import CurrentUser, SessionDep
from app.errors import FieldError, Invalid
from app.events import service as events
from app.events.models import Event
from app.exports.responses import download_response
from app.forms import Form, errors_of
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.outcomes import agreements as agreement_service
from app.outcomes import documents as docs
from app.outcomes import stats as stats_service
from app.outcomes.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Currency,
)
from app.outcomes.schemas import AgreementCreate, AgreementUpdate, PartyIn
from app.outcomes.web_common import common as _common
from app.registration import queries as registration_queries
from app.types import pk
from app.web import redirect, render

_Schema = TypeVar("_Schema", bound=BaseModel)

router = APIRouter(include_in_schema=False)


# ---- agreements ---------------------------------------------------------------------------


def _agreement_choices(session: Session, event: Event) -> dict[str, Any]:
    """What the form offers: the event's organisations, its booked meetings."""
    event_id = pk(event)
    orgs = registration_queries.event_organisations(session, event_id=event_id)
    meetings = agreement_service.meeting_choices(session, event)
    return {
        "organisations": orgs,
        "meeting_choices": meetings,
        "kinds": [(k.value, agreement_service.KIND_LABELS[k]) for k in AgreementKind],
        "statuses": [(s.value, agreement_service.STATUS_LABELS[s]) for s in AgreementStatus],
        "currencies": [c.value for c in Currency],
    }


def _agreement_values(row: Agreement | None, parties: list[int]) -> dict[str, Any]:
    if row is None:
        return {
            "kind": "mou",
            "title_vi": "",
            "title_en": "",
            "parties": [],
            "meeting_id": "",
            "signed_on": "",
            "value": "",
            "currency": "",
            "status": "planned",
            "at_ceremony": False,
            "ceremony_order": "",
            "follow_up_status": "",
            "notes": "",
        }
    return {
        "kind": row.kind,
        "title_vi": row.title_vi,
        "title_en": row.title_en,
        "parties": [str(p) for p in parties],
        "meeting_id": str(row.meeting_id or ""),
        "signed_on": row.signed_on.isoformat() if row.signed_on else "",
        "value": f"{row.value:f}" if row.value is not None else "",
        "currency": row.currency or "",
        "status": row.status,
        "at_ceremony": row.at_ceremony,
        "ceremony_order": str(row.ceremony_order or ""),
        "follow_up_status": row.follow_up_status,
        "notes": row.notes,
    }


def _form_agreement(form: Form) -> tuple[list[FieldError], dict[str, Any]]:
    """(the fields that do not parse, the body for the schema): text values that are not a
    number or a date become field messages, never a 500, and such a field is left out of
    the body so that the schema still judges the rest (every message at once)."""
    problems: list[FieldError] = []
    shown: dict[str, Any] = {
        "kind": form.get("kind"),
        "title_vi": form.get("title_vi"),
        "title_en": form.get("title_en"),
        "parties": form.many("parties"),
        "meeting_id": form.get("meeting_id"),
        "signed_on": form.get("signed_on"),
        "value": form.get("value"),
        "currency": form.get("currency"),
        "status": form.get("status"),
        "at_ceremony": form.get("at_ceremony") == "1",
        "ceremony_order": form.get("ceremony_order"),
        "follow_up_status": form.get("follow_up_status"),
        "notes": form.get("notes"),
    }
    party_ids = []
    for raw in shown["parties"]:
        number = _int(raw)
        if number is None:
            problems.append(FieldError("parties", "choose the parties from the list"))
        else:
            party_ids.append(number)
    signed_on = None
    if shown["signed_on"]:
        try:
            signed_on = date.fromisoformat(shown["signed_on"])
        except ValueError:
            problems.append(FieldError("signed_on", "give a date as dd/mm/yyyy"))
    value = None
    if shown["value"]:
        text = shown["value"].replace(" ", "").replace("\u00a0", "")
        # Vietnamese offices write 1.500.000.000 or 1 500 000 000; a comma is a decimal mark.
        if text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")
        text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            problems.append(FieldError("value", "give a number, for example 1500000000"))
            value = None
    meeting_id = None
    if shown["meeting_id"]:
        meeting_id = _int(shown["meeting_id"])
        if meeting_id is None:
            problems.append(FieldError("meeting_id", "choose a meeting from the list"))
    order = None
    if shown["ceremony_order"]:
        order = _int(shown["ceremony_order"])
        if order is None:
            problems.append(FieldError("ceremony_order", "give a whole number from 1"))
    body = {
        "kind": shown["kind"],
        "title_vi": shown["title_vi"],
        "title_en": shown["title_en"],
        "meeting_id": meeting_id,
        "signed_on": signed_on,
        "value": value,
        "currency": shown["currency"] or None,
        "status": shown["status"] or "planned",
        "at_ceremony": shown["at_ceremony"],
        "ceremony_order": order,
        "follow_up_status": shown["follow_up_status"],
        "notes": shown["notes"],
        "parties": [PartyIn(organisation_id=i) for i in party_ids],
    }
    return problems, body


def _validated(schema: type[_Schema], form: Form) -> _Schema:
    """The form as ``schema``: what does not parse and what the schema refuses, every
    message at once (a wrong value and a single party ticked are both named)."""
    problems, body = _form_agreement(form)
    try:
        data = schema.model_validate(body)
    except ValidationError as exc:
        if not problems:
            raise
        named = {p.field for p in problems}
        problems += [FieldError(f, m) for f, m in errors_of(exc).items() if f not in named]
    if problems:
        raise Invalid(problems[0].field, problems[0].message, *problems[1:])
    return data


@router.get("/events/{event_id:int}/agreements")
def agreements_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    found, total = agreement_service.list_agreements(
        session, viewer=user, event_id=event_id, limit=500
    )
    items = [(a, agreement_service.agreement_parties(session, pk(a))) for a in found]
    return render(
        request,
        "outcomes/agreements.html",
        {
            **_common(request, event),
            "items": items,
            "total": total,
            "can_manage": events.can_manage(session, user, event),
            "kind_labels": {k.value: v for k, v in agreement_service.KIND_LABELS.items()},
            "status_labels": {k.value: v for k, v in agreement_service.STATUS_LABELS.items()},
        },
    )


@router.get("/events/{event_id:int}/agreements/ceremony")
def ceremony_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.managed_event(session, user, event_id)
    return render(
        request,
        "outcomes/ceremony.html",
        {
            **_common(request, event),
            "items": stats_service.ceremony_list(session, event_id=event_id),
            "kind_labels": {k.value: v for k, v in agreement_service.KIND_LABELS.items()},
        },
    )


def _agreement_form(
    request: Request,
    session: Session,
    event: Event,
    *,
    row: Agreement | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "outcomes/agreement_form.html",
        {
            **_common(request, event),
            **_agreement_choices(session, event),
            "row": row,
            "values": values,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/events/{event_id:int}/agreements/new")
def new_agreement_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.managed_event(session, user, event_id)
    values = _agreement_values(None, [])
    meeting_id = _int(request.query_params.get("meeting_id"))
    if meeting_id is not None:
        values["meeting_id"] = str(meeting_id)
    return _agreement_form(request, session, event, row=None, values=values)


@router.post("/events/{event_id:int}/agreements/new")
async def new_agreement_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    events.managed_event(session, user, event_id)
    form = await _form(request)
    created: list[Agreement] = []
    shown: dict[str, Any] = {**_agreement_values(None, []), **{k: form.get(k) for k in form.values}}
    shown["parties"] = form.many("parties")
    shown["at_ceremony"] = form.get("at_ceremony") == "1"

    def save() -> None:
        data = _validated(AgreementCreate, form)
        created.append(
            agreement_service.create_agreement(session, actor=user, event_id=event_id, data=data)
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.managed_event(session, user, event_id)
        return _agreement_form(
            request, session, event, row=None, values=shown, errors=errors, status_code=status
        )

    def done() -> Response:
        return redirect(f"/events/{event_id}/agreements/{pk(created[0])}", flash="agreement-saved")

    return _submit(session, save, fail, done)


@router.get("/events/{event_id:int}/agreements/{agreement_id:int}")
def agreement_page(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    row = agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    return render(
        request,
        "outcomes/agreement.html",
        {
            **_common(request, event),
            "row": row,
            "meeting_label": agreement_service.meeting_label(session, event, row.meeting_id),
            "parties": agreement_service.agreement_parties(session, agreement_id),
            "documents": agreement_service.agreement_documents(session, agreement_id),
            "can_manage": events.can_manage(session, user, event),
            "kind_label": agreement_service.KIND_LABELS[AgreementKind(row.kind)],
            "status_label": agreement_service.STATUS_LABELS[AgreementStatus(row.status)],
            "upload_error": request.query_params.get("upload_error", "")[:200],
            "allowed": docs.ALLOWED_DESCRIPTION,
        },
    )


@router.get("/events/{event_id:int}/agreements/{agreement_id:int}/edit")
def edit_agreement_page(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.managed_event(session, user, event_id)
    row = agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    parties = [
        p.organisation_id for p in agreement_service.agreement_parties(session, agreement_id)
    ]
    return _agreement_form(request, session, event, row=row, values=_agreement_values(row, parties))


@router.post("/events/{event_id:int}/agreements/{agreement_id:int}/edit")
async def edit_agreement_submit(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.managed_event(session, user, event_id)
    agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    form = await _form(request)
    shown: dict[str, Any] = {**_agreement_values(None, []), **{k: form.get(k) for k in form.values}}
    shown["parties"] = form.many("parties")
    shown["at_ceremony"] = form.get("at_ceremony") == "1"

    def save() -> None:
        data = _validated(AgreementUpdate, form)
        agreement_service.update_agreement(
            session, actor=user, event_id=event_id, agreement_id=agreement_id, data=data
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        ev = events.managed_event(session, user, event_id)
        row = session.get(Agreement, agreement_id)
        return _agreement_form(
            request, session, ev, row=row, values=shown, errors=errors, status_code=status
        )

    def done() -> Response:
        return redirect(f"/events/{event_id}/agreements/{agreement_id}", flash="agreement-saved")

    del event
    return _submit(session, save, fail, done)


@router.post("/events/{event_id:int}/agreements/{agreement_id:int}/delete")
async def delete_agreement_submit(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    events.managed_event(session, user, event_id)
    await _form(request)
    agreement_service.delete_agreement(
        session, actor=user, event_id=event_id, agreement_id=agreement_id
    )
    return redirect(f"/events/{event_id}/agreements", flash="agreement-deleted")


@router.post("/events/{event_id:int}/agreements/{agreement_id:int}/documents")
async def document_upload(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    events.managed_event(session, user, event_id)
    form = await _form(request)
    upload = form.files.get("file")
    page = f"/events/{event_id}/agreements/{agreement_id}"
    if upload is None or not upload.filename:
        return redirect(_url(page, upload_error="choose a file to attach"))
    # One byte past the limit is enough to know it is too large.
    data = await upload.read(docs.MAX_DOCUMENT_BYTES + 1)

    def save() -> None:
        agreement_service.add_document(
            session,
            actor=user,
            event_id=event_id,
            agreement_id=agreement_id,
            filename=upload.filename or "",
            data=data,
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        return redirect(_url(page, upload_error=next(iter(errors.values()))))

    return _submit(session, save, fail, lambda: redirect(page, flash="document-added"))


@router.get("/events/{event_id:int}/agreements/{agreement_id:int}/documents/{document_id:int}")
def document_download(
    event_id: int,
    agreement_id: int,
    document_id: int,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    row, body = agreement_service.get_document(
        session,
        viewer=user,
        event_id=event_id,
        agreement_id=agreement_id,
        document_id=document_id,
    )
    return download_response(body, filename=row.filename, media_type=row.content_type)
