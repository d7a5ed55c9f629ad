"""A record of each scheduler run: who ran it, on what, with which figures, and whether it was
applied. The organiser's page shows the latest run; the history explains an agenda's changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class ScheduleRun(SQLModel, table=True):
    __tablename__ = "schedule_run"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    session_id: int = Field(foreign_key="event_session.id", index=True, ondelete="CASCADE")
    applied: bool = False
    time_limit_s: float = 30.0
    # The solver's figures (scheduled, priority_sum, upper_bound, moved, idle_gaps, …).
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # [{"meeting_id": 12, "code": "no_common_slot", "participant_ids": [..], ...}]
    unscheduled: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
