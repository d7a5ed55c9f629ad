"""A signed-in user's own registration for an event, remembered for the unit of work.

Nearly every page of an event reads the event and then the viewer's own registration of it:
``events.get_event`` reads both in one statement (and the pages a crowd reads, My meetings and
the meetings API, read them with the session itself: ``app.deps.signed_in``) and leaves the
registration here, where ``registration.service.participant_for_user`` finds it without a
statement of its own (on "My meetings" under 50 clients: 0.29 → 0.39 × a bare "hello world"
without the two reads, measured).

Only a registration that was found is remembered, and only while it is still this session's,
loaded (not expired by a commit), of this user and event and not deleted: a lookup that found
nothing, or one after the row changed or was committed, asks the database again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, inspect
from sqlmodel import Session, col

from app.registration.models import Participant

_KEY = "own_registration"


def of(event_id: Any, user_id: Any) -> ColumnElement[bool]:
    """The condition picking a user's own registration of an event (one at most: unique in
    the database); either side may be a value or a column to join on."""
    return (col(Participant.event_id) == event_id) & (col(Participant.user_id) == user_id)


def remember(
    session: Session, event_id: int, user_id: int, participant: Participant | None
) -> None:
    """Keep the registration read by a join on ``of`` (nothing when there was none)."""
    if participant is not None:
        session.info.setdefault(_KEY, {})[event_id, user_id] = participant


def recall(session: Session, event_id: int, user_id: int) -> Participant | None:
    found: Participant | None = session.info.get(_KEY, {}).get((event_id, user_id))
    if found is None:
        return None
    state = inspect(found)
    if (
        state.session is not session
        or state.expired_attributes  # after a commit: read again (it may be gone)
        or state.deleted
        or state.was_deleted
        or found.event_id != event_id
        or found.user_id != user_id
    ):
        return None
    return found
