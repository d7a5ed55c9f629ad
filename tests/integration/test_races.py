"""Many real connections race on PostgreSQL; the database (or a lock it holds) lets exactly one
of them win, every round, and the invariants hold in the database afterwards.

Each racer is a thread with its own ``Session`` on the shared engine, so its own pooled
connection and its own transaction, calling the service as a request would (flush, then
commit; a domain error rolls back). A barrier releases them together.

- Two B2B sessions at overlapping hours (different slots, so no unique key sees the overlap):
  one person's meetings placed at once in overlapping slots of both sessions → one booking.
- The same pair of people, named in either order, created at once → one meeting; the others
  get a 409 naming the meeting they already have.
- Accept, decline and withdraw of one request at once → one answer, its e-mail only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.db import get_engine
from app.errors import Conflict
from app.events import service as events
from app.events.models import Event, EventCreate, EventStatus, SessionCreate
from app.meetings import commands as meeting_commands
from app.meetings import requests as meeting_requests
from app.meetings.models import Meeting, MeetingRequest, MeetingSeat
from app.meetings.schemas import MeetingCreate, MeetingRequestCreate, MeetingUpdate
from app.notifications.models import Outbox
from app.types import pk
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, IS_POSTGRES, make_user
from tests.integration.conftest import add_person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not IS_POSTGRES,
        reason="SQLite serialises all writers, so there is no race to lose; "
        "set KETNOI_TEST_DATABASE_URL to a PostgreSQL database",
    ),
    pytest.mark.usefixtures("fast_password_hashing"),
]

ROUNDS = 100
RACERS = 4


def race(calls: list[Callable[[Session], Any]]) -> list[Any]:
    """Run each call in its own thread and transaction at the same moment; a call's result
    is its return value, or the ``Conflict`` it raised (anything else fails the test)."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with Session(get_engine(), expire_on_commit=False) as session:
            try:
                barrier.wait()
                results[index] = calls[index](session)
                session.commit()
            except Conflict as exc:
                session.rollback()
                results[index] = exc
            except BaseException as exc:  # reported by the main thread
                session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def winners(results: list[Any]) -> list[Any]:
    return [r for r in results if not isinstance(r, Conflict)]


def fields(results: list[Any]) -> set[str]:
    return {e.field for r in results if isinstance(r, Conflict) for e in r.errors}


