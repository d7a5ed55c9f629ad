"""Imports of registrations from spreadsheets, and exports of participants and profiles.

An upload becomes a *batch*: its rows normalised and checked against the event, stored for
the organiser to preview. Applying a batch checks it again against the database as it is
now (someone may have registered meanwhile) and writes every row, or none, in the request's
one transaction. Services flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import quote

from sqlmodel import Session, col, select

from app.audit.service import record
from app.auth.models import User
from app.errors import Conflict, DomainError, FieldError, Msg, NotFound, _l
from app.events import service as events
from app.events.models import Event
from app.imports import columns as c
from app.imports import messages as m
from app.imports.messages import Issue
from app.imports.models import ImportBatch, ImportKind, ImportStatus
from app.imports.spreadsheets import FileProblem, Table, read_table, write_csv, write_xlsx
from app.matchmaking.models import Profile, ProfileSector
from app.registration import organisations as organisation_service
from app.registration import service as registration
from app.registration.models import (
    Delegation,
    Organisation,
    OrganisationSector,
    Participant,
    ParticipantRole,
)
from app.registration.schemas import OrganisationCreate
from app.text import fold, organisation_key
from app.types import pk, utcnow
from app.vocab import ORGANISATION_KINDS, SECTORS

PREVIEW_ROWS = 20
_IN_CHUNK = 500  # values per IN (…) list: well under every database's parameter limit


class ImportFileError(DomainError):
    """The file as a whole is refused (type, encoding, size, columns): problem+json with the
    ``file`` field, and the translatable message for the page."""

    def __init__(self, issue: Issue, status: int = 422) -> None:
        super().__init__(
            detail=_issue_message(issue.as_dict()),
            status=status,
            title="Payload too large" if status == 413 else "Validation failed",
            type_slug="payload-too-large" if status == 413 else "validation-error",
            errors=[FieldError("file", _issue_message(issue.as_dict()))],
        )
        self.issue = issue


@dataclass
class Report:
    """What a preview shows: the stored batch (or, for a dry run, an unsaved one) and the
    columns that were not imported."""

    batch: ImportBatch
    unknown_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.batch.errors


@dataclass
class ApplyResult:
    batch: ImportBatch
    rejected: list[Issue] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    organisations_created: int = 0
    organisations_matched: int = 0


# ---- access -------------------------------------------------------------------------------


def _managed_event(session: Session, actor: User, event_id: int) -> Event:
    # A draft stays invisible (404) to other organisers; a visible event is 403 for them.
    event = events.managed_event(session, actor, event_id)
    return event


def get_batch(session: Session, *, actor: User, event_id: int, batch_id: int) -> ImportBatch:
    _managed_event(session, actor, event_id)
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.event_id != event_id:
        raise NotFound("Import", batch_id)
    return batch


# ---- checking rows ------------------------------------------------------------------------


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _registered_emails(session: Session, event_id: int, emails: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(emails))):
        found.update(
            e
            for e in session.exec(
                select(Participant.email).where(
                    Participant.event_id == event_id, col(Participant.email).in_(chunk)
                )
            ).all()
            if e
        )
    return found


def _delegations(session: Session, event_id: int) -> dict[str, int]:
    rows = session.exec(select(Delegation).where(Delegation.event_id == event_id)).all()
    return {c.normalise(d.name): pk(d) for d in rows}


def _existing_organisations(
    session: Session, wanted: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """(organisation_key, country) -> id of the organisation already registered under it."""
    keys = sorted({k for k, _ in wanted if k})
    found: dict[tuple[str, str], int] = {}
    for chunk in _chunks(keys):
        for org in session.exec(
            select(Organisation).where(col(Organisation.name_key).in_(chunk))
        ).all():
            found.setdefault((org.name_key, org.country), pk(org))
    return found


def _organisation_keys(org: dict[str, Any]) -> list[tuple[str, str]]:
    names = [org["name_vi"], org.get("name_en") or ""]
    return [(_organisation_key(n), org["country"]) for n in names if n]


@lru_cache(maxsize=8192)  # one organisation is named on many rows
def _organisation_key(name: str) -> str:
    return organisation_key(name)


def check_against_event(
    session: Session, event_id: int, rows: list[dict[str, Any]], headers: dict[str, str]
) -> list[Issue]:
    """The checks that depend on the database: e-mails already registered, delegations by
    name. Also notes, per row, the delegation id and any existing organisation it matches."""
    issues: list[Issue] = []
    emails = [r["values"]["email"] for r in rows if r["values"]["email"]]
    taken = _registered_emails(session, event_id, emails)
    delegations = _delegations(session, event_id)
    wanted = [
        k
        for r in rows
        if r["values"]["organisation"]
        for k in _organisation_keys(r["values"]["organisation"])
    ]
    existing = _existing_organisations(session, wanted)
    for item in rows:
        values = item["values"]
        number = item["row"]
        if values["email"] and values["email"] in taken:
            issues.append(
                Issue(
                    m.ROW_EMAIL_REGISTERED,
                    row=number,
                    column=headers.get("email", "Email"),
                    field="email",
                )
            )
        values["delegation_id"] = None
        if values["delegation"]:
            found = delegations.get(c.normalise(values["delegation"]))
            if found is None:
                issues.append(
                    Issue(
                        m.ROW_UNKNOWN_DELEGATION,
                        {"value": values["delegation"]},
                        row=number,
                        column=headers.get("delegation", "Đoàn / Delegation"),
                        field="delegation",
                    )
                )
            values["delegation_id"] = found
        org = values["organisation"]
        if org:
            org["existing_id"] = next(
                (existing[k] for k in _organisation_keys(org) if k in existing), None
            )
    return issues


# A file can hold thousands of problems; the first ones are enough to correct it, and an
# answer listing every one of them grows to megabytes.
MAX_LISTED_ISSUES = 200


def _sort_issues(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    order = {spec.field: i for i, spec in enumerate(c.PARTICIPANT_COLUMNS)}
    ordered = sorted(issues, key=lambda i: (i.row or 0, order.get(i.field or "", 99)))
    listed = [i.as_dict() for i in ordered[:MAX_LISTED_ISSUES]]
    if len(ordered) > MAX_LISTED_ISSUES:
        more = Issue(m.FILE_MORE_PROBLEMS, {"count": len(ordered) - MAX_LISTED_ISSUES})
        listed.append({**more.as_dict(), "field": "file"})
    return listed


def parse_participants(table: Table) -> tuple[list[dict[str, Any]], list[Issue], c.ColumnMatch]:
    """The rows of a participants file, normalised, and their problems (no database)."""
    match = c.match_columns(table.headers, c.PARTICIPANT_COLUMNS)
    problems = c.column_problems(match, c.PARTICIPANT_COLUMNS)
    if problems:
        raise FileProblem(problems[0])
    if not table.rows:
        raise FileProblem(Issue(m.FILE_NO_ROWS, field="file"))
    rows: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for number, cells in table.rows:
        values, raw, row_issues = c.parse_participant_row(number, cells, match)
        rows.append({"row": number, "values": values, "raw": raw})
        issues += row_issues
    issues += c.duplicate_email_issues([(r["row"], r["values"]["email"]) for r in rows], match)
    return rows, issues, match


# ---- preview ------------------------------------------------------------------------------


def preview_import(
    session: Session,
    *,
    actor: User,
    event_id: int,
    filename: str,
    data: bytes,
    kind: ImportKind = ImportKind.participants,
    dry_run: bool = False,
) -> Report:
    """Read and check a file; store it as a batch to preview (unless ``dry_run``)."""
    _managed_event(session, actor, event_id)
    try:
        table = read_table(data, filename)
        rows, issues, match = parse_participants(table)
    except FileProblem as exc:
        raise ImportFileError(exc.issue, exc.status) from exc
    issues += check_against_event(session, event_id, rows, match.headers)
    batch = ImportBatch(
        event_id=event_id,
        kind=kind.value,
        filename=(filename or "upload")[-300:],
        rows=rows,
        errors=_sort_issues(issues),
        status=ImportStatus.previewed.value,
        created_by_id=actor.id,
    )
    if not dry_run:
        session.add(batch)
        session.flush()
    return Report(batch, match.unknown, match.ignored)


# ---- apply --------------------------------------------------------------------------------


def _organisation_for(
    session: Session,
    actor: User,
    org: dict[str, Any],
    cache: dict[tuple[str, str], Organisation],
    result: ApplyResult,
) -> Organisation:
    # The cache holds the rows themselves: the session's identity map is weak, and the
    # search text of each participant reads its organisation again.
    keys = _organisation_keys(org)
    for key in keys:
        if key in cache:
            return cache[key]
    existing = None
    for name in (org["name_vi"], org.get("name_en") or ""):
        if name and existing is None:
            existing = organisation_service.find_duplicate_organisation(
                session, name=name, country=org["country"]
            )
    if existing is not None:
        organisation = existing
        result.organisations_matched += 1
    else:
        organisation = organisation_service.create_organisation(
            session,
            actor=actor,
            data=OrganisationCreate.model_validate(
                {k: org[k] for k in ("name_vi", "name_en", "kind", "country", "province")}
                | {"sectors": org["sectors"]}
            ),
        )
        result.organisations_created += 1
    for key in keys:
        cache[key] = organisation
    return organisation


def apply_batch(session: Session, *, actor: User, event_id: int, batch_id: int) -> ApplyResult:
    """Write a previewed batch, all rows or none. A batch that no longer passes the checks
    is not written: its problems are stored on it and returned in ``rejected``."""
    batch = get_batch(session, actor=actor, event_id=event_id, batch_id=batch_id)
    if batch.status == ImportStatus.applied.value:
        raise Conflict(
            "this import has already been applied; upload the file again to import it anew",
            [FieldError("batch_id", "already applied")],
        )
    if batch.errors:
        raise Conflict(
            _l(
                "the file has {len} problem(s); correct them and upload it again",
                len=len(batch.errors),
            ),
            [FieldError(_issue_field(e), _issue_message(e)) for e in batch.errors[:50]],
        )
    result = ApplyResult(batch)
    # Copies: the stored JSON is only rewritten when something is assigned to it.
    rows = [{**r, "values": dict(r["values"])} for r in batch.rows]
    for r in rows:
        if r["values"]["organisation"]:
            r["values"]["organisation"] = dict(r["values"]["organisation"])
    issues = check_against_event(session, event_id, rows, {})
    if issues:
        batch.errors = _sort_issues(issues)
        session.add(batch)
        session.flush()
        result.rejected = issues
        return result

    cache: dict[tuple[str, str], Organisation] = {}
    participants = []
    for r in rows:
        values = r["values"]
        org = values["organisation"]
        organisation_id = pk(_organisation_for(session, actor, org, cache, result)) if org else None
        participant = Participant(
            event_id=event_id,
            full_name=values["full_name"],
            name_local=values["name_local"],
            position=values["position"],
            organisation_id=organisation_id,
            email=values["email"],
            phone=values["phone"],
            languages=values["languages"],
            role=ParticipantRole(values["role"]).value,
            delegation_id=values["delegation_id"],
            meeting_cap=values["meeting_cap"],
            # Added by the event's organiser: approved, as create_participant does.
            status="approved",
            code=registration.new_code(),
            registered_by_id=actor.id,
        )
        participant.search_text = registration.participant_search_text(session, participant)
        participants.append(participant)
    session.add_all(participants)
    # The unique keys still settle a race with a registration made this very moment: the
    # whole request then ends in a 409 and nothing of the batch is written.
    session.flush()
    batch.status = ImportStatus.applied.value
    batch.applied_at = utcnow()
    session.add(batch)
    record(
        session,
        actor_id=actor.id,
        action="import.apply",
        entity="import_batch",
        entity_id=batch.id,
        event_id=event_id,
        changes={
            "filename": [None, batch.filename],
            "participant_ids": [None, [pk(p) for p in participants]],
            "organisation_ids": [None, sorted({pk(o) for o in cache.values()})],
            "organisations_created": [None, result.organisations_created],
        },
    )
    session.flush()
    result.participants = participants
    return result


def _issue_field(issue: dict[str, Any]) -> str:
    if issue.get("row") is None:
        return "file"
    return f"rows[{issue['row']}].{issue.get('field') or 'row'}"


def _issue_message(issue: dict[str, Any]) -> str:
    """The issue's message in the reader's language when it is shown (app.i18n.render)."""
    msgid = issue.get("msgid")
    return Msg(msgid, **(issue.get("params") or {})) if msgid else str(issue.get("message", ""))


def issue_fields(issues: Iterable[Issue]) -> list[FieldError]:
    return [FieldError(_issue_field(d), _issue_message(d)) for d in (i.as_dict() for i in issues)]


# ---- exports ------------------------------------------------------------------------------

PARTICIPANT_HEADERS = [spec.header for spec in c.PARTICIPANT_COLUMNS] + [
    c.STATUS_HEADER,
    c.CODE_HEADER,
]
PROFILE_HEADERS = [
    "Mã hồ sơ / Profile ID",
    "Loại hồ sơ / Profile kind",
    "Tiêu đề (tiếng Việt) / Title (Vietnamese)",
    "Tiêu đề (tiếng Anh) / Title (English)",
    "Tiêu đề (ngôn ngữ gốc) / Title (original language)",
    "Mô tả (tiếng Việt) / Description (Vietnamese)",
    "Mô tả (tiếng Anh) / Description (English)",
    "Lĩnh vực / Sectors",
    "Từ khoá / Keywords",
    "Mức độ sẵn sàng công nghệ / TRL",
    "Sở hữu trí tuệ / IP status",
    "Hình thức hợp tác / Partnership types",
    "Người đăng / Participant",
    "Email",
    "Tổ chức / Organisation",
    "Quốc gia / Country",
    "Trạng thái / Status",
]
SECTOR_SEPARATOR = "; "  # the Vietnamese labels hold commas themselves


_SECTOR_ORDER = {code: i for i, code in enumerate(SECTORS)}


def _sector_labels(codes: Iterable[str]) -> str:
    """In the vocabulary's order (related sectors side by side), as Vietnamese labels."""
    ordered = sorted(codes, key=lambda code: _SECTOR_ORDER.get(code, len(_SECTOR_ORDER)))
    return SECTOR_SEPARATOR.join(c.label_vi(SECTORS, code) for code in ordered)


