"""Pages of the way in: sign-up from the event page, the e-mailed links (confirmation,
invitation, password reset, sign-in), the account page and the organisers' invitations.

A link opened from an e-mail first shows a page with one button: mail scanners that fetch
every link must not spend a one-time token; the POST spends it.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.accounts import service
from app.accounts.models import Purpose
from app.auth.models import Role, User, UserCreate
from app.auth.service import create_user, get_user_by_email, normalise_email, start_web_session
from app.deps import SESSION_COOKIE, CurrentUser, OptionalUser, Organiser, SessionDep, client_ip
from app.events import service as events
from app.events.models import Event
from app.forms import read_form
from app.imports import service as imports_service
from app.imports.models import ImportBatch
from app.notifications.service import locale_for
from app.registration import queries as registration_queries
from app.registration import service as registration
from app.registration import web_forms as registration_forms
from app.registration import web_self as registration_pages
from app.registration.models import Participant
from app.registration.schemas import ParticipantCreate
from app.settings import get_settings
from app.web import redirect, render, request_locale

router = APIRouter(include_in_schema=False)

EMAIL_SHAPE = "enter a valid e-mail address"


def _valid_email(email: str) -> bool:
    try:
        UserCreate.model_validate(
            {"email": email, "full_name": "x", "password": "x" * service.MIN_PASSWORD}
        )
    except ValidationError:
        return False
    return True


def _sign_in(session: Session, user: User, target: str) -> Response:
    key = start_web_session(session, get_settings(), user=user)
    response = redirect(target)
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        key,
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


def _landing(session: Session, user: User, flash: str) -> str:
    participant = service.first_registration(session, user)
    if participant is not None:
        return f"/events/{participant.event_id}/me?flash={flash}"
    return f"/account?flash={flash}"


def _message(
    request: Request, title: str, text: str, *, status_code: int = 200, **extra: Any
) -> Response:
    return render(
        request,
        "accounts/message.html",
        {"title": title, "text": text, **extra},
        status_code=status_code,
    )


def _invalid_link(request: Request) -> Response:
    return _message(
        request,
        "This link no longer works",
        "The link has been used already, has expired, or the password changed since it was "
        "sent. Ask for a new one below.",
        status_code=410,
        show_help=True,
    )


# ---- sign-up from the event page ----------------------------------------------------------


def _signup_context(
    request: Request,
    session: Session,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
    keep: list[int] | None = None,
) -> dict[str, Any]:
    context = registration_pages._register_context(
        request, session, event, values, errors, keep=keep
    )
    context["zone"] = event.timezone
    return context


@router.get("/events/{event_id:int}/signup")
def signup_page(
    event_id: int, request: Request, session: SessionDep, user: OptionalUser, org_q: str = ""
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    if user is not None:
        return redirect(f"/events/{event_id}/register")
    values: dict[str, Any] = {
        "languages": [request_locale(request)],
        "role": "delegate",
        "org_q": org_q[:200],
        "org_country": "VN",
        "org_kind": "enterprise",
        "organisation_id": registration_forms.NEW_ORGANISATION if not org_q else "",
    }
    return render(
        request, "accounts/signup.html", _signup_context(request, session, event, values, {})
    )


@router.post("/events/{event_id:int}/signup")
async def signup_submit(
    event_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    form = await read_form(request)
    if user is not None:
        return redirect(f"/events/{event_id}/register")
    if form.get("action") == registration_forms.FIND_ORGANISATION:
        # The organisation search button inside the form: show the matches and keep
        # everything typed (but never echo the password back).
        values = registration_forms._searched_values(session, form)
        # never echoed back: the page asks for it again, saying why
        values["password_again"] = bool(values.pop("password", None))
        return render(
            request, "accounts/signup.html", _signup_context(request, session, event, values, {})
        )
    email = normalise_email(form.get("email"))
    password = form.values.get("password", "")
    errors: dict[str, str] = {}
    data: ParticipantCreate | None = None
    try:
        data = ParticipantCreate.model_validate(
            {**registration_forms._registration_body(form), "for_self": True}
        )
    except ValidationError as exc:
        errors.update(registration_forms._errors_of(exc))
    if not email:
        errors["email"] = "enter your e-mail address"
    elif not _valid_email(email):
        errors["email"] = EMAIL_SHAPE
    errors.update(service.check_new_password(password))
    if not registration_pages._registration_open(event):
        errors["__all__"] = "Registration for this event is not open."

    def fail(found: dict[str, str], status: int) -> Response:
        keep = registration_forms._duplicate_choice(session, form, found)
        values = registration_forms._form_values(form)
        values.pop("password", None)
        return render(
            request,
            "accounts/signup.html",
            _signup_context(request, session, event, values, found, keep),
            status_code=status,
        )

    if errors or data is None:
        return fail(errors, 422)
    if get_user_by_email(session, email) is not None or registration_queries.email_registered(
        session, event_id=event_id, email=email
    ):
        # The address has an account or a registration here already: nothing is created or
        # changed, the address's owner gets a way in by e-mail, and the page is the same as
        # for a new sign-up (no account enumeration).
        try:
            service.address_taken(session, event=event, email=email, client=client_ip(request))
        except service.RateLimited:
            session.commit()
        return redirect(f"/signup/sent?event={event_id}")

    def save() -> None:
        account = create_user(
            session,
            data=UserCreate(
                email=email,
                full_name=data.full_name,
                password=password,
                role=Role.delegate,
                locale="en" if request_locale(request) == "en" else "vi",
            ),
            email_confirmed=False,
        )
        participant = registration.create_participant(
            session, actor=account, event_id=event_id, data=data, self_registration=True
        )
        service.send_link(
            session,
            Purpose.confirm_email,
            user=account,
            path="/account/confirm",
            event=event,
            participant=participant,
        )

    return registration_forms._submit(
        session, save, fail, lambda: redirect(f"/signup/sent?event={event_id}")
    )


@router.get("/signup/sent")
def signup_sent(request: Request) -> Response:
    return _message(
        request,
        "Check your e-mail",
        "We have sent you a link to confirm your e-mail address. Your registration goes to "
        "the organisers once the address is confirmed.",
        resend=True,
    )


# ---- links by e-mail: asking --------------------------------------------------------------

_ASK = {
    Purpose.reset_password: ("/forgot-password", "Forgot password?", "Send me a reset link"),
    Purpose.sign_in_link: ("/login/link", "Sign in with an e-mail link", "Send me a sign-in link"),
    Purpose.confirm_email: (
        "/account/confirm/resend",
        "Send the confirmation again",
        "Send the confirmation link",
    ),
}


def _ask_page(
    request: Request,
    purpose: Purpose,
    *,
    email: str = "",
    errors: dict[str, str] | None = None,
    sent: bool = False,
    status_code: int = 200,
) -> Response:
    action, title, button = _ASK[purpose]
    return render(
        request,
        "accounts/ask_link.html",
        {
            "action": action,
            "title": title,
            "button": button,
            "email": email,
            "errors": errors or {},
            "sent": sent,
            "purpose": purpose.value,
        },
        status_code=status_code,
    )


async def _ask_submit(request: Request, session: Session, purpose: Purpose) -> Response:
    form = await read_form(request)
    email = normalise_email(form.get("email"))
    if not email:
        return _ask_page(
            request, purpose, errors={"email": "enter your e-mail address"}, status_code=422
        )
    if not _valid_email(email):
        return _ask_page(
            request, purpose, email=email, errors={"email": EMAIL_SHAPE}, status_code=422
        )
    try:
        service.request_link(session, purpose, email=email, client=client_ip(request))
    except service.RateLimited:
        session.commit()
        return _ask_page(
            request,
            purpose,
            email=email,
            errors={"__all__": "too many requests for a link; try again in 15 minutes"},
            status_code=429,
        )
    # The same answer whether or not the address has an account.
    return _ask_page(request, purpose, email=email, sent=True)


@router.get("/forgot-password")
def forgot_page(request: Request) -> Response:
    return _ask_page(request, Purpose.reset_password)


@router.post("/forgot-password")
async def forgot_submit(request: Request, session: SessionDep) -> Response:
    return await _ask_submit(request, session, Purpose.reset_password)


@router.get("/login/link")
def sign_in_link_page(request: Request) -> Response:
    return _ask_page(request, Purpose.sign_in_link)


@router.post("/login/link")
async def sign_in_link_submit(request: Request, session: SessionDep) -> Response:
    return await _ask_submit(request, session, Purpose.sign_in_link)


@router.get("/account/confirm/resend")
def resend_page(request: Request) -> Response:
    return _ask_page(request, Purpose.confirm_email)


@router.post("/account/confirm/resend")
async def resend_submit(request: Request, session: SessionDep) -> Response:
    return await _ask_submit(request, session, Purpose.confirm_email)


# ---- links by e-mail: using ---------------------------------------------------------------


def _use_page(request: Request, *, action: str, token: str, title: str, button: str) -> Response:
    return render(
        request,
        "accounts/use_link.html",
        {"action": action, "token": token, "title": title, "button": button},
    )


@router.get("/account/confirm")
def confirm_page(request: Request, session: SessionDep, token: str = "") -> Response:
    if service.peek(session, Purpose.confirm_email, token) is None:
        return _invalid_link(request)
    return _use_page(
        request,
        action="/account/confirm",
        token=token,
        title="Confirm your e-mail address",
        button="Confirm my address",
    )


@router.post("/account/confirm")
async def confirm_submit(request: Request, session: SessionDep) -> Response:
    form = await read_form(request)
    row = service.spend(session, Purpose.confirm_email, form.get("token"))
    user = session.get(User, row.user_id) if row is not None and row.user_id else None
    if user is None:
        return _invalid_link(request)
    service.confirm_address(session, user)
    return _sign_in(session, user, _landing(session, user, "email-confirmed"))


@router.get("/login/link/use")
def sign_in_use_page(request: Request, session: SessionDep, token: str = "") -> Response:
    if service.peek(session, Purpose.sign_in_link, token) is None:
        return _invalid_link(request)
    return _use_page(
        request, action="/login/link/use", token=token, title="Sign in", button="Sign in"
    )


@router.post("/login/link/use")
async def sign_in_use_submit(request: Request, session: SessionDep) -> Response:
    form = await read_form(request)
    row = service.spend(session, Purpose.sign_in_link, form.get("token"))
    user = session.get(User, row.user_id) if row is not None and row.user_id else None
    if user is None:
        return _invalid_link(request)
    service.confirm_address(session, user)
    return _sign_in(session, user, _landing(session, user, "signed-in"))


def _password_page(
    request: Request,
    *,
    action: str,
    token: str,
    title: str,
    errors: dict[str, str] | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "accounts/set_password.html",
        {"action": action, "token": token, "title": title, "errors": errors or {}, "email": email},
        status_code=status_code,
    )


def _refuse_new_password(
    request: Request,
    session: SessionDep,
    purpose: Purpose,
    token: str,
    password: str,
    again: str,
) -> Response | None:
    """The page to show instead of going on: a dead link, or the form again with the
    password's problems (the same for a reset and an invitation)."""
    row = service.peek(session, purpose, token)
    if row is None:
        return _invalid_link(request)
    errors = service.check_new_password(password, again)
    if not errors:
        return None
    action, title = _PASSWORD_FORMS[purpose]
    return _password_page(
        request,
        action=action,
        token=token,
        title=title,
        errors=errors,
        email=row.email,
        status_code=422,
    )


