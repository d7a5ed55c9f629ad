"""Log in for API clients and 'who am I'."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.models import Role, TokenResponse, UserCreate, UserPublic
from app.deps import CurrentUser, Organiser, SessionDep, SettingsDep, client_ip
from app.errors import Forbidden, Unauthorized

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenResponse)
def login_for_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    try:
        user = service.authenticate(
            session, settings, email=form.username, password=form.password, ip=client_ip(request)
        )
    except Unauthorized:
        # The failed attempt must persist for the rate limit although the request fails.
        session.commit()
        raise
    token = service.issue_api_token(session, settings, user=user)
    return TokenResponse(access_token=token, expires_in=settings.token_max_age_s)


@router.post("/auth/logout", status_code=204)
def revoke_token(request: Request, session: SessionDep, user: CurrentUser) -> None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        service.revoke_api_token(session, header[7:].strip())


@router.get("/users/me", response_model=UserPublic)
def who_am_i(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/users", response_model=UserPublic, status_code=201)
def create_account(data: UserCreate, session: SessionDep, organiser: Organiser) -> UserPublic:
    """Organisers create accounts (organiser or delegate); self-registration comes with events."""
    if data.role == Role.organiser and not organiser.is_admin:
        raise Forbidden("Only an administrator can create organiser accounts")
    # Only an administrator (trusted with every event) vouches for the address; an account an
    # organiser makes is linked to a registration only after its owner uses a link sent to it.
    user = service.create_user(
        session, data=data, actor_id=organiser.id, email_confirmed=organiser.is_admin
    )
    return UserPublic.model_validate(user, from_attributes=True)
