"""Wishes from the organisers' spreadsheet ("ai muốn gặp ai"): a CSV or XLSX with one row per
wish — who wants to meet (their e-mail), whom (e-mail), and how much ("Bắt buộc gặp" / "Muốn
gặp", or must / would). Read with the participant import's bounded reader, checked row by
row (each problem names its row and column), previewed, then applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.audit.service import record
from app.auth.models import User
from app.events import service as events
from app.imports.spreadsheets import FileProblem, read_table
from app.registration.models import ApprovalStatus, Participant
from app.survey.models import MeetingWish
from app.text import fold
from app.types import utcnow

HEADERS = {
    "from": {"from", "tu", "nguoi muon gap", "email nguoi muon gap", "nguoi de nghi", "email"},
    "to": {"to", "den", "muon gap", "gap", "nguoi duoc moi", "email nguoi duoc moi", "gap ai"},
    "level": {"level", "muc do", "uu tien", "priority", "muc uu tien"},
}
LEVELS = {
    "must": "must",
    "bat buoc gap": "must",
    "bat buoc": "must",
    "2": "must",
    "would": "would",
    "muon gap": "would",
    "1": "would",
}


@dataclass(frozen=True)
class WishRow:
    row: int
    from_id: int
    to_id: int
    level: str
    from_name: str
    to_name: str


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    column: str
    message: str  # a msgid, translated by the page
    value: str = ""
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class WishImport:
    rows: list[WishRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse(session: Session, *, actor: User, event_id: int, data: bytes, name: str) -> WishImport:
    """The file's wishes and its problems (none saved yet). Organisers only."""
    events.managed_event(session, actor, event_id)
    result = WishImport()
    try:
        table = read_table(data, name)
    except FileProblem as exc:
        result.problems.append(
            RowProblem(None, "file", exc.issue.msgid, params=dict(exc.issue.params))
        )
        return result
    where: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = fold(header).strip()
        for name_, options in HEADERS.items():
            if key in options and name_ not in where:
                where[name_] = index
    missing = [k for k in ("from", "to") if k not in where]
    for k in missing:
        result.problems.append(
            RowProblem(None, k, "the file has no column for this (see the example)")
        )
    if missing:
        return result
    people = {
        (p.email or "").strip().lower(): p
        for p in session.exec(
            select(Participant).where(
                Participant.event_id == event_id,
                Participant.status == ApprovalStatus.approved.value,
                col(Participant.email).is_not(None),
            )
        ).all()
    }
    for number, cells in table.rows:

        def cell(key: str, cells: Sequence[str] = cells) -> str:
            i = where.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        who, whom, how = cell("from"), cell("to"), cell("level")
        a, b = people.get(who.lower()), people.get(whom.lower())
        level = LEVELS.get(fold(how).strip()) if how else "would"
        checks = [
            (a is None, "from", "no approved participant has this e-mail", who),
            (b is None, "to", "no approved participant has this e-mail", whom),
            (level is None, "level", 'write "Bắt buộc gặp" or "Muốn gặp"', how),
        ]
        if a is not None and a == b and level is not None:
            checks.append((True, "to", "a person cannot wish to meet themself", whom))
        found = [
            RowProblem(number, table.headers[where[key]] if key in where else key, text, value)
            for failed, key, text, value in checks
            if failed
        ]
        result.problems.extend(found)
        if not found and a is not None and b is not None and level is not None:
            result.rows.append(
                WishRow(number, int(a.id or 0), int(b.id or 0), level, a.full_name, b.full_name)
            )
    return result


def apply(
    session: Session, *, actor: User, event_id: int, rows: Sequence[tuple[int, int, str]]
) -> int:
    """Save the previewed wishes (from, to, level); a later row for the same pair wins.
    Returns how many were saved."""
    events.managed_event(session, actor, event_id)
    ids = {i for a, b, _ in rows for i in (a, b)}
    approved = set(
        session.exec(
            select(Participant.id).where(
                Participant.event_id == event_id,
                Participant.status == ApprovalStatus.approved.value,
                col(Participant.id).in_(ids),
            )
        ).all()
    )
    chosen = {
        (a, b): level
        for a, b, level in rows
        if a in approved and b in approved and a != b and level in ("must", "would")
    }
    existing = {
        (w.from_participant_id, w.to_participant_id): w
        for w in session.exec(select(MeetingWish).where(MeetingWish.event_id == event_id)).all()
    }
    for (a, b), level in chosen.items():
        row = existing.get((a, b))
        if row is None:
            session.add(
                MeetingWish(
                    event_id=event_id, from_participant_id=a, to_participant_id=b, level=level
                )
            )
        elif row.level != level:
            row.level, row.updated_at = level, utcnow()
            session.add(row)
    session.flush()
    record(
        session,
        actor_id=actor.id,
        action="survey.import",
        entity="event",
        entity_id=event_id,
        event_id=event_id,
        changes={"wishes": [None, len(chosen)]},
    )
    return len(chosen)
