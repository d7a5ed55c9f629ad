"""Imports every table model so that the metadata is complete (Alembic, tests)."""

from app.accounts.models import AccountToken, LinkRequest
from app.audit.models import AuditEntry
from app.auth.models import ApiToken, LoginAttempt, RateLimit, User, WebSession
from app.checkin.models import Checkin
from app.events.models import Event, EventOrganiser, EventSession, MeetingTable, Slot
from app.exports.models import CalendarToken, PrintJobRow
from app.imports.models import ImportBatch
from app.matchmaking.models import Profile, ProfileSector
from app.meetings.models import (
    Meeting,
    MeetingParticipant,
    MeetingQuota,
    MeetingRequest,
    MeetingSeat,
    MeetingSettings,
)
from app.notifications.models import Outbox
from app.outcomes.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementReminder,
    FeedbackRequest,
    MeetingFeedback,
)
from app.registration.models import (
    Delegation,
    DelegationOrganisation,
    Organisation,
    OrganisationSector,
    Participant,
    Unavailability,
)
from app.reminders.models import OutboxAttachment, ReminderSent, ReminderSettings
from app.scheduling.models import ScheduleRun
from app.survey.models import MeetingTopic, MeetingWish, WishSurvey

__all__ = [
    "AccountToken",
    "Agreement",
    "AgreementDocument",
    "AgreementParty",
    "AgreementReminder",
    "ApiToken",
    "AuditEntry",
    "CalendarToken",
    "Checkin",
    "Delegation",
    "DelegationOrganisation",
    "Event",
    "EventOrganiser",
    "EventSession",
    "FeedbackRequest",
    "ImportBatch",
    "LinkRequest",
    "LoginAttempt",
    "Meeting",
    "MeetingFeedback",
    "MeetingParticipant",
    "MeetingQuota",
    "MeetingRequest",
    "MeetingSeat",
    "MeetingSettings",
    "MeetingTable",
    "MeetingTopic",
    "MeetingWish",
    "Organisation",
    "OrganisationSector",
    "Outbox",
    "OutboxAttachment",
    "Participant",
    "PrintJobRow",
    "Profile",
    "ProfileSector",
    "RateLimit",
    "ReminderSent",
    "ReminderSettings",
    "ScheduleRun",
    "Slot",
    "Unavailability",
    "User",
    "WebSession",
    "WishSurvey",
]
