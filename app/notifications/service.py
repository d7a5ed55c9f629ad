"""Render notification e-mails into the outbox, in the recipient's language.

``enqueue(session, kind=..., to_participant=..., context=...)`` renders
``templates/email/<kind>.<locale>.txt`` (first line ``Subject: …``, a blank line, then the
body) and adds an ``Outbox`` row to the caller's unit of work: the e-mail exists only if the
change it reports commits. People without an e-mail address are skipped (``None``).

Templates receive the caller's context plus ``locale``, ``to_name``, ``event_title`` (in the
recipient's language) and ``event_url``; the ``when`` filter prints a datetime for the locale
(``{{ starts_at|when(locale) }}``; pass it already in the event's time zone).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape
from sqlmodel import Session

from app.events.models import Event
from app.input_guard import single_line
from app.links import absolute_url
from app.notifications.models import Outbox
from app.registration.models import Organisation, Participant
from app.settings import PROJECT_ROOT

MULTILINE = frozenset({"message", "note", "notes", "comment", "body"})
KINDS = (
    "request_received",
    "request_accepted",
    "request_declined",
    "meeting_booked",
    "meeting_moved",
    "meeting_cancelled",
    "meeting_proposed",
    "meeting_unscheduled",
    "schedule_published",
    "feedback_request",
    "agreement_follow_up",
    "registration_received",
    "registration_approved",
    "registration_rejected",
    "delegation_member_added",
    "confirm_email",
    "reset_password",
    "invitation",
    "sign_in_link",
    "account_exists",
    "reminder_day_before",
    "reminder_soon",
)
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_when(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    if locale == "vi":
        return f"{value:%H:%M}, ngày {value:%d/%m/%Y}"
    return f"{value:%H:%M}, {value.day} {_EN_MONTHS[value.month - 1]} {value.year}"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain text, not HTML: no autoescaping; StrictUndefined so that a template naming a
    # missing value fails in the tests instead of mailing a blank.
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates" / "email"),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = format_when
    return env


def locale_for(session: Session, participant: Participant) -> str:
    """Vietnamese for people who speak it; English for the others. Someone who listed no
    language is read as Vietnamese when their organisation is Vietnamese."""
    languages = [code.lower() for code in participant.languages or []]
    if "vi" in languages:
        return "vi"
    if not languages and participant.organisation_id is not None:
        org = session.get(Organisation, participant.organisation_id)
        if org is not None and org.country == "VN":
            return "vi"
    return "en"


def event_title(event: Event, locale: str) -> str:
    return event.title_vi if locale == "vi" or not event.title_en else event.title_en


def render(kind: str, locale: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of one message."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    text = _environment().get_template(f"{kind}.{locale}.txt").render(**context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"email template {kind}.{locale}.txt must start with 'Subject: '")
    return first.removeprefix("Subject: ").strip(), rest.strip() + "\n"


def text_to_html(body: str) -> str:
    paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>\n".join(str(escape(line)) for line in p.splitlines()) + "</p>\n"
        for p in paragraphs
    )


def enqueue(
    session: Session,
    *,
    kind: str,
    to_participant: Participant,
    context: dict[str, Any],
    event: Event | None = None,
    meeting_id: int | None = None,
    request_id: int | None = None,
) -> Outbox | None:
    if not to_participant.email:
        return None
    event = event or session.get(Event, to_participant.event_id)
    locale = locale_for(session, to_participant)
    # Names and titles are one line: a CR/LF in a name must not start a line of its own in
    # the e-mail (free text such as a request's message keeps its lines).
    full = {
        **{
            key: single_line(value) if isinstance(value, str) and key not in MULTILINE else value
            for key, value in context.items()
        },
        "locale": locale,
        "to_name": single_line(to_participant.full_name),
        "event_title": event_title(event, locale) if event else "",
        "event_url": absolute_url(f"/events/{to_participant.event_id}"),
    }
    subject, body = render(kind, locale, full)
    row = Outbox(
        event_id=to_participant.event_id,
        to_email=to_participant.email,
        to_name=single_line(to_participant.full_name),
        participant_id=to_participant.id,
        locale=locale,
        kind=kind,
        subject=subject[:300],
        body_text=body,
        body_html=text_to_html(body),
        meeting_id=meeting_id,
        request_id=request_id,
    )
    session.add(row)
    return row
