"""demand survey wishes

Revision ID: 5d1e7a9c2b40
Revises: 8b4d2f6a1c93
Create Date: 2026-12-05 01:00:00.000000+00:00

Whether an event's demand survey is open, and the participants' wishes to meet one another
("must meet" / "would like"), one per ordered pair.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types

revision: str = "5d1e7a9c2b40"
down_revision: str | None = "8b4d2f6a1c93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wish_survey",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "meeting_wish",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("from_participant_id", sa.Integer(), nullable=False),
        sa.Column("to_participant_id", sa.Integer(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("level IN ('must', 'would')", name="level"),
        sa.CheckConstraint("from_participant_id <> to_participant_id", name="not_self"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["from_participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["to_participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_participant_id", "to_participant_id"),
    )
    with op.batch_alter_table("meeting_wish", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_wish_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_wish_to_participant_id"), ["to_participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_wish", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_wish_to_participant_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_wish_event_id"))
    op.drop_table("meeting_wish")
    op.drop_table("wish_survey")
