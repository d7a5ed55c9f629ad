"""Column types shared by every module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Protocol

from annotated_types import Interval
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from starlette.convertors import IntegerConvertor, register_url_convertor

INT64_MAX = 2**63 - 1
# An integer a database column can hold (SQLite and PostgreSQL BIGINT): every id and count
# taken from a path or a query is one, so 2**63 is refused as input (422) and never reaches
# the database as an overflow (500).
DbInt = Annotated[int, Interval(ge=-INT64_MAX - 1, le=INT64_MAX)]


class _DbIntConvertor(IntegerConvertor):
    """``{name:int}`` in a route path matches at most 18 digits (always below 2**63): a
    longer number is no page (404), not an overflow in the database."""

    regex = "[0-9]{1,18}"


register_url_convertor("int", _DbIntConvertor())


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and returns them aware (UTC) on every database.

    SQLite has no time zone type; storing UTC everywhere keeps ordering and comparisons
    identical on SQLite and PostgreSQL, and display converts to the event's zone.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("UTCDateTime needs a datetime")
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# The demo plays a past event through the product's own services; during that it moves the
# clock back (``clock_at``), so that requests are sent before the day and answered in time.
# Nothing else sets it: in the running product ``utcnow`` is the wall clock.
_CLOCK_OFFSET: ContextVar[timedelta | None] = ContextVar("ketnoi_clock_offset", default=None)


def utcnow() -> datetime:
    now = datetime.now(UTC)
    offset = _CLOCK_OFFSET.get()
    return now if offset is None else now + offset


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (the clock keeps ticking from there)."""
    token = _CLOCK_OFFSET.set(moment.astimezone(UTC) - datetime.now(UTC))
    try:
        yield
    finally:
        _CLOCK_OFFSET.reset(token)


class _HasId(Protocol):
    id: int | None


def pk(row: _HasId) -> int:
    """The primary key of a row that has been flushed (narrows ``int | None`` to ``int``)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def one_of(column: str, values: type[StrEnum]) -> str:
    """A CHECK constraint's text: the column holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"
