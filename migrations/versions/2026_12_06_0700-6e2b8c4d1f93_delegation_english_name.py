"""delegation English name

Revision ID: 6e2b8c4d1f93
Revises: 4d7888f07802
Create Date: 2026-12-06 07:00:00.000000+00:00

A delegation's name in English beside its Vietnamese (official) one and the one in its own
script: English pages show it ("Taiwanese business delegation" rather than "Đoàn doanh
nghiệp Đài Loan (Trung Quốc)"); empty means the Vietnamese name everywhere.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "6e2b8c4d1f93"
down_revision: str | None = "4d7888f07802"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_en",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_column("name_en")
