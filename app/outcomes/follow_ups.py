"""Follow-up e-mails 3 and 6 months after an agreement is signed (the `ketnoi remind` job)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.audit.service import record
from app.auth.models import User
from app.events import service as events
from app.events.models import (
    Event,
    EventOrganiser,
)
from app.links import absolute_url
from app.notifications.models import Outbox
from app.notifications.service import enqueue, render, text_to_html
from app.outcomes.agreements import FOLLOWED_UP, KIND_LABELS, agreement_parties
from app.outcomes.models import (
    REMINDER_MONTHS,
    Agreement,
    AgreementKind,
    AgreementReminder,
)
from app.registration.models import (
    Participant,
)
from app.settings import get_settings
from app.types import pk

# ---- follow-up reminders ------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueReminder:
    agreement_id: int
    event_id: int
    months: int
    due_on: date
    superseded: bool  # a later milestone is due too: recorded, not sent


def due_reminders(session: Session, *, now: datetime | None = None) -> list[DueReminder]:
    """Follow-up milestones (3 and 6 months after signing) reached by ``now`` (the date in
    the event's time zone) of signed or in-progress agreements and not yet dealt with."""
    now = now or clock.now()
    rows = session.exec(
        select(Agreement, Event)
        .join(Event, col(Event.id) == col(Agreement.event_id))
        .where(col(Agreement.status).in_(FOLLOWED_UP), col(Agreement.signed_on).is_not(None))
        .order_by(col(Agreement.id))
    ).all()
    done = {
        (r.agreement_id, r.months)
        for r in session.exec(
            select(AgreementReminder).where(
                col(AgreementReminder.agreement_id).in_([pk(a) for a, _ in rows])
            )
        ).all()
    }
    out = []
    for agreement, event in rows:
        assert agreement.signed_on is not None
        today = now.astimezone(events.event_zone(event)).date()
        reached = [m for m in REMINDER_MONTHS if add_months(agreement.signed_on, m) <= today]
        for months in reached:
            if (pk(agreement), months) in done:
                continue
            out.append(
                DueReminder(
                    agreement_id=pk(agreement),
                    event_id=agreement.event_id,
                    months=months,
                    due_on=add_months(agreement.signed_on, months),
                    superseded=months != max(reached),
                )
            )
    return out


@dataclass(frozen=True)
class FollowUps:
    reminders: int  # milestones sent
    emails: int


def _organiser_users(session: Session, event_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(EventOrganiser, col(EventOrganiser.user_id) == col(User.id))
            .where(EventOrganiser.event_id == event_id, col(User.is_active).is_(True))
            .order_by(col(User.id))
        ).all()
    )


def _enqueue_to_user(
    session: Session, *, user: User, event: Event, kind: str, context: dict[str, Any]
) -> Outbox:
    """An e-mail to an organiser's account (not a participant): in the default locale, the
    department's language."""
    locale = get_settings().default_locale
    full = {
        **context,
        "locale": locale,
        "to_name": user.full_name,
        "event_title": event.title_vi if locale == "vi" or not event.title_en else event.title_en,
        "event_url": absolute_url(f"/events/{event.id}"),
    }
    subject, body = render(kind, locale, full)
    row = Outbox(
        event_id=event.id,
        to_email=user.email,
        to_name=user.full_name,
        locale=locale,
        kind=kind,
        subject=subject[:300],
        body_text=body,
        body_html=text_to_html(body),
    )
    session.add(row)
    return row


def send_follow_up_reminders(session: Session, *, now: datetime | None = None) -> FollowUps:
    """E-mail each due milestone once to the event's organisers and to the parties' people
    with an e-mail address; record it so that it is never sent again."""
    now = now or clock.now()
    sent = emails = 0
    for due in due_reminders(session, now=now):
        agreement = session.get(Agreement, due.agreement_id)
        event = session.get(Event, due.event_id)
        assert agreement is not None
        assert event is not None
        parties = agreement_parties(session, due.agreement_id)
        context = {
            "months": due.months,
            "title_vi": agreement.title_vi,
            "title_en": agreement.title_en or agreement.title_vi,
            "kind_vi": KIND_LABELS[AgreementKind(agreement.kind)].vi,
            "kind_en": KIND_LABELS[AgreementKind(agreement.kind)].en,
            "signed_on": agreement.signed_on,
            "parties": [p.organisation_name for p in parties],
            "parties_en": [p.organisation_name_en for p in parties],
            "follow_up_status": agreement.follow_up_status,
            "link": absolute_url(f"/events/{event.id}/outcomes/agreements/{agreement.id}"),
        }
        try:
            with session.begin_nested():
                reminder = AgreementReminder(
                    agreement_id=due.agreement_id,
                    months=due.months,
                    due_on=due.due_on,
                    sent_at=now,
                )
                session.add(reminder)
                session.flush()
                count = 0
                if not due.superseded:
                    for user in _organiser_users(session, event_id=due.event_id):
                        _enqueue_to_user(
                            session,
                            user=user,
                            event=event,
                            kind="agreement_follow_up",
                            context=context,
                        )
                        count += 1
                    people = session.exec(
                        select(Participant).where(
                            col(Participant.id).in_(
                                [p.participant_id for p in parties if p.participant_id]
                            )
                        )
                    ).all()
                    for person in people:
                        if enqueue(
                            session,
                            kind="agreement_follow_up",
                            to_participant=person,
                            event=event,
                            context=context,
                        ):
                            count += 1
                reminder.recipients = count
                session.add(reminder)
                session.flush()
        except IntegrityError:
            continue  # another run recorded this milestone first
        if not due.superseded:
            sent += 1
            emails += count
        record(
            session,
            actor_id=None,
            action="agreement.reminder",
            entity="agreement",
            entity_id=due.agreement_id,
            event_id=due.event_id,
            changes={"months": [None, due.months], "recipients": [None, count]},
        )
    session.flush()
    return FollowUps(sent, emails)
