"""add meetings, booking and outbox

Revision ID: 225f185cef6a
Revises: f7e9b1ab6c01
Create Date: 2026-11-23 12:29:00.949639+00:00

Meeting requests, meetings and their people, and the rows through which the database
forbids double booking: meeting_seat UNIQUE (slot_id, participant_id), meeting
UNIQUE (slot_id, table_id), meeting_quota CHECK (booked <= cap). Also the e-mail outbox.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types


revision: str = "225f185cef6a"
down_revision: str | None = "f7e9b1ab6c01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("request_deadline", app.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "meeting_quota",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.CheckConstraint("booked >= 0", name="booked_nonnegative"),
        sa.CheckConstraint("cap IS NULL OR booked <= cap", name="booked_within_cap"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    op.create_table(
        "meeting_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("pair_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("profile_ids", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decline_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("responded_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired')", name="status"
        ),
        sa.CheckConstraint("requester_id <> recipient_id", name="not_self"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requester_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_request_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "ix_meeting_request_recipient_status", ["recipient_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_meeting_request_requester_status", ["requester_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_meeting_request_pending_pair",
            ["event_id", "pair_key"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column(
            "cancelled_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("origin IN ('request', 'organiser')", name="origin"),
        sa.CheckConstraint("status <> 'cancelled' OR slot_id IS NULL", name="cancelled_unbooked"),
        sa.CheckConstraint(
            "status IN ('proposed', 'confirmed', 'cancelled', 'held', 'no_show')", name="status"
        ),
        sa.CheckConstraint(
            "(slot_id IS NULL AND table_id IS NULL) OR (slot_id IS NOT NULL AND table_id IS NOT NULL)",
            name="slot_with_table",
        ),
        sa.CheckConstraint("priority >= 0", name="priority_nonnegative"),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["meeting_request.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["session_id"], ["event_session.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slot.id"],
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["meeting_table.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id", "slot_id"),
        sa.UniqueConstraint("request_id"),
        sa.UniqueConstraint("slot_id", "table_id"),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_event_status", ["event_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_table_id"), ["table_id"], unique=False)

    op.create_table(
        "meeting_participant",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("confirmed_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("attendance", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("added_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "attendance IS NULL OR attendance IN ('present', 'absent')", name="attendance"
        ),
        sa.CheckConstraint("role IN ('party', 'interpreter', 'colleague')", name="role"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "participant_id"),
    )
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_participant_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("to_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("to_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body_html", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("sent_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.CheckConstraint("locale IN ('vi', 'en')", name="locale"),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["meeting_request.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "meeting_seat",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id", "participant_id"],
            ["meeting_participant.meeting_id", "meeting_participant.participant_id"],
            name="fk_meeting_seat_meeting_id_participant_id_meeting_participant",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id", "slot_id"],
            ["meeting.id", "meeting.slot_id"],
            name="fk_meeting_seat_meeting_id_slot_id_meeting",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slot.id"],
        ),
        sa.PrimaryKeyConstraint("meeting_id", "participant_id"),
        sa.UniqueConstraint("slot_id", "participant_id"),
    )


def downgrade() -> None:
    op.drop_table("meeting_seat")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_event_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_participant_participant_id"))

    op.drop_table("meeting_participant")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_table_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_session_id"))
        batch_op.drop_index("ix_meeting_event_status")

    op.drop_table("meeting")
    with op.batch_alter_table("meeting_request", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meeting_request_pending_pair",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index("ix_meeting_request_requester_status")
        batch_op.drop_index("ix_meeting_request_recipient_status")
        batch_op.drop_index(batch_op.f("ix_meeting_request_event_id"))

    op.drop_table("meeting_request")
    op.drop_table("meeting_quota")
    op.drop_table("meeting_settings")
