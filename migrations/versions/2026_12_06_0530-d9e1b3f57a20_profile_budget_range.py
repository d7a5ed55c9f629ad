"""profile budget range

Revision ID: d9e1b3f57a20
Revises: c4f2a8e61b07
Create Date: 2026-12-06 05:30:00.000000+00:00

What an enterprise's request is ready to spend (a range in đồng, or "to be discussed"): part
of the request profile the demand survey asks for.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d9e1b3f57a20"
down_revision: str | None = "c4f2a8e61b07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANGES = ("under_500m", "500m_2b", "2b_10b", "over_10b", "to_discuss")


def upgrade() -> None:
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("budget", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch_op.create_check_constraint(
            "budget", "budget IS NULL OR budget IN (" + ", ".join(f"'{r}'" for r in RANGES) + ")"
        )


def downgrade() -> None:
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_constraint("budget", type_="check")
        batch_op.drop_column("budget")