class Stage:
    """An open event whose organiser does everything, with two B2B sessions: 14:00–17:00 in
    20-minute slots and 14:10–17:00 in 25-minute slots, so that slots overlap partially."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.organiser = make_user(db, "quynh@sokhcn.haiphong.gov.vn", Role.organiser)
        # Read by the racing threads: a plain int, never an attribute of this session's rows.
        self.organiser_id = pk(self.organiser)
        event = events.create_event(
            db,
            actor=self.organiser,
            data=EventCreate.model_validate(
                {**HAI_PHONG_EVENT, "status": EventStatus.registration_open}
            ),
        )
        self.event_id = pk(event)
        self.sessions = []
        for extra in (
            {},
            {
                "title_vi": "Kết nối B2B – phòng 3",
                "room": "Phòng họp tầng 3",
                "starts_at": "2027-03-16T14:10:00+07:00",
                "slot_minutes": 25,
            },
        ):
            row = events.create_session(
                db,
                actor=self.organiser,
                event_id=self.event_id,
                data=SessionCreate.model_validate({**B2B_SESSION, "table_count": 6, **extra}),
            )
            self.sessions.append(pk(row))
        self.people: dict[str, int] = {}
        db.commit()

    def person(self, name: str, *, email: bool = True) -> int:
        """An approved participant; without ``email`` nobody is written to about them (the
        races about seats and pairs need no e-mail rendered on the way)."""
        if name not in self.people:
            self.people[name] = add_person(
                self.db,
                self.event_id,
                name.title(),
                email=f"{name}@doanhnghiep.example" if email else None,
                languages=["vi"],
                actor=self.organiser,
            )
        return self.people[name]

    def actor(self, session: Session) -> User:
        user = session.get(User, self.organiser_id)
        assert user is not None
        return user

    def meeting(self, *names: str, session_id: int | None = None) -> int:
        meeting = meeting_commands.create_meeting(
            self.db,
            actor=self.organiser,
            event_id=self.event_id,
            data=MeetingCreate(
                participant_ids=[self.person(n, email=False) for n in names],
                session_id=session_id,
            ),
        )
        self.db.commit()
        return pk(meeting)


def overlapping_seats() -> list[tuple[int, int, int]]:
    """(participant, meeting, meeting) for every person seated twice at the same time."""
    with Session(get_engine()) as check:
        rows = check.execute(
            text(
                "SELECT a.participant_id, a.meeting_id, b.meeting_id"
                " FROM meeting_seat a JOIN slot sa ON sa.id = a.slot_id,"
                " meeting_seat b JOIN slot sb ON sb.id = b.slot_id"
                " WHERE a.participant_id = b.participant_id AND a.meeting_id < b.meeting_id"
                " AND sa.starts_at < sb.ends_at AND sb.starts_at < sa.ends_at"
            )
        ).all()
    return [(int(p), int(m1), int(m2)) for p, m1, m2 in rows]


def test_parallel_sessions_never_seat_one_person_twice_at_the_same_time(db: Session) -> None:
    stage = Stage(db)
    first, second = stage.sessions
    slots = {s: events.list_slots(db, session_id=s) for s in stage.sessions}
    # Pairs of slots of the two sessions that overlap in time (partially: 25 vs 20 minutes).
    pairs = [
        (a, b)
        for a in slots[first]
        for b in slots[second]
        if a.starts_at < b.ends_at and b.starts_at < a.ends_at
    ]
    assert len(pairs) >= 8
    # Lin has four meetings, two in each session; all four are placed at once, in slots that
    # all overlap each other's time (a, then b overlapping a, in each session).
    meetings = [
        stage.meeting("lin", other, session_id=sid)
        for other, sid in (("hoa", first), ("bao", first), ("an", second), ("binh", second))
    ]

    def place(meeting_id: int, slot_id: int) -> Callable[[Session], Any]:
        def call(session: Session) -> Any:
            return meeting_commands.update_meeting(
                session,
                actor=stage.actor(session),
                event_id=stage.event_id,
                meeting_id=meeting_id,
                data=MeetingUpdate(slot_id=slot_id),
            )

        return call

    slot_pairs = [(pk(a), pk(b)) for a, b in pairs]
    for round_ in range(ROUNDS):
        a, b = slot_pairs[round_ % len(slot_pairs)]
        targets = [a, a, b, b]
        results = race([place(m, s) for m, s in zip(meetings, targets, strict=True)])
        won = winners(results)
        assert len(won) == 1, results
        assert fields(results) == {"slot_id"}, results
        assert overlapping_seats() == []
        # Back to unscheduled for the next round (quietly: no e-mail to render).
        db.expire_all()
        event = db.get(Event, stage.event_id)
        assert event is not None
        rows = [db.get(Meeting, m) for m in meetings]
        meeting_commands.apply_placements(
            db,
            actor=None,
            event=event,
            moves=[(row, None, None) for row in rows if row is not None],
            notify=False,
        )
        db.commit()
    with Session(get_engine()) as check:
        assert check.exec(select(func.count()).select_from(MeetingSeat)).one() == 0


def test_one_active_meeting_per_pair_however_many_create_it_at_once(db: Session) -> None:
    stage = Stage(db)
    pairs = [(f"host{i}", f"guest{i}") for i in range(ROUNDS)]
    for host, guest in pairs:
        stage.person(host, email=False), stage.person(guest, email=False)

    def create(ids: list[int]) -> Callable[[Session], Any]:
        def call(session: Session) -> Any:
            return pk(
                meeting_commands.create_meeting(
                    session,
                    actor=stage.actor(session),
                    event_id=stage.event_id,
                    data=MeetingCreate(participant_ids=ids),
                )
            )

        return call

    for host, guest in pairs:
        ids = [stage.people[host], stage.people[guest]]
        # Half name the pair one way round, half the other.
        results = race([create(ids if i % 2 else ids[::-1]) for i in range(RACERS)])
        won = winners(results)
        assert len(won) == 1, results
        losers = [r for r in results if isinstance(r, Conflict)]
        assert {(e.field, e.message) for r in losers for e in r.errors} == {
            ("participant_ids", "they already have a meeting together")
        }
    # Counted from the parties themselves, not from the key the index uses.
    with Session(get_engine()) as check:
        rows = check.execute(
            text(
                "SELECT mp.meeting_id, mp.participant_id FROM meeting_participant mp"
                " JOIN meeting m ON m.id = mp.meeting_id"
                " WHERE m.status <> 'cancelled' AND mp.role = 'party'"
            )
        ).all()
    parties: dict[int, set[int]] = {}
    for meeting_id, participant_id in rows:
        parties.setdefault(int(meeting_id), set()).add(int(participant_id))
    keys = [frozenset(p) for p in parties.values()]
    assert len(keys) == ROUNDS
    assert len(set(keys)) == ROUNDS


def test_a_request_gets_exactly_one_answer_and_one_email(db: Session) -> None:
    stage = Stage(db)
    # A new pair each round: nothing to clean up between rounds.
    pairs = [(stage.person(f"asks{i}"), stage.person(f"asked{i}")) for i in range(ROUNDS)]
    verbs = ("accept", "decline", "cancel")

    def answer(verb: str, request_id: int) -> Callable[[Session], Any]:
        def call(session: Session) -> Any:
            kwargs: dict[str, Any] = {
                "actor": stage.actor(session),
                "event_id": stage.event_id,
                "request_id": request_id,
            }
            if verb == "accept":
                return ("accepted", pk(meeting_requests.accept_request(session, **kwargs)))
            if verb == "decline":
                meeting_requests.decline_request(session, reason="Lịch đã kín", **kwargs)
                return ("declined", None)
            meeting_requests.cancel_request(session, **kwargs)
            return ("cancelled", None)

        return call

    outcomes: dict[str, int] = {}
    for requester, recipient in pairs:
        request = meeting_requests.create_request(
            db,
            actor=stage.organiser,
            event_id=stage.event_id,
            data=MeetingRequestCreate(requester_id=requester, recipient_id=recipient),
        )
        db.commit()
        request_id = pk(request)
        results = race([answer(v, request_id) for v in verbs])
        won = winners(results)
        assert len(won) == 1, results
        assert fields(results) == {"status"}, results
        status, meeting_id = won[0]
        outcomes[status] = outcomes.get(status, 0) + 1
        with Session(get_engine()) as check:
            row = check.get(MeetingRequest, request_id)
            assert row is not None
            assert row.status == status
            meetings = check.exec(select(Meeting).where(Meeting.request_id == request_id)).all()
            assert [pk(m) for m in meetings] == ([meeting_id] if meeting_id else [])
            mail = check.exec(
                select(Outbox.kind).where(
                    Outbox.request_id == request_id, Outbox.kind != "request_received"
                )
            ).all()
            expected = {"accepted": ["request_accepted"], "declined": ["request_declined"]}
            assert list(mail) == expected.get(status, [])
    # Every answer won some rounds: the race was real on all sides.
    assert len(outcomes) >= 2, outcomes
