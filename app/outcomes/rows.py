"""The underlying rows of the organiser's report, for its XLSX export: participants,
meetings, feedback and agreements, one list of cells per row in the columns that
app.outcomes.report suggests (``*_COLUMNS``). Built with a handful of bulk queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from app.checkin.models import Checkin
from app.events.models import Event, MeetingTable, Slot
from app.i18n.render import localize
from app.i18n.words import status_word
from app.imports.columns import ROLES
from app.meetings.models import Meeting, MeetingParticipant, MeetingRole
from app.outcomes import report
from app.outcomes.agreements import KIND_LABELS, STATUS_LABELS
from app.outcomes.models import (
    STEP_NAMES,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    MeetingFeedback,
)
from app.registration.models import Delegation, Organisation, OrganisationSector, Participant
from app.types import pk
from app.vocab import COUNTRIES, ORGANISATION_KINDS, SECTORS, label

Sheets = dict[str, tuple[Sequence[str], list[list[Any]]]]


def _label(table: Any, code: str | None) -> str:
    return label(table, code, "vi") if code else ""


def report_sheets(session: Session, event: Event) -> Sheets:
    event_id = pk(event)
    people = list(
        session.exec(
            select(Participant)
            .where(Participant.event_id == event_id)
            .order_by(col(Participant.full_name), col(Participant.id))
        ).all()
    )
    by_id = {pk(p): p for p in people}
    org_ids = {p.organisation_id for p in people if p.organisation_id is not None}
    orgs = {
        pk(o): o
        for o in session.exec(select(Organisation).where(col(Organisation.id).in_(org_ids)))
    }
    delegations = {
        pk(d): d for d in session.exec(select(Delegation).where(Delegation.event_id == event_id))
    }
    arrived = {
        c.participant_id: c.checked_in_at
        for c in session.exec(select(Checkin).where(Checkin.event_id == event_id))
    }

    def org_name(person: Participant | None) -> str:
        if person is None or person.organisation_id is None:
            return ""
        return orgs[person.organisation_id].name_vi if person.organisation_id in orgs else ""

    participants: list[list[Any]] = []
    for p in people:
        if p.status != "approved":
            continue  # the report counts approved participants; so does the sheet
        org = orgs.get(p.organisation_id) if p.organisation_id is not None else None
        delegation = delegations.get(p.delegation_id) if p.delegation_id is not None else None
        country = org.country if org else (delegation.country if delegation else "")
        participants.append(
            [
                p.full_name,
                org.name_vi if org else "",
                _label(ORGANISATION_KINDS, org.kind) if org else "",
                _label(COUNTRIES, country),
                delegation.name if delegation else "",
                _label(ROLES, p.role),
                arrived.get(pk(p)),
            ]
        )

    meetings = list(
        session.exec(
            select(Meeting).where(Meeting.event_id == event_id).order_by(col(Meeting.id))
        ).all()
    )
    seats = session.exec(
        select(MeetingParticipant).where(
            col(MeetingParticipant.meeting_id).in_([pk(m) for m in meetings])
        )
    ).all()
    parties: dict[int, list[int]] = defaultdict(list)
    for seat in seats:
        if seat.role == MeetingRole.party.value:
            parties[seat.meeting_id].append(seat.participant_id)
    slots = {
        pk(s): s
        for s in session.exec(
            select(Slot).where(
                col(Slot.id).in_({m.slot_id for m in meetings if m.slot_id is not None})
            )
        )
    }
    tables = {
        pk(t): t
        for t in session.exec(
            select(MeetingTable).where(
                col(MeetingTable.id).in_({m.table_id for m in meetings if m.table_id is not None})
            )
        )
    }
    sectors: dict[int, list[str]] = defaultdict(list)
    for sector_row in session.exec(
        select(OrganisationSector).where(col(OrganisationSector.organisation_id).in_(org_ids))
    ):
        sectors[sector_row.organisation_id].append(sector_row.sector)
    meeting_rows: list[list[Any]] = []
    for m in meetings:
        slot = slots.get(m.slot_id) if m.slot_id is not None else None
        table = tables.get(m.table_id) if m.table_id is not None else None
        who = [by_id[i] for i in sorted(parties[pk(m)]) if i in by_id]
        shared = sorted(
            {s for p in who if p.organisation_id for s in sectors.get(p.organisation_id, [])}
        )
        meeting_rows.append(
            [
                pk(m),
                slot.starts_at.date() if slot else None,
                slot.starts_at.strftime("%H:%M") if slot else "",
                table.number if table else None,
                " ⇄ ".join(
                    f"{p.full_name} ({org_name(p)})" if org_name(p) else p.full_name for p in who
                ),
                ", ".join(_label(SECTORS, s) for s in shared),
                localize(status_word(m.status), "vi"),  # a word, as the other columns
            ]
        )
    if slots:  # times in the event's zone, as the agendas print them
        from app.events.service import event_zone

        zone = event_zone(event)
        for row, m in zip(meeting_rows, meetings, strict=True):
            slot = slots.get(m.slot_id) if m.slot_id is not None else None
            if slot:
                local = slot.starts_at.astimezone(zone)
                row[1], row[2] = local.date(), local.strftime("%H:%M")

    feedback_rows: list[list[Any]] = []
    for f in session.exec(
        select(MeetingFeedback)
        .where(MeetingFeedback.event_id == event_id)
        .order_by(col(MeetingFeedback.meeting_id), col(MeetingFeedback.participant_id))
    ):
        person = by_id.get(f.participant_id)
        feedback_rows.append(
            [
                f.meeting_id,
                person.full_name if person else "",
                "có / yes" if f.held else "không / no",
                f.rating,
                "có / yes" if f.wants_to_continue else "không / no",
                ", ".join(localize(STEP_NAMES.get(s, s), "vi") for s in f.next_steps),
                f.comment,
            ]
        )

    agreements = list(
        session.exec(
            select(Agreement).where(Agreement.event_id == event_id).order_by(col(Agreement.id))
        ).all()
    )
    party_rows = session.exec(
        select(AgreementParty)
        .where(col(AgreementParty.agreement_id).in_([pk(a) for a in agreements]))
        .order_by(col(AgreementParty.agreement_id), col(AgreementParty.position))
    ).all()
    all_orgs = {
        pk(o): o
        for o in session.exec(
            select(Organisation).where(
                col(Organisation.id).in_({r.organisation_id for r in party_rows})
            )
        )
    }
    named: dict[int, list[str]] = defaultdict(list)
    for r in party_rows:
        org = all_orgs.get(r.organisation_id)
        named[r.agreement_id].append(org.name_vi if org else str(r.organisation_id))
    agreement_rows = [
        [
            a.title_vi + (f" / {a.title_en}" if a.title_en else ""),
            KIND_LABELS[AgreementKind(a.kind)].vi,
            "; ".join(named[pk(a)]),
            a.signed_on,
            a.value,
            a.currency or "",
            STATUS_LABELS[AgreementStatus(a.status)].vi,
        ]
        for a in agreements
    ]
    participants_sheet, meetings_sheet, feedback_sheet, agreements_sheet = report.SHEETS
    return {
        participants_sheet: (report.PARTICIPANT_COLUMNS, participants),
        meetings_sheet: (report.MEETING_COLUMNS, meeting_rows),
        feedback_sheet: (report.FEEDBACK_COLUMNS, feedback_rows),
        agreements_sheet: (report.AGREEMENT_COLUMNS, agreement_rows),
    }