_PASSWORD_FORMS = {
    Purpose.reset_password: ("/reset-password", "Choose a new password"),
    Purpose.invitation: ("/invitation", "Welcome: choose your password"),
}


@router.get("/reset-password")
def reset_page(request: Request, session: SessionDep, token: str = "") -> Response:
    row = service.peek(session, Purpose.reset_password, token)
    if row is None:
        return _invalid_link(request)
    return _password_page(
        request,
        action="/reset-password",
        token=token,
        title="Choose a new password",
        email=row.email,
    )


@router.post("/reset-password")
async def reset_submit(request: Request, session: SessionDep) -> Response:
    form = await read_form(request)
    token = form.get("token")
    password = form.values.get("password", "")
    refused = _refuse_new_password(
        request,
        session,
        Purpose.reset_password,
        token,
        password,
        form.values.get("password_again", ""),
    )
    if refused is not None:
        return refused
    spent = service.spend(session, Purpose.reset_password, token)
    user = session.get(User, spent.user_id) if spent is not None and spent.user_id else None
    if user is None:
        return _invalid_link(request)
    service.set_password(session, user, password)
    service.confirm_address(session, user)
    return _sign_in(session, user, _landing(session, user, "password-changed"))


@router.get("/invitation")
def invitation_page(request: Request, session: SessionDep, token: str = "") -> Response:
    row = service.peek(session, Purpose.invitation, token)
    if row is None:
        return _invalid_link(request)
    return _password_page(
        request,
        action="/invitation",
        token=token,
        title="Welcome: choose your password",
        email=row.email,
    )


