"""add rate limit counters

Revision ID: 5e2c9a7d41b3
Revises: 5e3c1d9a7b42
Create Date: 2026-12-04 21:10:00.000000+00:00

Counters for app.auth.ratelimit: log-in guesses per account and client address (with
back-off), per account and per client address, updated atomically with INSERT … ON CONFLICT.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.types

revision: str = "5e2c9a7d41b3"
down_revision: str | None = "5e3c1d9a7b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_start", app.types.UTCDateTime(), nullable=False),
        sa.Column("blocked_until", app.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit")