def _by_id(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, Any] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for row in session.exec(select(model).where(col(model.id).in_(chunk))).all():
            out[row.id] = row
    return out


def _sectors_of(session: Session, model: Any, key: Any, ids: Iterable[int]) -> dict[int, list[str]]:
    wanted = sorted(set(ids))
    out: dict[int, list[str]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for owner, sector in session.exec(
            select(key, model.sector).where(col(key).in_(chunk)).order_by(key, model.sector)
        ).all():
            out.setdefault(owner, []).append(sector)
    return out


def participant_rows(session: Session, event_id: int) -> list[list[Any]]:
    people = session.exec(
        select(Participant).where(Participant.event_id == event_id).order_by(col(Participant.id))
    ).all()
    orgs = _by_id(session, Organisation, (p.organisation_id for p in people))
    sectors = _sectors_of(
        session, OrganisationSector, OrganisationSector.organisation_id, orgs.keys()
    )
    delegations = _by_id(session, Delegation, (p.delegation_id for p in people))
    rows = []
    for p in people:
        org = orgs.get(p.organisation_id) if p.organisation_id else None
        delegation = delegations.get(p.delegation_id) if p.delegation_id else None
        rows.append(
            [
                p.full_name,
                p.name_local,
                p.email or "",
                p.phone,
                p.position,
                org.name_vi if org else "",
                org.name_en if org else "",
                c.label_vi(ORGANISATION_KINDS, org.kind) if org else "",
                org.country if org else "",
                org.province if org else "",
                _sector_labels(sectors.get(pk(org), [])) if org else "",
                ", ".join(p.languages),
                delegation.name if delegation else "",
                c.label_vi(c.ROLES, p.role),
                p.meeting_cap,
                c.label_vi(c.APPROVAL_STATUSES, p.status),
                p.code,
            ]
        )
    return rows


def profile_rows(session: Session, event_id: int) -> list[list[Any]]:
    profiles = session.exec(
        select(Profile).where(Profile.event_id == event_id).order_by(col(Profile.id))
    ).all()
    people = _by_id(session, Participant, (p.participant_id for p in profiles))
    orgs = _by_id(
        session,
        Organisation,
        [p.organisation_id for p in profiles] + [x.organisation_id for x in people.values()],
    )
    sectors = _sectors_of(
        session, ProfileSector, ProfileSector.profile_id, (pk(p) for p in profiles)
    )
    vocab = c.PROFILE_VOCABULARIES
    rows = []
    for p in profiles:
        person = people.get(p.participant_id)
        org_id = p.organisation_id or (person.organisation_id if person else None)
        org = orgs.get(org_id) if org_id else None
        rows.append(
            [
                p.id,
                c.label_vi(vocab["kind"], p.kind),
                p.title_vi,
                p.title_en,
                p.title_local,
                p.description_vi,
                p.description_en,
                _sector_labels(sectors.get(pk(p), [])),
                ", ".join(p.keywords),
                p.trl,
                c.label_vi(vocab["ip_status"], p.ip_status),
                "; ".join(c.label_vi(vocab["partnership"], t) for t in p.partnership_types),
                person.full_name if person else "",
                (person.email or "") if person else "",
                org.name_vi if org else "",
                org.country if org else "",
                c.label_vi(vocab["status"], p.status),
            ]
        )
    return rows


ExportWhat = Literal["participants", "profiles"]
ExportFormat = Literal["csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_NAMES = {"participants": ("Người tham dự", "participants"), "profiles": ("Hồ sơ", "profiles")}


def slug(text: str, limit: int = 60) -> str:
    return (
        re.sub(r"[^a-z0-9]+", "-", fold(text).encode("ascii", "ignore").decode())
        .strip("-")[:limit]
        .strip("-")
    )


def content_disposition(event: Event, what: ExportWhat, fmt: str) -> str:
    """An ASCII ``filename`` for old clients and the Vietnamese one as RFC 5987 ``filename*``."""
    vi_name, en_name = _names(what)
    day = event.start_date.isoformat()
    ascii_name = f"{en_name}-{slug(event.title_vi) or 'event'}-{day}.{fmt}"
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", event.title_vi).strip()[:80].strip()
    full = f"{vi_name} - {title} - {day}.{fmt}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full, safe='')}"


def _names(what: ExportWhat) -> tuple[str, str]:
    return _NAMES[what]


@dataclass
class Export:
    content: bytes
    media_type: str
    disposition: str


def export(
    session: Session, *, actor: User, event_id: int, what: ExportWhat, fmt: ExportFormat
) -> Export:
    event = _managed_event(session, actor, event_id)
    if what == "participants":
        headers, rows = PARTICIPANT_HEADERS, participant_rows(session, event_id)
    else:
        headers, rows = PROFILE_HEADERS, profile_rows(session, event_id)
    if fmt == "csv":
        content = write_csv(headers, rows)
    else:
        content = write_xlsx([(_names(what)[0], headers, rows)])
    return Export(content, MEDIA_TYPES[fmt], content_disposition(event, what, fmt))


def template_xlsx() -> bytes:
    """An empty participants sheet with the expected headers, what each column takes, and
    the vocabularies (codes and labels) a cell may use."""
    guide = [
        [
            spec.header,
            "Có / Yes" if spec.required else "",
            " / ".join(x for x in (spec.hint_vi, spec.hint_en) if x),
        ]
        for spec in c.PARTICIPANT_COLUMNS
    ]
    lists = [
        [name, code, vi, en]
        for name, entries in c.vocabulary_sheets().items()
        for code, vi, en in entries
    ]
    return write_xlsx(
        [
            ("Người tham dự", [spec.header for spec in c.PARTICIPANT_COLUMNS], []),
            (
                "Hướng dẫn - Instructions",
                ["Cột / Column", "Bắt buộc / Required", "Ghi chú / Notes"],
                guide,
            ),
            ("Danh mục - Lists", ["Danh mục / List", "Mã / Code", "Tiếng Việt", "English"], lists),
        ]
    )


def imported_participant_ids(session: Session, *, event_id: int, batch: ImportBatch) -> list[int]:
    """The event's participants whose e-mail address is in an applied participants batch."""
    emails = [r["values"].get("email") for r in batch.rows if r.get("values")]
    wanted = sorted({e.lower() for e in emails if e})
    if not wanted:
        return []
    return [
        pk(p)
        for p in session.exec(
            select(Participant).where(
                Participant.event_id == event_id, col(Participant.email).in_(wanted)
            )
        ).all()
    ]
