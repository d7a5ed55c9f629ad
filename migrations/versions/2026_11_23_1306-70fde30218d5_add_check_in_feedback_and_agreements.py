"""add check-in, feedback and agreements

Revision ID: 70fde30218d5
Revises: b0e3db45918b
Create Date: 2026-11-23 13:06:36.358212+00:00

The event day and its outcomes: check-ins (one per participant), feedback per person per
meeting, the feedback e-mails already sent per person and session, agreements with their
parties, documents (bytes on disk, content-addressed) and the follow-up reminders sent at 3
and 6 months after signing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types

revision: str = "70fde30218d5"
down_revision: str | None = "b0e3db45918b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.CheckConstraint("method IN ('qr', 'code', 'search')", name="method"),
        sa.ForeignKeyConstraint(["by_user_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_event_id"), ["event_id"], unique=False)

    op.create_table(
        "feedback_request",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("meeting_count", sa.Integer(), nullable=False),
        sa.Column("sent_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["event_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id", "session_id"),
    )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title_vi", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at_ceremony", sa.Boolean(), nullable=False),
        sa.Column("ceremony_order", sa.Integer(), nullable=True),
        sa.Column(
            "follow_up_status", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False
        ),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "currency IS NULL OR currency IN ('VND', 'USD', 'TWD', 'JPY', 'KRW', 'ILS', 'EUR')",
            name="currency",
        ),
        sa.CheckConstraint(
            "kind IN ('mou', 'nda', 'cooperation', 'supply_contract', 'technology_transfer')",
            name="kind",
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'signed', 'in_progress', 'completed', 'cancelled')",
            name="status",
        ),
        sa.CheckConstraint("ceremony_order IS NULL OR ceremony_order >= 1", name="ceremony_order"),
        sa.CheckConstraint("value IS NULL OR currency IS NOT NULL", name="value_with_currency"),
        sa.CheckConstraint("value IS NULL OR value >= 0", name="value_nonnegative"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index("ix_agreement_event_id_status", ["event_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("wants_to_continue", sa.Boolean(), nullable=False),
        sa.Column("next_steps", sa.JSON(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "participant_id"),
    )
    with op.batch_alter_table("meeting_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_feedback_event_id", ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_feedback_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "agreement_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_document_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_document_sha256"), ["sha256"], unique=False)

    op.create_table(
        "agreement_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "organisation_id"),
    )
    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_party_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_party_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_party_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "agreement_reminder",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("months IN (3, 6)", name="months"),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agreement_id", "months"),
    )


def downgrade() -> None:
    op.drop_table("agreement_reminder")
    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_party_participant_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_party_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_party_agreement_id"))

    op.drop_table("agreement_party")
    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_document_sha256"))
        batch_op.drop_index(batch_op.f("ix_agreement_document_agreement_id"))

    op.drop_table("agreement_document")
    with op.batch_alter_table("meeting_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_feedback_participant_id"))
        batch_op.drop_index("ix_meeting_feedback_event_id")

    op.drop_table("meeting_feedback")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_meeting_id"))
        batch_op.drop_index("ix_agreement_event_id_status")

    op.drop_table("agreement")
    op.drop_table("feedback_request")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_event_id"))

    op.drop_table("checkin")
