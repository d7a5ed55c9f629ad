"""The connection pool (app.db.make_engine): a connection idle for a while is tested before a
request gets it, so one the server dropped meanwhile is replaced instead of failing the
request; one handed back a moment ago is used as it is (no extra round trip under a crowd)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app import db
from tests.conftest import DATABASE_URL, IS_POSTGRES

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="the ping is for a database server")


def _backend_pid(engine: object) -> int:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_the_server_dropped_is_replaced_once_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = db.make_engine(DATABASE_URL, pool_size=1)
    try:
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first  # handed back a moment ago: the same connection
        killer = db.make_engine(DATABASE_URL, pool_size=1)
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            other.commit()
        killer.dispose()
        # Idle long enough to be tested: the dead connection is noticed and replaced.
        monkeypatch.setattr(db, "IDLE_PING_S", 0.0)
        replaced = _backend_pid(engine)
        assert replaced != first
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
