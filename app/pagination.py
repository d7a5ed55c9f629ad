"""List envelopes: ?limit=&offset= with a total, in a stable order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func
from sqlmodel import Session, select

from app.types import INT64_MAX

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


def page_total(
    session: Session, query: Select[Any], rows: Sequence[Any], limit: int, offset: int
) -> int:
    """The total behind a page of ``rows`` read from ``query``: counted in SQL only when the
    page cannot tell (it is full, or empty past the start). A short page is the end."""
    if rows and len(rows) < limit:
        return offset + len(rows)
    if not rows and offset == 0:
        return 0
    return int(session.exec(select(func.count()).select_from(query.subquery())).one())
