"""The event-day clock: check-in and the outcomes modules read the time here (tests set it)."""

from __future__ import annotations

from datetime import datetime

from app.types import utcnow


def now() -> datetime:
    return utcnow()
