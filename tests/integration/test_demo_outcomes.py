"""The demo's event day (app.demo.outcomes, loaded by ``ketnoi demo``): check-ins with a few
absentees, held meetings and no-shows, feedback, agreements, and a second load that
changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from app.checkin.models import Checkin
from app.events.models import Event
from app.meetings.models import Meeting
from app.outcomes.models import (
    Agreement,
    MeetingFeedback,
)
from app.outcomes.stats import event_stats
from app.registration.models import Participant
from tests.demo_snapshot import demo_event

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _load(db: Session) -> Event:
    return demo_event(db)


def _snapshot(db: Session, event: Event) -> tuple[object, ...]:
    db.expire_all()
    return (
        len(db.exec(select(Checkin).where(Checkin.event_id == event.id)).all()),
        tuple(sorted(Counter(m.status for m in db.exec(select(Meeting))).items())),
        len(db.exec(select(MeetingFeedback)).all()),
        len(db.exec(select(Agreement)).all()),
    )


def test_the_demo_has_an_event_day_for_the_report(db: Session) -> None:
    event = _load(db)  # the command's time: test_demo_meetings.py
    approved = db.exec(
        select(Participant).where(
            Participant.event_id == event.id, Participant.status == "approved"
        )
    ).all()
    checkins = db.exec(select(Checkin).where(Checkin.event_id == event.id)).all()
    assert 0.75 * len(approved) <= len(checkins) < len(approved)
    arrived = {c.participant_id for c in checkins}
    assert any(p.delegation_id for p in approved if p.id not in arrived)
    statuses = Counter(
        m.status for m in db.exec(select(Meeting).where(Meeting.event_id == event.id))
    )
    assert statuses["held"] >= 50
    assert 1 <= statuses["no_show"] < statuses["held"]
    assert statuses["confirmed"] == statuses["proposed"] == 0 or statuses["held"] > 0
    feedback = db.exec(select(MeetingFeedback)).all()
    assert len(feedback) >= 20
    assert all(f.rating for f in feedback)
    agreements = db.exec(select(Agreement).where(Agreement.event_id == event.id)).all()
    assert len(agreements) == 6
    assert {a.kind for a in agreements} == {
        "mou",
        "nda",
        "cooperation",
        "supply_contract",
        "technology_transfer",
    }
    assert {a.currency for a in agreements} >= {"VND", "USD", "TWD"}
    assert sum(a.at_ceremony for a in agreements) == 3
    stats = event_stats(db, event_id=event.id)  # type: ignore[arg-type]
    assert stats.meetings.held == statuses["held"]
    assert stats.ratings.rated == len(feedback)
    assert stats.checkins.checked_in == len(checkins)

    before = _snapshot(db, event)
    _load(db)
    assert _snapshot(db, event) == before
