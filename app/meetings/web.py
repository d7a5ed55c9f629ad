"""Pages of the meetings module, gathered in order: a delegate's meetings (``web_mine``),
asking for and proposing meetings and the organisers' request list (``web_requests``), and
the organisers' session grid (``web_grid``). Shared plumbing: ``web_common``; what the pages
show is read by ``meetings.views``."""

from __future__ import annotations

from fastapi import APIRouter

from app.meetings import web_grid, web_mine, web_requests

router = APIRouter(include_in_schema=False)
for part in (web_mine, web_requests, web_grid):
    router.include_router(part.router)
