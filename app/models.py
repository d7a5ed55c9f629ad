"""Imports every table model so that the metadata is complete (Alembic, tests)."""

from app.audit.models import AuditEntry
from app.auth.models import ApiToken, LoginAttempt, User, WebSession
from app.events.models import Event, EventOrganiser, EventSession, MeetingTable, Slot

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Event",
    "EventOrganiser",
    "EventSession",
    "LoginAttempt",
    "MeetingTable",
    "Slot",
    "User",
    "WebSession",
]
