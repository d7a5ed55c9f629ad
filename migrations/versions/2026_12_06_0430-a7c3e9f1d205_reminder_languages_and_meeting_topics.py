"""reminder languages and meeting topics

Revision ID: a7c3e9f1d205
Revises: 5d1e7a9c2b40
Create Date: 2026-12-06 04:30:00.000000+00:00

Reminders in Vietnamese plus the delegate's own language: the outbox's locale may be ja, ko,
zh_Hant or zh_Hans (up to 10 characters). The topic of a meeting proposed from the survey's
matching board.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types

revision: str = "a7c3e9f1d205"
down_revision: str | None = "5d1e7a9c2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("locale", type_="check")
        batch_op.alter_column(
            "locale",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=5),
            type_=sqlmodel.sql.sqltypes.AutoString(length=10),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            "locale", "locale IN ('vi', 'en', 'ja', 'ko', 'zh_Hant', 'zh_Hans')"
        )
    op.create_table(
        "meeting_topic",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("topic_vi", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("topic_en", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id"),
    )


def downgrade() -> None:
    op.drop_table("meeting_topic")
    # Rows in the delegates' own languages read as English once the column is narrow again.
    op.execute("UPDATE outbox SET locale = 'en' WHERE locale NOT IN ('vi', 'en')")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("locale", type_="check")
        batch_op.alter_column(
            "locale",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=10),
            type_=sqlmodel.sql.sqltypes.AutoString(length=5),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("locale", "locale IN ('vi', 'en')")