@router.post("/invitation")
async def invitation_submit(request: Request, session: SessionDep) -> Response:
    form = await read_form(request)
    token = form.get("token")
    password = form.values.get("password", "")
    again = form.values.get("password_again", "")
    refused = _refuse_new_password(request, session, Purpose.invitation, token, password, again)
    if refused is not None:
        return refused
    spent = service.spend(session, Purpose.invitation, token)
    participant = (
        session.get(Participant, spent.participant_id)
        if spent is not None and spent.participant_id
        else None
    )
    if spent is None or participant is None:
        return _invalid_link(request)
    user = get_user_by_email(session, spent.email)
    if user is None:
        # The language the invitation was written in (app.notifications.service.locale_for).
        locale: Literal["vi", "en"] = "vi" if locale_for(session, participant) == "vi" else "en"
        user = create_user(
            session,
            data=UserCreate(
                email=spent.email,
                full_name=participant.full_name,
                password=password,
                role=Role.delegate,
                locale=locale,
            ),
            email_confirmed=True,
        )
    else:
        service.set_password(session, user, password)
    service.confirm_address(session, user)
    if participant.user_id is None and (
        registration.participant_for_user(session, event_id=participant.event_id, user=user)
        in (None, participant)
    ):
        participant.user_id = user.id
        session.add(participant)
        session.flush()
    return _sign_in(session, user, f"/events/{participant.event_id}/me?flash=welcome")


