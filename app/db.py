"""Engine, naming convention and the request-scoped session (the single commit point)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql.expression import GenerativeSelect
from sqlmodel import Session, SQLModel, create_engine

from app.settings import get_settings

T = TypeVar("T")

# One naming convention for every constraint, so that Alembic autogenerate produces stable,
# predictable names on SQLite and PostgreSQL alike.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers proceed during a write.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """The engine of ``url``. ``pool_size`` connections are kept open (as many as requests a
    web process works on at once, ``Settings.db_pool_size``): under a crowd, a connection
    opened and closed per request costs more than the request itself."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=10,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A request waits at most 10 s for a free connection, then gets a 503 with Retry-After
    # (app.problems) rather than hanging on.
    engine = create_engine(url, pool_size=pool_size, max_overflow=10, pool_timeout=10)

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < IDLE_PING_S:
            return
        try:  # the dialect's own ping (pool_pre_ping's): it leaves no transaction open
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool drops it and connects again
            raise DisconnectionError() from exc

    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "checkout", ping_if_idle)
    event.listen(engine, "before_cursor_execute", _begin_before_writing)
    return engine


# A pooled connection unused for this long is tested before a request gets it (the server may
# have restarted or dropped it meanwhile); one handed back a moment ago is not: under a crowd,
# a test round trip per request (SQLAlchemy's pool_pre_ping) costs more than the answer.
IDLE_PING_S = 5.0


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    record.info["returned_at"] = time.monotonic()


