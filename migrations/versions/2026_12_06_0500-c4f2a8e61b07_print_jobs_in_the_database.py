"""print jobs in the database

Revision ID: c4f2a8e61b07
Revises: a7c3e9f1d205
Create Date: 2026-12-06 05:00:00.000000+00:00

Print jobs and their PDFs move from files under var/print-jobs/ to a table, so that several
processes on several machines share them. Jobs are short-lived (a day): files of jobs
printed before the upgrade are not carried over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types

revision: str = "c4f2a8e61b07"
down_revision: str | None = "a7c3e9f1d205"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "print_job",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("what", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("by_delegation", sa.Boolean(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("second", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_job_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_job_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_job_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_job_updated_at"))
        batch_op.drop_index(batch_op.f("ix_print_job_status"))
        batch_op.drop_index(batch_op.f("ix_print_job_event_id"))
    op.drop_table("print_job")