# ---- the account page ---------------------------------------------------------------------


def _account_page(
    request: Request,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "accounts/account.html",
        {
            "account": user,
            "errors": errors or {},
            "notice": request.query_params.get("flash"),
            "flash": None,
        },
        status_code=status_code,
    )


@router.get("/account")
def account_page(request: Request, user: CurrentUser) -> Response:
    return _account_page(request, user)


@router.post("/account/password")
async def account_password(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    form = await read_form(request)
    errors = service.change_password(
        session,
        user,
        current=form.values.get("current_password", ""),
        new=form.values.get("new_password", ""),
        again=form.values.get("password_again", ""),
        keep_key=request.cookies.get(SESSION_COOKIE),
    )
    if errors:
        return _account_page(request, user, errors=errors, status_code=422)
    return redirect("/account", flash="password-changed")


@router.post("/account/language")
async def account_language(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    form = await read_form(request)
    locale = form.get("locale")
    if locale not in ("vi", "en"):
        return _account_page(
            request, user, errors={"locale": "choose Vietnamese or English"}, status_code=422
        )
    user.locale = locale
    session.add(user)
    session.flush()
    return redirect(f"/account?lang={locale}", flash="language-saved")


# ---- organisers: invitations --------------------------------------------------------------


@router.post("/events/{event_id:int}/participants/{participant_id:int}/invite")
async def invite_one(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    await read_form(request)
    event = events.managed_event(session, user, event_id)
    participant = registration.get_participant(
        session, event_id=event_id, participant_id=participant_id
    )
    sent = service.invite(session, actor=user, event=event, participant=participant)
    return redirect(
        f"/events/{event_id}/participants", flash="invited" if sent else "nobody-to-invite"
    )


@router.post("/events/{event_id:int}/participants/invite-all")
async def invite_everyone(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    await read_form(request)
    event = events.managed_event(session, user, event_id)
    sent = service.invite_all(session, actor=user, event=event)
    return redirect(
        f"/events/{event_id}/participants", flash="invited" if sent else "nobody-to-invite"
    )


@router.post("/events/{event_id:int}/import/{batch_id:int}/invite")
async def invite_imported(
    event_id: int, batch_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    await read_form(request)
    event = events.managed_event(session, user, event_id)
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.event_id != event_id or batch.status != "applied":
        return redirect(f"/events/{event_id}/import")
    ids = imports_service.imported_participant_ids(session, event_id=event_id, batch=batch)
    sent = service.invite_all(session, actor=user, event=event, participant_ids=ids)
    return redirect(
        f"/events/{event_id}/participants", flash="invited" if sent else "nobody-to-invite"
    )


__all__ = ["router"]