@lru_cache
def get_engine() -> Engine:
    # Every table model, whatever the caller imported: a command that loads one module's models
    # cannot flush a row whose foreign keys name tables the metadata has never seen.
    import app.models  # noqa: F401

    settings = get_settings()
    if settings.is_sqlite:
        from pathlib import Path

        path = settings.database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, settings.db_pool_size)
    from app.input_guard import install as guard_input

    guard_input(engine)
    return engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: services flush, this commits once or rolls back on error."""
    with _unit(Session(get_engine(), expire_on_commit=False)) as session:
        yield session


def hold(session: Session, *rows: object) -> None:
    """Keep ``rows`` loaded for the rest of the unit of work: the session's identity map
    holds its rows weakly, so a row read only for later (``session.get`` finds it without a
    statement) would be gone as soon as the caller drops it."""
    session.info.setdefault("held", []).extend(rows)


@contextmanager
def _unit(session: Session) -> Iterator[Session]:
    """Ends ``session`` as the block ends: committed, or rolled back on any error."""
    try:
        yield session
    except BaseException:
        _end(session, commit=False)
        raise
    _end(session, commit=True)


async def get_session() -> AsyncIterator[Session]:
    """The request's unit of work (a FastAPI dependency): ``session_scope`` for a request.

    Opening a session does no I/O (it connects on first use), so it happens in the event loop;
    only the commit or rollback at the end goes to a worker thread. Each hand-off to a thread
    costs about as much as a small query under a crowd, and every request used to make two
    here. The end is shielded: a client that goes away still gets its work rolled back or
    committed and its connection returned."""
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
    except BaseException:
        await _end_in_thread(session, commit=False)
        raise
    await _end_in_thread(session, commit=True)


async def _end_in_thread(session: Session, *, commit: bool) -> None:
    if _ended(session):  # by the route itself (``one_thread``): nothing left to send
        session.close()
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(lambda: _end(session, commit=commit))


def _end(session: Session, *, commit: bool) -> None:
    """The end of a unit of work: commit (rolled back if the commit fails) or not, then close
    (which rolls back whatever was not committed and returns the connection)."""
    try:
        if commit:
            session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def _ended(session: Session) -> bool:
    """No transaction and no change waiting: closing sends nothing to the database."""
    return not (session.in_transaction() or session.new or session.dirty or session.deleted)


async def one_thread(session: Session, work: Callable[[], T], *, reads_only: bool = False) -> T:
    """``work()`` and the end of the request's unit of work (commit, or rollback on error) in
    one hand-off to a worker thread.

    For the routes a crowd calls (a delegate's agenda, booking): a plain ``def`` route costs a
    hand-off for each sync dependency, one for the route, one to check its response model
    and one to commit. Such a route is an ``async def`` that calls this, reads the signed-in
    person inside ``work`` (``app.deps.signed_in``) and lets FastAPI check its response in
    the event loop. A failed commit raises here: the client gets the error, never a success
    whose data was lost. The unit reads without a transaction until it first writes
    (``_reading_until_writing``); ``reads_only``: it writes nothing."""

    def run() -> T:
        _reading_until_writing(session, reads_only=reads_only)
        with _unit(session):
            return work()

    return await anyio.to_thread.run_sync(run, limiter=_crowd_limiter())


def _reading_until_writing(session: Session, *, reads_only: bool = False) -> None:
    """A unit of work reads in autocommit on PostgreSQL and begins its transaction with its
    first write or locking read (``_begin_before_writing``). Under READ COMMITTED each
    statement reads its own snapshot whether or not a transaction is open, and no lock is
    held before the first locking statement, so the unit reads and writes the same. A unit
    that only reads (a delegate's agenda) sends no BEGIN and no COMMIT, and one refused after
    its reads (a booking into a full slot, a clash: most bookings under a crowd) no BEGIN and
    no ROLLBACK: two round trips of four or five, each a wait for the server under a crowd.
    ``reads_only``: a change in the unit is refused before it is written."""
    if reads_only:
        session.info[_READS_ONLY] = True
    if session.get_bind().dialect.name == "postgresql":  # SQLite's BEGIN costs no round trip
        session.connection(
            execution_options={"isolation_level": "AUTOCOMMIT", _BEGIN_ON_WRITE: True}
        )


_READS_ONLY = "reads_only"
_BEGIN_ON_WRITE = "ketnoi_begin_on_write"


def _begin_before_writing(
    _conn: Any, cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
) -> None:
    """Before the first statement that writes or locks in a ``_reading_until_writing``
    unit: the driver leaves autocommit, so it sends BEGIN before that statement and the
    unit's end commits or rolls back as usual (the pool restores the connection's level)."""
    if context is None or not context.execution_options.get(_BEGIN_ON_WRITE):
        return
    dbapi_connection = cursor.connection
    if dbapi_connection.autocommit and not _plain_read(context):
        dbapi_connection.autocommit = False


def _plain_read(context: Any) -> bool:
    """A SELECT (or a UNION of them) built by SQLAlchemy that takes no row lock."""
    compiled = context.compiled
    statement = getattr(compiled, "statement", None)
    return isinstance(statement, GenerativeSelect) and statement._for_update_arg is None


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, *_: Any) -> None:
    """One listener for every session (a listener per session cost ~40 µs a request)."""
    if session.info.get(_READS_ONLY) and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a unit of work declared reading only has changes to write")


# The threads the routes of ``one_thread`` run on: at most ``Settings.crowd_threads`` at once
# per process, the others waiting their turn in order of arrival, beside the thread pool of
# every other route. Python runs one thread at a time: 20 requests on 20 threads each wait
# for the others between their queries; a few taken in turn answer the same crowd sooner and
# more evenly (50 clients, 2 processes, 11 runs side by side: p99 lower in 9, by 15-20 %).
# A request never waits for one of these threads while holding a row lock or a connection:
# its whole unit of work, commit included, runs once it has one.
_crowd: RunVar[anyio.CapacityLimiter] = RunVar("ketnoi_crowd")


def _crowd_limiter() -> anyio.CapacityLimiter:
    try:
        return _crowd.get()
    except LookupError:  # one per event loop
        limiter = anyio.CapacityLimiter(get_settings().crowd_threads)
        _crowd.set(limiter)
        return limiter
