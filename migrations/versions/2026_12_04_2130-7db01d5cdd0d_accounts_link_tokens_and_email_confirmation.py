"""accounts link tokens and email confirmation

Revision ID: 7db01d5cdd0d
Revises: 5e2c9a7d41b3
Create Date: 2026-12-04 21:30:00+00:00

Links sent by e-mail (confirmation, invitation, password reset, sign-in) as digest-only,
single-use, expiring tokens; requests for links counted for the rate limit; accounts record
when their address was proved. Accounts that exist already were made by organisers or the
command line and count as confirmed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.types

revision: str = "7db01d5cdd0d"
down_revision: str | None = "5e2c9a7d41b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("at", app.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("link_request", schema=None) as batch_op:
        batch_op.create_index("ix_link_request_key_at", ["purpose", "key", "at"], unique=False)

    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("password_stamp", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", app.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('confirm_email', 'reset_password', 'invitation', 'sign_in_link')",
            name="purpose",
        ),
        sa.CheckConstraint("user_id IS NOT NULL OR participant_id IS NOT NULL", name="owner"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_token_participant", ["participant_id", "purpose"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_account_token_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", app.types.UTCDateTime(), nullable=True))
    op.execute("UPDATE user_account SET email_confirmed_at = created_at")



def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")

    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_token_user_id"))
        batch_op.drop_index("ix_account_token_participant")

    op.drop_table("account_token")
    with op.batch_alter_table("link_request", schema=None) as batch_op:
        batch_op.drop_index("ix_link_request_key_at")

    op.drop_table("link_request")
