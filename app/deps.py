"""Annotated dependencies shared by the API and the pages."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Executable, Integer, bindparam
from sqlmodel import Session, col
from sqlmodel.sql.expression import Select

from app.auth import service as auth_service
from app.auth.models import Role, User, UserPublic
from app.auth.security import csrf_valid
from app.db import get_session, hold
from app.errors import Forbidden, Unauthorized
from app.events.models import Event
from app.registration import own as own_registration
from app.registration.models import Participant
from app.settings import Settings, get_settings
from app.types import pk

SESSION_COOKIE = "ketnoi_session"
CSRF_COOKIE = "ketnoi_csrf"
LANG_COOKIE = "ketnoi_lang"

# scope="function": commit before the response is sent, so a failed commit is the
# client's error response, never a success followed by lost data.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _user_from_request(
    request: Request, session: Session, token: str | None, event_id: int | None = None
) -> User | None:
    if token:
        found = _lookup(session, auth_service.API_TOKEN_LOOKUP, token, event_id)
        user = found and auth_service.token_user(*found)
        if user is None:
            raise Unauthorized("the access token is invalid, expired or revoked")
        return user
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        found = _lookup(session, auth_service.WEB_SESSION_LOOKUP, key, event_id)
        user = found and auth_service.session_user(*found)
        if user is not None:
            _check_cookie_api_write(request)
        return user
    return None


def _lookup(session: Session, query: Select[Any, User], secret: str, event_id: int | None) -> Any:
    """The (token or session, user) row of ``query`` (auth_service.API_TOKEN_LOOKUP or
    WEB_SESSION_LOOKUP) for ``secret``. With ``event_id`` the same statement reads the event
    (into the unit of work: ``events.get_event`` reads it from there) and the user's own
    registration of it (app.registration.own): a page of one event a crowd reads (My
    meetings, the meetings API) starts with one statement instead of three."""
    params = auth_service.lookup_params(secret)
    if event_id is None:
        return session.exec(query, params=params).first()
    row = session.execute(_with_event(query), {**params, "event_id": event_id}).first()
    if row is None:
        return None
    auth, user, event, own = row
    hold(session, event)
    own_registration.remember(session, event_id, pk(user), own)
    return auth, user


@cache
def _with_event(query: Select[Any, User]) -> Executable:
    """``query`` joined with the event ``:event_id`` and the user's registration of it, built
    once per lookup statement."""
    event_id = bindparam("event_id", type_=Integer)
    return (
        query.add_columns(Event, Participant)
        .outerjoin(Event, col(Event.id) == event_id)
        .outerjoin(Participant, own_registration.of(event_id, col(User.id)))
    )


_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _check_cookie_api_write(request: Request) -> None:
    """The browser sends the session cookie with any request, also one a foreign page makes:
    a change through the JSON API with that cookie needs the CSRF token in the X-CSRF-Token
    header or an Origin (else Referer) of this site. Bearer tokens are not sent by browsers
    on their own, so they need neither. Pages check the token of their forms themselves."""
    if request.method not in _UNSAFE_METHODS or not request.url.path.startswith("/api/"):
        return
    secret = get_settings().secret_key.get_secret_value()
    if csrf_valid(secret, request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)):
        return
    origin = _origin_of(request.headers.get("origin") or request.headers.get("referer") or "")
    host = request.headers.get("host", "")
    allowed = {_origin_of(get_settings().base_url), f"{request.url.scheme}://{host}".lower()}
    if origin and origin in allowed:
        return
    raise Forbidden(
        "a change through the API with the browser's session cookie needs the X-CSRF-Token "
        "header or a request from this site (Origin); API clients use a bearer token"
    )


BearerToken = Annotated[str | None, Depends(_bearer)]


def optional_user(request: Request, session: SessionDep, token: BearerToken) -> User | None:
    user = _user_from_request(request, session, token)
    _remember_for_pages(request, user)
    return user


def _remember_for_pages(request: Request, user: User | None) -> None:
    # Pages render after the unit of work may have been rolled back (error pages), so they
    # get a detached snapshot, never the ORM row.
    request.state.user = UserPublic.model_validate(user, from_attributes=True) if user else None


def signed_in(
    request: Request, session: Session, token: str | None, event_id: int | None = None
) -> User:
    """``CurrentUser`` as a plain call, for a route that does all its work in one worker
    thread (``app.db.one_thread``); with ``event_id``, the event and the user's registration
    of it are read in the same statement (``_lookup``)."""
    user = _user_from_request(request, session, token, event_id)
    _remember_for_pages(request, user)
    return _must_be_signed_in(user)


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    # async: no I/O here, so no hand-off to a worker thread
    return _must_be_signed_in(user)


def _must_be_signed_in(user: User | None) -> User:
    if user is None:
        raise Unauthorized()
    return user


async def require_organiser(user: Annotated[User, Depends(current_user)]) -> User:
    if not (user.is_admin or user.role == Role.organiser):
        raise Forbidden("This needs an organiser account")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
Organiser = Annotated[User, Depends(require_organiser)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
