"""reminders and online meetings

Revision ID: 8b4d2f6a1c93
Revises: 3c7e9a41d2b8
Create Date: 2026-12-05 23:33:00.000000+00:00

Reminder settings per event; the record of reminders queued, unique per meeting revision,
kind and person (two workers never queue one twice); e-mail attachments of the outbox; a
meeting's mode (on-site / online / hybrid) and video link, and a session's video link pattern.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types

revision: str = "8b4d2f6a1c93"
down_revision: str | None = "3c7e9a41d2b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("day_before_hour", sa.Integer(), nullable=False),
        sa.Column("minutes_before", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("day_before_hour BETWEEN 0 AND 23", name="day_before_hour_range"),
        sa.CheckConstraint("minutes_before BETWEEN 1 AND 240", name="minutes_before_range"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_attachment_outbox_id"), ["outbox_id"], unique=False
        )

    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('day_before', 'soon')", name="kind"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "revision", "kind", "participant_id"),
    )
    with op.batch_alter_table("reminder_sent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_sent_participant_id"), ["participant_id"], unique=False
        )

    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "video_pattern",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "mode",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="onsite",
            )
        )
        batch_op.add_column(
            sa.Column(
                "video_url",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_check_constraint("mode", "mode IN ('onsite', 'online', 'hybrid')")



def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint("mode", type_="check")
        batch_op.drop_column("video_url")
        batch_op.drop_column("mode")

    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.drop_column("video_pattern")

    with op.batch_alter_table("reminder_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_sent_participant_id"))

    op.drop_table("reminder_sent")
    with op.batch_alter_table("outbox_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attachment_outbox_id"))

    op.drop_table("outbox_attachment")
    op.drop_table("reminder_settings")
