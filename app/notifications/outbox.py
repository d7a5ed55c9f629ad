"""Reading the outbox: a page of queued e-mails, newest first, filtered by state, kind and
event. Admins see every message; other organisers only those of the events they manage."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth.models import User
from app.events.models import Event, EventOrganiser
from app.notifications.models import Outbox


def page(
    session: Session,
    user: User,
    *,
    state: str,
    kind: str,
    event_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Outbox], int, dict[int, Event]]:
    """(messages of the page, how many match, their events by id). ``state`` is "unsent",
    "sent", "failed" or "" for all; ``kind`` one of the e-mail kinds or "" for all."""
    conditions: list[Any] = []
    if not user.is_admin:
        managed = select(EventOrganiser.event_id).where(EventOrganiser.user_id == user.id)
        conditions.append(col(Outbox.event_id).in_(managed))
    if event_id is not None:
        conditions.append(col(Outbox.event_id) == event_id)
    if kind:
        conditions.append(col(Outbox.kind) == kind)
    if state == "unsent":
        conditions.append(col(Outbox.sent_at).is_(None))
    elif state == "sent":
        conditions.append(col(Outbox.sent_at).is_not(None))
    elif state == "failed":
        conditions += [col(Outbox.sent_at).is_(None), col(Outbox.last_error) != ""]
    total = int(session.exec(select(func.count()).select_from(Outbox).where(*conditions)).one())
    rows = list(
        session.exec(
            select(Outbox)
            .where(*conditions)
            .order_by(col(Outbox.id).desc())
            .limit(limit)
            .offset(offset)
        ).all()
    )
    event_ids = {r.event_id for r in rows if r.event_id is not None}
    found = (
        session.exec(select(Event).where(col(Event.id).in_(event_ids))).all() if event_ids else []
    )
    return rows, total, {e.id: e for e in found if e.id is not None}
