"""Link tokens, the link-request rate limit, passwords, confirmation and invitations.

A token is 32 random bytes (URL-safe); the database keeps only its SHA-256 digest. Using a
token spends it with a compare-and-set (``UPDATE … WHERE used_at IS NULL``), so two
concurrent uses give one success. Every token records a stamp of the password it was issued
under: changing the password voids all outstanding links of the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from app.accounts.models import AccountToken, LinkRequest, Purpose
from app.audit.service import record
from app.auth.models import ApiToken, User, WebSession
from app.auth.security import digest, hash_password, new_token, verify_password
from app.auth.service import get_user_by_email, normalise_email
from app.errors import Invalid
from app.events.models import Event
from app.links import absolute_url
from app.notifications.models import Outbox
from app.notifications.service import _environment, event_title, locale_for, text_to_html
from app.registration import emails as registration_emails
from app.registration.models import ApprovalStatus, Participant
from app.types import pk, utcnow

LIFETIME = {
    Purpose.confirm_email: timedelta(hours=24),
    Purpose.reset_password: timedelta(hours=2),
    Purpose.invitation: timedelta(days=21),
    Purpose.sign_in_link: timedelta(minutes=20),
}
# Link requests (reset, sign-in link, resend confirmation): per address and per client.
RATE_WINDOW = timedelta(minutes=15)
RATE_PER_ADDRESS = 3
RATE_PER_CLIENT = 20
MIN_PASSWORD = 10


class RateLimited(Exception):
    """Too many link requests for this address or from this client."""


def password_stamp(user: User | None) -> str:
    """A digest of the current password hash (the hash has a fresh salt on every change)."""
    return digest(user.password_hash) if user is not None else ""


# ---- tokens -------------------------------------------------------------------------------


def issue(
    session: Session,
    purpose: Purpose,
    *,
    email: str,
    user: User | None = None,
    participant: Participant | None = None,
) -> str:
    token = new_token()
    session.add(
        AccountToken(
            purpose=purpose.value,
            token_hash=digest(token),
            user_id=user.id if user is not None else None,
            participant_id=participant.id if participant is not None else None,
            email=normalise_email(email),
            password_stamp=password_stamp(user),
            expires_at=utcnow() + LIFETIME[purpose],
        )
    )
    session.flush()
    return token


def peek(session: Session, purpose: Purpose, token: str) -> AccountToken | None:
    """The token's row when it can still be used (not spent, not expired, same password)."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(AccountToken).where(
            AccountToken.token_hash == digest(token), AccountToken.purpose == purpose.value
        )
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = _owner(session, row)
    if user is not None and not user.is_active:
        return None
    bound = row.user_id is not None or (user is not None and row.password_stamp)
    if bound and password_stamp(user) != row.password_stamp:
        return None
    if row.participant_id is not None:
        participant = session.get(Participant, row.participant_id)
        if participant is None or participant.email != row.email:
            return None
    return row


def _owner(session: Session, row: AccountToken) -> User | None:
    if row.user_id is not None:
        return session.get(User, row.user_id)
    return get_user_by_email(session, row.email)


