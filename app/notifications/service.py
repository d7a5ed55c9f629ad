"""Render notification e-mails into the outbox, in the recipient's language.

``enqueue(session, kind=..., to_participant=..., context=...)`` renders
``templates/email/<kind>.<locale>.txt`` (first line ``Subject: …``, a blank line, then the
body) and adds an ``Outbox`` row to the caller's unit of work: the e-mail exists only if the
change it reports commits. People without an e-mail address are skipped (``None``).

Templates receive the caller's context plus ``locale``, ``to_name``, ``event_title`` (in the
recipient's language) and ``event_url``; the ``when`` filter prints a datetime for the locale
(``{{ starts_at|when(locale) }}``; pass it already in the event's time zone).

``second="ja"`` (``ko``, ``zh_Hant``, ``zh_Hans``) adds, after the Vietnamese text, the
message in the delegate's own language: ``templates/email/<kind>.second.txt`` whose sentences
are ``{{ t("English msgid", name=value) }}`` looked up in app/i18n/print/<code>.po (the
catalogs of the printed agendas). The subject reads "Vietnamese / own language".
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape
from sqlmodel import Session

from app.events.models import Event
from app.i18n.documents import LANG_ATTRIBUTE, second_text
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


# The delegates' own languages a message can add after the Vietnamese (app.i18n.documents).
SECOND_LOCALES = ("ja", "ko", "zh_Hant", "zh_Hans")
SEPARATOR = "\n" + "─" * 24 + "\n\n"


def format_day(value: date | None, locale: str) -> str:
    """A date as each language writes it: 16/03/2027, 2027年3月16日, 2027년 3월 16일."""
    if value is None:
        return ""
    if locale in ("ja", "zh_Hant", "zh_Hans"):
        return f"{value.year}年{value.month}月{value.day}日"
    if locale == "ko":
        return f"{value.year}년 {value.month}월 {value.day}일"
    if locale == "vi":
        return f"{value:%d/%m/%Y}"
    return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"


def format_when(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    if locale == "vi":
        return f"{value:%H:%M}, ngày {value:%d/%m/%Y}"
    if locale in SECOND_LOCALES:
        return f"{format_day(value.date(), locale)} {value:%H:%M}"
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
    env.filters["day"] = format_day
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
    """(subject, body) of one message; ``locale`` "vi", "en", or a delegate's own language
    (rendered from ``<kind>.second.txt`` with that language's catalog)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    name = f"{kind}.{'second' if locale in SECOND_LOCALES else locale}.txt"
    values = dict(context)
    if locale in SECOND_LOCALES:
        values["t"] = _translator(locale)
    text = _environment().get_template(name).render(**values)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"email template {name} must start with 'Subject: '")
    return first.removeprefix("Subject: ").strip(), rest.strip() + "\n"


def _translator(code: str) -> Any:
    def t(message: str, **values: object) -> str:
        text = second_text(message, code)
        return text % values if values else text

    return t


def render_bilingual(kind: str, second: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, Vietnamese body, body in the delegate's own language)."""
    vi_subject, vi_body = render(kind, "vi", {**context, "locale": "vi"})
    own_subject, own_body = render(kind, second, {**context, "locale": second})
    return f"{vi_subject} / {own_subject}", vi_body, own_body


def text_to_html(body: str) -> str:
    paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>\n".join(str(escape(line)) for line in p.splitlines()) + "</p>\n"
        for p in paragraphs
    )


def _greeting_name(person: Participant, second: str | None) -> str:
    """The name a message greets: with the name in its own script ('Tanaka Misaki (田中 美咲)')
    when the message speaks the person's own language too."""
    if second and person.name_local and person.name_local != person.full_name:
        return f"{person.full_name} ({person.name_local})"
    return person.full_name


def enqueue(
    session: Session,
    *,
    kind: str,
    to_participant: Participant,
    context: dict[str, Any],
    event: Event | None = None,
    meeting_id: int | None = None,
    request_id: int | None = None,
    second: str | None = None,
    locale: str | None = None,
) -> Outbox | None:
    """``second``: also write the message in this own language of the delegate's, after the
    Vietnamese (the reminders: app.reminders.languages). ``locale``: the recipient's
    language when the caller has it already (else ``locale_for``)."""
    if not to_participant.email:
        return None
    if second is not None and second not in SECOND_LOCALES:
        raise ValueError(f"no catalog for the language {second!r}")
    event = event or session.get(Event, to_participant.event_id)
    locale = "vi" if second else locale or locale_for(session, to_participant)
    # Names and titles are one line: a CR/LF in a name must not start a line of its own in
    # the e-mail (free text such as a request's message keeps its lines).
    full = {
        **{
            key: single_line(value) if isinstance(value, str) and key not in MULTILINE else value
            for key, value in context.items()
        },
        "locale": locale,
        "to_name": single_line(_greeting_name(to_participant, second)),
        "event_title": event_title(event, locale) if event else "",
        "event_url": absolute_url(f"/events/{to_participant.event_id}"),
    }
    if second:
        subject, vi_body, own_body = render_bilingual(kind, second, full)
        body = vi_body + SEPARATOR + own_body
        # The own language's part marked as such, so that mail apps pick its CJK glyphs.
        html = (
            text_to_html(vi_body)
            + f'<hr>\n<div lang="{LANG_ATTRIBUTE[second]}">\n{text_to_html(own_body)}</div>\n'
        )
        locale = second
    else:
        subject, body = render(kind, locale, full)
        html = text_to_html(body)
    row = Outbox(
        event_id=to_participant.event_id,
        to_email=to_participant.email,
        to_name=single_line(to_participant.full_name),
        participant_id=to_participant.id,
        locale=locale,
        kind=kind,
        subject=subject[:300],
        body_text=body,
        body_html=html,
        meeting_id=meeting_id,
        request_id=request_id,
    )
    session.add(row)
    return row
