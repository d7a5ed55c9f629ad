"""Fixed-window counters with back-off, kept in the database (shared by every worker and
replica) and updated atomically: ``hit`` inserts or increments the counter row with one
``INSERT … ON CONFLICT DO UPDATE … RETURNING``, which locks that row until the transaction
ends, so concurrent callers with the same key are decided one after the other.

Reusable for anything that must be rate limited::

    decision = ratelimit.hit(session, "magic-link:" + email, limit=5, window_s=3600)
    if not decision.allowed:
        raise TooManyRequests("…", retry_after_s=decision.retry_after_s)

Commit soon after (the row stays locked until then on PostgreSQL). A refused call is not
counted, so hammering while blocked does not extend the block; with ``backoff_s`` the calls
beyond ``limit`` are spaced out: the first one waits ``backoff_s``, then each allowed call
doubles the wait (``exponential``) up to ``max_backoff_s``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete

from app.auth.models import RateLimit
from app.types import utcnow


@dataclass(frozen=True)
class Decision:
    key: str
    allowed: bool
    count: int  # calls counted in the current window, this one included when allowed
    retry_after_s: int = 0  # when refused: seconds until a call may be allowed


def _upsert(session: Session, key: str, now: datetime):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RateLimit.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(key=key, count=1, window_start=now, blocked_until=None)
    return statement.on_conflict_do_update(
        index_elements=[table.c.key], set_={"count": table.c.count + 1}
    ).returning(table.c.count, table.c.window_start, table.c.blocked_until)


def hit(
    session: Session,
    key: str,
    limit: int,
    window_s: int,
    *,
    backoff_s: int | None = None,
    exponential: bool = True,
    max_backoff_s: int = 3600,
    now: datetime | None = None,
) -> Decision:
    """Count one call for ``key``: allowed while at most ``limit`` calls fall in the window
    of ``window_s`` seconds; beyond that refused until the window ends, or, with
    ``backoff_s``, allowed again once each back-off has passed."""
    now = now or utcnow()
    key = storable_key(key)
    count, window_start, blocked_until = session.execute(_upsert(session, key, now)).one()
    window_start = _aware(window_start)
    blocked_until = _aware(blocked_until) if blocked_until is not None else None
    table = RateLimit.__table__  # type: ignore[attr-defined]

    def store(**values: object) -> None:
        session.execute(update(table).where(table.c.key == key).values(**values))

    still_blocked = blocked_until is not None and blocked_until > now
    if window_start <= now - timedelta(seconds=window_s) and not still_blocked:
        store(count=1, window_start=now, blocked_until=None)  # a fresh window
        return Decision(key, True, 1)
    if still_blocked:
        assert blocked_until is not None
        store(count=count - 1)  # a refused call is not counted
        return Decision(key, False, count - 1, _seconds(blocked_until - now))
    over = count - limit
    if over <= 0:
        return Decision(key, True, count)
    if backoff_s is None:
        store(count=count - 1)
        window_end = window_start + timedelta(seconds=window_s)
        return Decision(key, False, count - 1, _seconds(window_end - now))
    wait = min(backoff_s * (2**over if exponential else 1), max_backoff_s)
    if blocked_until is None:
        # The first call over the limit opens the back-off instead of being checked.
        store(count=count - 1, blocked_until=now + timedelta(seconds=backoff_s))
        return Decision(key, False, count - 1, backoff_s)
    # The back-off has passed: this call goes ahead, and the next one waits longer.
    store(blocked_until=now + timedelta(seconds=wait))
    return Decision(key, True, count)


def refund(session: Session, key: str) -> None:
    """Take one call back (e.g. a successful log-in should not use up a shared budget)."""
    key = storable_key(key)
    table = RateLimit.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table).where(table.c.key == key, table.c.count > 0).values(count=table.c.count - 1)
    )


def reset(session: Session, key: str) -> None:
    key = storable_key(key)
    session.exec(delete(RateLimit).where(col(RateLimit.key) == key))  # type: ignore[call-overload]


def purge(session: Session, *, older_than_s: int, now: datetime | None = None) -> None:
    """Drop counters whose window and back-off both ended long ago."""
    cutoff = (now or utcnow()) - timedelta(seconds=older_than_s)
    session.exec(
        delete(RateLimit).where(  # type: ignore[call-overload]
            col(RateLimit.window_start) < cutoff,
            (col(RateLimit.blocked_until).is_(None)) | (col(RateLimit.blocked_until) < cutoff),
        )
    )


def storable_key(key: str) -> str:
    """Keys carry what a client typed (an e-mail): long ones are shortened to a digest."""
    if len(key) <= 200:
        return key
    return key[:100] + "#" + hashlib.sha256(key.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    # Core statements bypass the ORM type on RETURNING in some dialects: stored values are
    # naive UTC (app.types.UTCDateTime).
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