def spend(session: Session, purpose: Purpose, token: str) -> AccountToken | None:
    """Use a token once: the row when this call spent it, None when it is unusable."""
    row = peek(session, purpose, token)
    if row is None:
        return None
    result = session.execute(
        update(AccountToken)
        .where(col(AccountToken.id) == row.id, col(AccountToken.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(row)
    return row


# ---- rate limit ---------------------------------------------------------------------------


def count_request(session: Session, purpose: str, *, email: str, client: str) -> None:
    """Count a link request; raise RateLimited when the address or the client asked too often
    in the window. Counted whether or not the address has an account."""
    since = utcnow() - RATE_WINDOW
    keys = (
        (f"email:{normalise_email(email)}"[:320], RATE_PER_ADDRESS),
        (f"ip:{client}", RATE_PER_CLIENT),
    )
    for key, limit in keys:
        used = session.exec(
            select(func.count()).where(
                LinkRequest.purpose == purpose, LinkRequest.key == key, col(LinkRequest.at) >= since
            )
        ).one()
        if int(used) >= limit:
            raise RateLimited(key)
    for key, _limit in keys:
        session.add(LinkRequest(purpose=purpose, key=key))
    session.flush()


def purge(session: Session) -> None:
    now = utcnow()
    session.exec(delete(LinkRequest).where(col(LinkRequest.at) <= now - RATE_WINDOW * 4))  # type: ignore[call-overload]
    session.exec(
        delete(AccountToken).where(col(AccountToken.expires_at) <= now - timedelta(days=30))
    )  # type: ignore[call-overload]
    session.flush()


# ---- e-mail -------------------------------------------------------------------------------


def send_mail(
    session: Session,
    kind: str,
    *,
    to_email: str,
    to_name: str,
    locale: str,
    context: dict[str, Any],
    event: Event | None = None,
    participant: Participant | None = None,
) -> Outbox:
    """Render templates/email/<kind>.<locale>.txt into the outbox (same unit of work)."""
    locale = locale if locale in ("vi", "en") else "vi"
    full = {
        **context,
        "locale": locale,
        "to_name": to_name,
        "event_title": event_title(event, locale) if event is not None else "",
    }
    text = _environment().get_template(f"{kind}.{locale}.txt").render(**full)
    first, _, rest = text.partition("\n")
    body = rest.strip() + "\n"
    row = Outbox(
        event_id=event.id if event is not None else None,
        to_email=to_email,
        to_name=to_name[:200],
        participant_id=participant.id if participant is not None else None,
        locale=locale,
        kind=kind,
        subject=first.removeprefix("Subject: ").strip()[:300],
        body_text=body,
        body_html=text_to_html(body),
    )
    session.add(row)
    session.flush()
    return row


def send_link(
    session: Session,
    purpose: Purpose,
    *,
    user: User,
    path: str,
    event: Event | None = None,
    participant: Participant | None = None,
) -> None:
    token = issue(session, purpose, email=user.email, user=user, participant=participant)
    send_mail(
        session,
        purpose.value,
        to_email=user.email,
        to_name=user.full_name,
        locale=user.locale,
        context={"link": absolute_url(path, token=token), "hours": _hours(purpose)},
        event=event,
        participant=participant,
    )


def _hours(purpose: Purpose) -> int:
    return max(1, int(LIFETIME[purpose].total_seconds() // 3600))


def request_link(session: Session, purpose: Purpose, *, email: str, client: str) -> None:
    """Reset, sign-in link or confirmation again: counted, then sent only when there is an
    account to send it to. The caller shows the same page in every case."""
    email = normalise_email(email)
    count_request(session, purpose.value, email=email, client=client)
    user = get_user_by_email(session, email)
    if user is None or not user.is_active:
        return
    if purpose == Purpose.reset_password:
        send_link(session, purpose, user=user, path="/reset-password")
    elif purpose == Purpose.sign_in_link:
        send_link(session, purpose, user=user, path="/login/link/use")
    elif purpose == Purpose.confirm_email and user.email_confirmed_at is None:
        send_link(session, purpose, user=user, path="/account/confirm")


def address_taken(session: Session, *, event: Event, email: str, client: str) -> None:
    """A sign-up named an address that has an account or a registration at the event: tell
    the address's owner how to get in (a sign-in link, or an invitation to the registration
    made for them). Counted like the other link requests."""
    count_request(session, "signup_taken", email=email, client=client)
    user = get_user_by_email(session, email)
    if user is not None:
        if user.is_active:
            token = issue(session, Purpose.sign_in_link, email=user.email, user=user)
            send_mail(
                session,
                "account_exists",
                to_email=user.email,
                to_name=user.full_name,
                locale=user.locale,
                context={
                    "link": absolute_url("/login/link/use", token=token),
                    "reset_url": absolute_url("/forgot-password"),
                },
                event=event,
            )
        return
    participant = session.exec(
        select(Participant).where(Participant.event_id == event.id, Participant.email == email)
    ).first()
    if participant is not None:
        invite(session, actor=None, event=event, participant=participant)


# ---- passwords and proof of address ------------------------------------------------------


def check_new_password(password: str, again: str | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(password) < MIN_PASSWORD:
        errors["password"] = "at least 10 characters"
    elif len(password) > 200:
        errors["password"] = "at most 200 characters"
    if again is not None and again != password:
        errors["password_again"] = "the two passwords differ"
    return errors


def end_sessions(session: Session, user: User, *, keep_key: str | None = None) -> None:
    """End every page session (except the caller's) and revoke every API token."""
    query = delete(WebSession).where(col(WebSession.user_id) == user.id)
    if keep_key:
        query = query.where(col(WebSession.key_hash) != digest(keep_key))
    session.exec(query)  # type: ignore[call-overload]
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()


def set_password(
    session: Session, user: User, password: str, *, keep_key: str | None = None
) -> None:
    errors = check_new_password(password)
    if errors:
        raise Invalid("password", errors["password"])
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    end_sessions(session, user, keep_key=keep_key)
    record(session, actor_id=user.id, action="user.password", entity="user", entity_id=user.id)


def change_password(
    session: Session, user: User, *, current: str, new: str, again: str, keep_key: str | None
) -> dict[str, str]:
    """The account page's change: field -> message, empty when changed."""
    errors = check_new_password(new, again)
    errors = {("new_password" if k == "password" else k): v for k, v in errors.items()}
    if not verify_password(user.password_hash, current):
        errors["current_password"] = "this is not your current password"
    if errors:
        return errors
    set_password(session, user, new, keep_key=keep_key)
    return {}


def confirm_address(session: Session, user: User) -> None:
    """The person used a link sent to the address: mark it proved and link the registrations
    made for this address before the account existed."""
    newly = user.email_confirmed_at is None
    if newly:
        user.email_confirmed_at = utcnow()
        session.add(user)
        record(session, actor_id=user.id, action="user.confirm", entity="user", entity_id=user.id)
    taken = select(Participant.event_id).where(Participant.user_id == user.id)
    rows = session.exec(
        select(Participant).where(
            col(Participant.user_id).is_(None),
            Participant.email == user.email,
            col(Participant.event_id).not_in(taken),
        )
    ).all()
    for participant in rows:
        participant.user_id = user.id
        session.add(participant)
    session.flush()
    if newly:
        # the sign-up's registration now reaches the organisers' queue: tell the person
        for participant in session.exec(
            select(Participant).where(
                Participant.user_id == user.id,
                Participant.status == ApprovalStatus.pending.value,
            )
        ).all():
            event = session.get(Event, participant.event_id)
            if event is not None:
                registration_emails.received(session, event, participant)


def first_registration(session: Session, user: User) -> Participant | None:
    return session.exec(
        select(Participant)
        .where(Participant.user_id == user.id)
        .order_by(col(Participant.id).desc())
    ).first()


# ---- invitations --------------------------------------------------------------------------


@dataclass
class InvitationState:
    state: str  # "joined", "invited", "not_invited", "no_email"
    invited_at: Any = None


def invitation_states(
    session: Session, participants: list[Participant]
) -> dict[int, InvitationState]:
    ids = [pk(p) for p in participants]
    invited: dict[int, Any] = {}
    if ids:
        for participant_id, at in session.exec(
            select(AccountToken.participant_id, func.max(AccountToken.created_at))
            .where(
                col(AccountToken.participant_id).in_(ids),
                AccountToken.purpose == Purpose.invitation.value,
            )
            .group_by(col(AccountToken.participant_id))
        ).all():
            invited[int(participant_id)] = at  # type: ignore[arg-type]
    emails = [p.email for p in participants if p.user_id is None and p.email]
    with_account: set[str] = set()
    if emails:
        with_account = set(
            session.exec(
                select(User.email).where(
                    col(User.email).in_(emails), col(User.email_confirmed_at).is_not(None)
                )
            ).all()
        )
    out: dict[int, InvitationState] = {}
    for p in participants:
        if p.user_id is not None or (p.email and p.email in with_account):
            out[pk(p)] = InvitationState("joined")
        elif not p.email:
            out[pk(p)] = InvitationState("no_email")
        elif pk(p) in invited:
            out[pk(p)] = InvitationState("invited", invited[pk(p)])
        else:
            out[pk(p)] = InvitationState("not_invited")
    return out


def invite(session: Session, *, actor: User | None, event: Event, participant: Participant) -> bool:
    """Send (or send again) the invitation; False when there is nobody to invite (already
    joined or no e-mail). Earlier invitations of the person stop working."""
    state = invitation_states(session, [participant])[pk(participant)]
    if state.state in ("joined", "no_email") or not participant.email:
        return False
    session.execute(
        update(AccountToken)
        .where(
            col(AccountToken.participant_id) == participant.id,
            col(AccountToken.purpose) == Purpose.invitation.value,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=utcnow())
    )
    existing = get_user_by_email(session, participant.email)
    token = issue(
        session, Purpose.invitation, email=participant.email, user=None, participant=participant
    )
    if existing is not None:
        # Bind the link to the password the account has now (a change voids it).
        row = session.exec(
            select(AccountToken).where(AccountToken.token_hash == digest(token))
        ).one()
        row.password_stamp = password_stamp(existing)
        session.add(row)
    locale = locale_for(session, participant)
    send_mail(
        session,
        "invitation",
        to_email=participant.email,
        to_name=participant.full_name,
        locale=locale,
        context={
            "link": absolute_url("/invitation", token=token),
            "days": LIFETIME[Purpose.invitation].days,
            "event_url": absolute_url(f"/events/{event.id}"),
        },
        event=event,
        participant=participant,
    )
    record(
        session,
        actor_id=actor.id if actor is not None else None,
        action="participant.invite",
        entity="participant",
        entity_id=participant.id,
        event_id=event.id,
    )
    session.flush()
    return True


def invite_all(
    session: Session, *, actor: User, event: Event, participant_ids: list[int] | None = None
) -> int:
    """Invite everyone of the event (or of ``participant_ids``) not yet invited."""
    query = select(Participant).where(
        Participant.event_id == event.id,
        col(Participant.user_id).is_(None),
        col(Participant.email).is_not(None),
    )
    if participant_ids is not None:
        query = query.where(col(Participant.id).in_(participant_ids))
    people = list(session.exec(query.order_by(col(Participant.id))).all())
    states = invitation_states(session, people)
    sent = 0
    for person in people:
        if states[pk(person)].state == "not_invited" and invite(
            session, actor=actor, event=event, participant=person
        ):
            sent += 1
    return sent


def unconfirmed_signups(session: Session, participants: list[Participant]) -> set[int]:
    """Registrations whose account has not proved its address: not in the organisers' queue."""
    users = [p.user_id for p in participants if p.user_id is not None]
    if not users:
        return set()
    pending = set(
        session.exec(
            select(User.id).where(col(User.id).in_(users), col(User.email_confirmed_at).is_(None))
        ).all()
    )
    return {pk(p) for p in participants if p.user_id in pending}


def unconfirmed_count(session: Session, *, event_id: int) -> int:
    """Sign-ups of the event still waiting for their address to be confirmed."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Participant)
            .join(User, col(User.id) == col(Participant.user_id))
            .where(Participant.event_id == event_id, col(User.email_confirmed_at).is_(None))
        ).one()
    )
