"""one active meeting per set of parties

Revision ID: 5e3c1d9a7b42
Revises: 70fde30218d5
Create Date: 2026-12-04 21:00:00+00:00

Concurrent "create meeting" calls for the same two people each made a meeting. The meeting now
carries its parties' key (their sorted ids joined by ":") and a partial unique index allows
one meeting per key per event that is not cancelled. Existing meetings get their key; when a
database already holds several active meetings of the same parties, the oldest keeps the key
and the others stay unkeyed (listed on the console), for the organisers to cancel: a migration
does not cancel meetings people may have been told about.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e3c1d9a7b42"
down_revision: str | None = "70fde30218d5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = "status <> 'cancelled'"


def _backfill() -> None:
    bind = op.get_bind()
    parties: dict[int, list[int]] = {}
    for meeting_id, participant_id in bind.execute(
        sa.text("SELECT meeting_id, participant_id FROM meeting_participant WHERE role = 'party'")
    ):
        parties.setdefault(int(meeting_id), []).append(int(participant_id))
    taken: set[tuple[int, str]] = set()
    duplicates: list[int] = []
    for meeting_id, event_id, status in bind.execute(
        sa.text("SELECT id, event_id, status FROM meeting ORDER BY id")
    ).all():
        ids = parties.get(int(meeting_id))
        if not ids:
            continue
        key = ":".join(str(i) for i in sorted(set(ids)))
        if status != "cancelled":
            if (int(event_id), key) in taken:
                duplicates.append(int(meeting_id))
                continue
            taken.add((int(event_id), key))
        bind.execute(
            sa.text("UPDATE meeting SET party_key = :key WHERE id = :id"),
            {"key": key, "id": meeting_id},
        )
    if duplicates:
        print(  # noqa: T201  (an operator reads this once, during the upgrade)
            "ketnoi: these meetings repeat an active meeting of the same people; "
            f"cancel them: {duplicates}"
        )


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("party_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    _backfill()
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(
            "uq_meeting_active_parties",
            ["event_id", "party_key"],
            unique=True,
            sqlite_where=sa.text(WHERE),
            postgresql_where=sa.text(WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meeting_active_parties",
            sqlite_where=sa.text(WHERE),
            postgresql_where=sa.text(WHERE),
        )
        batch_op.drop_column("party_key")
