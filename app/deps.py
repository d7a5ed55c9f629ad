"""Annotated dependencies shared by the API and the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Role, User, UserPublic
from app.db import get_session
from app.errors import Forbidden, Unauthorized
from app.settings import Settings, get_settings

SESSION_COOKIE = "ketnoi_session"
CSRF_COOKIE = "ketnoi_csrf"
LANG_COOKIE = "ketnoi_lang"

# scope="function": commit before the response is sent, so a failed commit is the
# client's error response, never a success followed by lost data.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _user_from_request(request: Request, session: Session, token: str | None) -> User | None:
    if token:
        user = auth_service.user_for_api_token(session, token)
        if user is None:
            raise Unauthorized("the access token is invalid, expired or revoked")
        return user
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        return auth_service.user_for_web_session(session, key)
    return None


def optional_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(_bearer)]
) -> User | None:
    user = _user_from_request(request, session, token)
    # Pages render after the unit of work may have been rolled back (error pages), so they
    # get a detached snapshot, never the ORM row.
    request.state.user = UserPublic.model_validate(user, from_attributes=True) if user else None
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized()
    return user


def require_organiser(user: Annotated[User, Depends(current_user)]) -> User:
    if not (user.is_admin or user.role == Role.organiser):
        raise Forbidden("This needs an organiser account")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
Organiser = Annotated[User, Depends(require_organiser)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
