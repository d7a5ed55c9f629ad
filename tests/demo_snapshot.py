"""The demo, loaded by the real `ketnoi demo` command once per test process, then put back
from memory: each test still starts from exactly what the command wrote, without paying the
command's six seconds again. Tests of the command itself (timing, a second load changing
nothing) keep invoking it directly. ``capture`` and ``restore`` serve any other data set
built the same way for many tests (the permissions matrix's worlds)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Table, func, select, text
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select
from typer.testing import CliRunner

from app.cli import app as cli
from app.db import metadata
from app.demo import HAI_PHONG_TITLE
from app.events.models import Event

Snapshot = dict[str, list[dict[str, Any]]]
_snapshot: Snapshot | None = None


def load_demo(db: Session) -> None:
    """The demo database; ``db`` must be empty (the ``db`` fixture empties it after a test)."""
    global _snapshot
    if _snapshot is not None and is_empty(db):
        restore(db, _snapshot)
        return
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    if _snapshot is None:
        _snapshot = capture(db)


def capture(db: Session) -> Snapshot:
    """Every row of every table, as committed."""
    db.commit()
    snapshot = {
        table.name: [dict(row) for row in db.execute(select(table)).mappings()]
        for table in metadata.sorted_tables
    }
    db.rollback()
    return snapshot


def is_empty(db: Session) -> bool:
    empty = all(
        db.execute(select(func.count()).select_from(table)).scalar_one() == 0
        for table in metadata.sorted_tables
    )
    db.rollback()
    return empty


def restore(db: Session, snapshot: Snapshot) -> None:
    """Put a ``capture`` back into empty tables: one bulk insert per table, parents first."""
    connection = db.connection()
    for table in metadata.sorted_tables:
        rows = snapshot[table.name]
        if rows:
            connection.execute(table.insert(), rows)
            if connection.dialect.name == "postgresql":
                _restart_identity(db, table)
    db.commit()
    db.expire_all()


def _restart_identity(db: Session, table: Table) -> None:
    columns = list(table.primary_key.columns)
    # integer ids come from a sequence; text ids (sessions, tokens) have none
    if len(columns) == 1 and columns[0].name == "id" and isinstance(columns[0].type, Integer):
        for column in columns:
            db.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                    f'(SELECT MAX("{column.name}") FROM "{table.name}"))'
                )
            )


def demo_event(db: Session) -> Event:
    """The demo loaded (see ``load_demo``), and its played-through Hải Phòng event."""
    load_demo(db)
    return db.exec(sqlmodel_select(Event).where(Event.title_vi == HAI_PHONG_TITLE)).one()
