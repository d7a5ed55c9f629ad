"""refold the stored search text: simplified Chinese, padded words

Revision ID: 3c7e9a41d2b8
Revises: 7db01d5cdd0d
Create Date: 2026-12-04 22:00:00+00:00

Data only, no schema change. Search now folds traditional Chinese to simplified (OpenCC)
and stores the words of a text between single spaces with a space at each end, so that a
LIKE finds whole words on SQLite and PostgreSQL alike. The stored search texts of
organisations, participants and profiles are folded again (app.text.refold): folding is
idempotent, so refolding the old text gives what saving the row today would store. Only the
``id`` and ``search_text`` columns are read, so later schema changes cannot break this step.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.text import refold

revision: str = "3c7e9a41d2b8"
down_revision: str | None = "7db01d5cdd0d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("organisation", "participant", "profile")


def _refold_table(name: str) -> None:
    table = sa.table(name, sa.column("id", sa.Integer), sa.column("search_text", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.search_text)).all()
    for row_id, text in rows:
        new = refold(text or "")
        if new != text:
            bind.execute(table.update().where(table.c.id == row_id).values(search_text=new))


def upgrade() -> None:
    for name in TABLES:
        _refold_table(name)


def downgrade() -> None:
    # The refolded text is still matched by the old substring search: nothing to undo.
    pass
