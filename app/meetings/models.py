"""Meeting requests, meetings and the rows through which the database forbids double booking.

What the database guarantees, whatever the application code does and however many requests
race each other:

- ``meeting_seat`` has one row per participant of every *booked* meeting (not cancelled, with a
  slot) and ``UNIQUE (slot_id, participant_id)``: nobody sits in two meetings in one slot.
  Its foreign key ``(meeting_id, slot_id) -> meeting (id, slot_id)`` keeps a seat in the slot
  of its meeting, and ``(meeting_id, participant_id) -> meeting_participant`` keeps it for a
  person of that meeting.
- ``meeting`` has ``UNIQUE (slot_id, table_id)``: one meeting per table per slot. A cancelled
  meeting gives its slot and table back (a CHECK makes it hold neither), and a meeting holds a
  slot and a table together or neither.
- ``meeting_quota`` counts each participant's booked meetings next to their cap, with
  ``CHECK (cap IS NULL OR booked <= cap)``: an increment past the cap fails, and PostgreSQL's
  row lock makes two concurrent increments take turns.
- ``meeting_request`` allows one pending request per pair of people (a partial unique index on
  ``pair_key``), in either direction.
- ``meeting`` allows one active (not cancelled) meeting per set of parties per event: a partial
  unique index on ``party_key``, the parties' sorted ids. Interpreters and colleagues join a
  meeting without changing its key: they accompany a party, they are not a party.

Time across parallel sessions (two B2B sessions at the same hours have different slots, so the
seat key does not see the overlap) is serialised per person instead: every booking locks the
rows of its people (``service._lock_people``) before it checks for an overlapping seat.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Index,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"
    expired = "expired"


class MeetingStatus(StrEnum):
    proposed = "proposed"  # waiting for the parties' confirmation
    confirmed = "confirmed"
    cancelled = "cancelled"
    held = "held"
    no_show = "no_show"


# Statuses in which a meeting occupies its slot, its table and its people.
ACTIVE_STATUSES = (
    MeetingStatus.proposed,
    MeetingStatus.confirmed,
    MeetingStatus.held,
    MeetingStatus.no_show,
)


class MeetingOrigin(StrEnum):
    request = "request"  # an accepted meeting request
    organiser = "organiser"  # created by the organisers (demand survey, by hand)


class MeetingRole(StrEnum):
    party = "party"
    interpreter = "interpreter"
    colleague = "colleague"


class Attendance(StrEnum):
    present = "present"
    absent = "absent"


class MeetingSettings(SQLModel, table=True):
    """Per-event meeting rules that the event row does not hold (the booking mode and the
    default cap live on the event and are edited there; see service.get_settings)."""

    __tablename__ = "meeting_settings"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    # Pending requests expire at this moment (UTC); None: they never expire.
    request_deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingRequest(SQLModel, table=True):
    __tablename__ = "meeting_request"
    __table_args__ = (
        CheckConstraint(one_of("status", RequestStatus), name="status"),
        CheckConstraint("requester_id <> recipient_id", name="not_self"),
        Index(
            "uq_meeting_request_pending_pair",
            "event_id",
            "pair_key",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_meeting_request_recipient_status", "recipient_id", "status"),
        Index("ix_meeting_request_requester_status", "requester_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    requester_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    recipient_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    # "<lower id>:<higher id>": the same key whoever asked whom.
    pair_key: str = Field(max_length=40)
    message: str = Field(default="", max_length=2000)
    profile_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=RequestStatus.pending.value, max_length=20)
    decline_reason: str = Field(default="", max_length=1000)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint(one_of("status", MeetingStatus), name="status"),
        CheckConstraint(one_of("origin", MeetingOrigin), name="origin"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint("priority >= 0", name="priority_nonnegative"),
        CheckConstraint("mode IN ('onsite', 'online', 'hybrid')", name="mode"),
        CheckConstraint(
            "(slot_id IS NULL AND table_id IS NULL)"
            " OR (slot_id IS NOT NULL AND table_id IS NOT NULL)",
            name="slot_with_table",
        ),
        CheckConstraint("status <> 'cancelled' OR slot_id IS NULL", name="cancelled_unbooked"),
        # One meeting per table per slot.
        UniqueConstraint("slot_id", "table_id"),
        # The target of meeting_seat's (meeting_id, slot_id) foreign key.
        UniqueConstraint("id", "slot_id"),
        UniqueConstraint("request_id"),
        Index("ix_meeting_event_status", "event_id", "status"),
        # One active meeting per pair (or group) of parties per event.
        Index(
            "uq_meeting_active_parties",
            "event_id",
            "party_key",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    # Unscheduled meetings of an event with several matchmaking sessions have no session yet.
    session_id: int | None = Field(
        default=None, foreign_key="event_session.id", index=True, ondelete="SET NULL"
    )
    status: str = Field(default=MeetingStatus.confirmed.value, max_length=20)
    origin: str = Field(default=MeetingOrigin.request.value, max_length=20)
    # No ON DELETE action: a slot or table that holds a meeting cannot vanish under it (move
    # or cancel the meeting first), so that nobody's agenda changes without a revision.
    # Searched through the leading column of UNIQUE (slot_id, table_id): no index of its own.
    slot_id: int | None = Field(default=None, foreign_key="slot.id")
    table_id: int | None = Field(default=None, foreign_key="meeting_table.id", index=True)
    locked: bool = False
    # The parties' ids, sorted, joined by ":" (see party_key()); set once, at creation. None
    # only for duplicates that existed before the rule (the migration left them unkeyed).
    party_key: str | None = Field(default=None, max_length=200)
    revision: int = 1
    priority: int = 1
    request_id: int | None = Field(
        default=None, foreign_key="meeting_request.id", ondelete="SET NULL"
    )
    cancelled_reason: str = Field(default="", max_length=1000)
    # On-site, online or hybrid (app.reminders.models.MeetingMode); the video link of an
    # online or hybrid meeting, or "" to use the pattern of its session (app.reminders.online).
    mode: str = Field(default="onsite", max_length=10)
    video_url: str = Field(default="", max_length=500)
    # Where the meeting last was (UTC), kept when it loses its slot (cancelled or
    # unscheduled), so that calendars can still show it as cancelled at its old time.
    last_starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def party_key(participant_ids: list[int]) -> str:
    """The same key for the same parties, in whatever order they were named."""
    return ":".join(str(i) for i in sorted(set(participant_ids)))


class MeetingParticipant(SQLModel, table=True):
    __tablename__ = "meeting_participant"
    __table_args__ = (
        CheckConstraint(one_of("role", MeetingRole), name="role"),
        CheckConstraint(
            "attendance IS NULL OR " + one_of("attendance", Attendance), name="attendance"
        ),
    )

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True, ondelete="CASCADE")
    participant_id: int = Field(
        foreign_key="participant.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    role: str = Field(default=MeetingRole.party.value, max_length=20)
    # Parties of a proposed meeting confirm it; others are confirmed when added.
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attendance: str | None = Field(default=None, max_length=20)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingSeat(SQLModel, table=True):
    """A participant's place in a slot, for each person of each booked meeting."""

    __tablename__ = "meeting_seat"
    __table_args__ = (
        # Nobody in two meetings in one slot.
        UniqueConstraint("slot_id", "participant_id"),
        ForeignKeyConstraint(
            ["meeting_id", "slot_id"],
            ["meeting.id", "meeting.slot_id"],
            name="fk_meeting_seat_meeting_id_slot_id_meeting",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["meeting_id", "participant_id"],
            ["meeting_participant.meeting_id", "meeting_participant.participant_id"],
            name="fk_meeting_seat_meeting_id_participant_id_meeting_participant",
            ondelete="CASCADE",
        ),
    )

    meeting_id: int = Field(primary_key=True)
    participant_id: int = Field(primary_key=True)
    slot_id: int = Field(foreign_key="slot.id")


class MeetingQuota(SQLModel, table=True):
    """How many booked meetings a participant has, next to their cap at the last booking."""

    __tablename__ = "meeting_quota"
    __table_args__ = (
        CheckConstraint("booked >= 0", name="booked_nonnegative"),
        CheckConstraint("cap IS NULL OR booked <= cap", name="booked_within_cap"),
    )

    participant_id: int = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    booked: int = 0
    cap: int | None = None  # None: no cap (interpreters unless one is set)
