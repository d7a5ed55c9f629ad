"""Imports every table model so that the metadata is complete (Alembic, tests)."""

from app.audit.models import AuditEntry
from app.auth.models import ApiToken, LoginAttempt, User, WebSession
from app.events.models import Event, EventOrganiser, EventSession, MeetingTable, Slot
from app.imports.models import ImportBatch
from app.matchmaking.models import Profile, ProfileSector
from app.registration.models import (
    Delegation,
    DelegationOrganisation,
    Organisation,
    OrganisationSector,
    Participant,
    Unavailability,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Delegation",
    "DelegationOrganisation",
    "Event",
    "EventOrganiser",
    "EventSession",
    "ImportBatch",
    "LoginAttempt",
    "MeetingTable",
    "Organisation",
    "OrganisationSector",
    "Participant",
    "Profile",
    "ProfileSector",
    "Slot",
    "Unavailability",
    "User",
    "WebSession",
]
