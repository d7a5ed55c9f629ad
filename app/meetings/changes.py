"""The one way a meeting changes: snapshot, revision compare-and-set, audit entry, e-mails."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, _l
from app.events.models import Event
from app.meetings.models import Meeting, MeetingParticipant
from app.meetings.notices import notify_placement
from app.meetings.queries import meeting_people
from app.types import pk, utcnow


def snapshot(
    meeting: Meeting, people: Sequence[MeetingParticipant], *, attendance: bool = False
) -> dict[str, Any]:
    """What the audit entry compares before and after a change."""
    out: dict[str, Any] = {
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
    if attendance:
        out["attendance"] = {str(p.participant_id): p.attendance for p in people}
    return out


def stale(want: int, now: int) -> Conflict:
    """The 409 of a change made on an outdated copy of the meeting."""
    return Conflict(
        _l(
            "the meeting has changed since revision {want} (now {meeting_revision}); "
            "reload it and try again",
            want=want,
            meeting_revision=now,
        ),
        [
            FieldError(
                "revision",
                _l("stale: the current revision is {meeting_revision}", meeting_revision=now),
            )
        ],
    )


_COLUMNS = [(attr.key, attr.columns[0]) for attr in sa_inspect(Meeting).column_attrs]


def touch(session: Session, meeting: Meeting, expected: int | None) -> None:
    """Bump the revision if it is still ``expected`` (compare-and-set). On PostgreSQL this
    also locks the meeting's row, so two changes of one meeting take turns and the second
    sees a stale revision. Call it before changing any attribute of ``meeting``."""
    want = meeting.revision if expected is None else expected
    row = session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting.id, col(Meeting.revision) == want)
        .values(revision=col(Meeting.revision) + 1, updated_at=utcnow())
        .returning(*(column for _, column in _COLUMNS))
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        session.refresh(meeting)
        raise stale(want, meeting.revision)
    # The row as it is now (what a refresh would read, without another round trip).
    for (key, _), value in zip(_COLUMNS, row, strict=True):
        set_committed_value(meeting, key, value)


def require_current(session: Session, meeting: Meeting, revision: int | None) -> None:
    """A request that changes nothing still refuses a stale copy (a 409 naming revision)."""
    if revision is not None and revision != meeting.revision:
        touch(session, meeting, revision)  # raises: the client's copy is stale


@dataclass
class MeetingChange:
    """One change of one meeting under way: who makes it, what the meeting was, and the
    e-mails to queue once the change is recorded."""

    session: Session
    meeting: Meeting
    actor: User | None
    action: str
    people: Sequence[MeetingParticipant]
    before: dict[str, Any]
    attendance: bool = False
    # who is in the meeting does not change (a placement, attendance): ``people`` are
    # not read again for the audit entry and the e-mails
    same_people: bool = False
    notices: list[Callable[[], object]] = field(default_factory=list)

    def then(self, notice: Callable[[], object]) -> None:
        """Queue ``notice`` (e-mails) after the audit entry."""
        self.notices.append(notice)

    def notify_placement(self, event: Event) -> None:
        """Tell the people when the meeting got a time (booked) or another one (moved)."""
        session, meeting, actor, before = self.session, self.meeting, self.actor, self.before
        people = self.people if self.same_people else None
        self.then(
            lambda: notify_placement(
                session, event=event, meeting=meeting, actor=actor, before=before, people=people
            )
        )

    def finish(self) -> dict[str, Any]:
        """Write the audit entry (the changed fields and the revision), then the e-mails.
        Attendance never changes who is in the meeting: its rows are not read again (nor
        for a change that says it keeps the same people)."""
        kept = self.attendance or self.same_people
        people = self.people if kept else meeting_people(self.session, pk(self.meeting))
        changes = diff(self.before, snapshot(self.meeting, people, attendance=self.attendance))
        changes["revision"] = [self.meeting.revision - 1, self.meeting.revision]
        record(
            self.session,
            actor_id=self.actor.id if self.actor else None,
            action=self.action,
            entity="meeting",
            entity_id=self.meeting.id,
            event_id=self.meeting.event_id,
            changes=changes,
        )
        for notice in self.notices:
            notice()
        return changes


def begin(
    session: Session,
    meeting: Meeting,
    *,
    actor: User | None,
    action: str,
    revision: int | None,
    people: Sequence[MeetingParticipant] | None = None,
    attendance: bool = False,
    same_people: bool = False,
) -> MeetingChange:
    """Snapshot the meeting, then bump its revision if it is still ``revision`` (None: the
    one loaded). Change the meeting after this, then call ``finish``."""
    if people is None:
        people = meeting_people(session, pk(meeting))
    before = snapshot(meeting, people, attendance=attendance)
    touch(session, meeting, revision)
    return MeetingChange(session, meeting, actor, action, people, before, attendance, same_people)


@contextmanager
def changing(
    session: Session,
    meeting: Meeting,
    *,
    actor: User | None,
    action: str,
    revision: int | None = None,
    people: Sequence[MeetingParticipant] | None = None,
    attendance: bool = False,
    same_people: bool = False,
) -> Iterator[MeetingChange]:
    """``with changing(...) as change:`` change the meeting; on the way out the change is
    audited, its e-mails queued and the session flushed. An error inside records nothing."""
    change = begin(
        session,
        meeting,
        actor=actor,
        action=action,
        revision=revision,
        people=people,
        attendance=attendance,
        same_people=same_people,
    )
    yield change
    change.finish()
    session.flush()


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
