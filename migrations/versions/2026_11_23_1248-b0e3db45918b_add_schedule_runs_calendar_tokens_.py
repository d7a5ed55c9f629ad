"""add schedule runs, calendar tokens, publishing

Revision ID: b0e3db45918b
Revises: 225f185cef6a
Create Date: 2026-11-23 12:48:11.636810+00:00

Scheduler runs (figures, unscheduled meetings and why), revocable calendar feed tokens, the
moment an event's meeting schedule was published, and a meeting's last booked times (kept
when it is cancelled, so that calendars can still show it as cancelled).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types


revision: str = "b0e3db45918b"
down_revision: str | None = "225f185cef6a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedule_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("unscheduled", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["event_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_run_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_schedule_run_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "calendar_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", app.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    with op.batch_alter_table("calendar_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_token_participant_id"), ["participant_id"], unique=False
        )

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("schedule_published_at", app.types.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_starts_at", app.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_ends_at", app.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("last_ends_at")
        batch_op.drop_column("last_starts_at")

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("schedule_published_at")

    with op.batch_alter_table("calendar_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_token_participant_id"))

    op.drop_table("calendar_token")
    with op.batch_alter_table("schedule_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_run_session_id"))
        batch_op.drop_index(batch_op.f("ix_schedule_run_event_id"))

    op.drop_table("schedule_run")
