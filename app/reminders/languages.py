"""The languages of a person's reminders: Vietnamese for those who read it, English for the
others, and Vietnamese plus their own language for delegates who read Japanese, Korean or
Chinese (Traditional for Taiwan, Hong Kong and Macau; Simplified elsewhere), like their
printed agenda (app.i18n.documents.print_language)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.exports.ical import table_text
from app.exports.views import MeetingView, PartyView
from app.i18n import gettext_for
from app.i18n.documents import print_language, second_text
from app.i18n.messages import N_
from app.notifications.service import SECOND_LOCALES, locale_for
from app.registration.models import Delegation, Organisation, Participant


def second_language(session: Session, person: Participant) -> str | None:
    """The delegate's own language the reminders add after the Vietnamese; None for people
    who read Vietnamese and for those whose documents are in English."""
    return languages_of(session, person)[1]


def languages_of(session: Session, person: Participant) -> tuple[str, str | None]:
    """(the language the message begins in, the own language added after it or None)."""
    if locale_for(session, person) == "vi":
        return "vi", None
    code = print_language(person.languages or [], _country(session, person))
    return ("vi", code) if code in SECOND_LOCALES else ("en", None)


def _country(session: Session, person: Participant) -> str:
    org = session.get(Organisation, person.organisation_id) if person.organisation_id else None
    if org is not None and org.country:
        return org.country
    delegation = session.get(Delegation, person.delegation_id) if person.delegation_id else None
    return delegation.country if delegation is not None else ""


def data_locale(locale: str) -> str:
    """Stored texts (organisations, topics) exist in Vietnamese and English: the part in a
    delegate's own language shows the English ones beside the names in their own script, as
    the printed agenda does (the Vietnamese part shows the Vietnamese ones)."""
    return "en" if locale in SECOND_LOCALES else locale


def text(locale: str, message: str) -> str:
    if locale in SECOND_LOCALES:
        return second_text(message, locale)
    return gettext_for(locale).gettext(message)


def place(view: MeetingView, locale: str) -> str:
    """'Bàn 5, Hội trường B', 'テーブル 5', 'Trực tuyến' … in ``locale``."""
    if view.mode == "online":
        return text(locale, N_("Online"))
    place_text = table_text(view, locale)
    if view.room:
        place_text = f"{place_text}, {view.room}"
    if view.mode == "hybrid":
        place_text = f"{place_text} ({text(locale, N_('also online'))})"
    return place_text


def organisations(parties: Sequence[PartyView], locale: str) -> str:
    names = (p.organisation_name(data_locale(locale)) for p in parties)
    return "; ".join(n for n in names if n)


def topics(view: MeetingView, locale: str) -> list[str]:
    return [t for t in (topic.pick(data_locale(locale)) for topic in view.topics) if t]
