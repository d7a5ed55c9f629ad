"""The one way a meeting changes: snapshot, revision compare-and-set, audit entry, e-mails."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, _l
from app.meetings.models import (
    Meeting,
    MeetingParticipant,
)
from app.meetings.queries import meeting_people
from app.meetings.rules import cursor
from app.types import pk, utcnow


def snapshot(meeting: Meeting, people: Sequence[MeetingParticipant]) -> dict[str, Any]:
    return {
        "status": meeting.status,
        "session_id": meeting.session_id,
        "slot_id": meeting.slot_id,
        "table_id": meeting.table_id,
        "locked": meeting.locked,
        "priority": meeting.priority,
        "cancelled_reason": meeting.cancelled_reason,
        "participants": sorted(f"{p.participant_id}:{p.role}" for p in people),
        "confirmed": sorted(p.participant_id for p in people if p.confirmed_at is not None),
    }


def touch(session: Session, meeting: Meeting, expected: int | None) -> None:
    """Bump the revision if it is still ``expected`` (compare-and-set). On PostgreSQL this
    also locks the meeting's row, so two changes of one meeting take turns and the second
    sees a stale revision. Call it before changing any attribute of ``meeting``."""
    want = meeting.revision if expected is None else expected
    result = cursor(
        session.execute(
            update(Meeting)
            .where(col(Meeting.id) == meeting.id, col(Meeting.revision) == want)
            .values(revision=col(Meeting.revision) + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(meeting)
    if result.rowcount != 1:
        raise Conflict(
            _l(
                "the meeting has changed since revision {want} (now {meeting_revision}); "
                "reload it and try again",
                want=want,
                meeting_revision=meeting.revision,
            ),
            [
                FieldError(
                    "revision",
                    _l(
                        "stale: the current revision is {meeting_revision}",
                        meeting_revision=meeting.revision,
                    ),
                )
            ],
        )


def record_change(
    session: Session,
    actor: User | None,
    action: str,
    meeting: Meeting,
    before: dict[str, Any],
) -> dict[str, Any]:
    after = snapshot(meeting, meeting_people(session, pk(meeting)))
    changes = diff(before, after)
    changes["revision"] = [meeting.revision - 1, meeting.revision]
    record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        event_id=meeting.event_id,
        changes=changes,
    )
    return changes


def record_created(
    session: Session, actor: User, meeting: Meeting, participant_ids: Sequence[int]
) -> None:
    record(
        session,
        actor_id=actor.id,
        action="meeting.create",
        entity="meeting",
        entity_id=meeting.id,
        event_id=meeting.event_id,
        changes={
            "status": [None, meeting.status],
            "origin": [None, meeting.origin],
            "participants": [None, list(participant_ids)],
            "revision": [None, meeting.revision],
        },
    )
