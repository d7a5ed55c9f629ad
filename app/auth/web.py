"""Log-in and log-out pages (cookie session, CSRF-protected forms)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.auth import service
from app.deps import CSRF_COOKIE, SESSION_COOKIE, OptionalUser, SessionDep, SettingsDep, client_ip
from app.errors import DomainError, TooManyRequests, Unauthorized
from app.web import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after log-in is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_page(
    request: Request, user: OptionalUser, next: str | None = None, unsaved: bool = False
) -> Response:
    if user is not None:
        return redirect(_safe_next(next))
    return render(
        request,
        "auth/login.html",
        {"next": _safe_next(next), "errors": {}, "email": "", "unsaved": unsaved},
    )


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, csrf_token)
    errors: dict[str, str] = {}
    status = 400
    retry_after: int | None = None
    try:
        user = service.authenticate(
            session, settings, email=email, password=password, ip=client_ip(request)
        )
    except Unauthorized:
        session.commit()  # keep the failed attempt for the rate limit
        errors["password"] = "wrong e-mail or password"
        status = 401
    except TooManyRequests as exc:
        retry_after = int(exc.headers.get("Retry-After", "60"))
        errors["__all__"] = "too many log-in attempts"
        status = 429
    except DomainError as exc:
        errors = {e.field.replace("username", "email"): e.message for e in exc.errors}
    if errors:
        return render(
            request,
            "auth/login.html",
            {
                "next": _safe_next(next),
                "errors": errors,
                "email": email,
                "retry_minutes": -(-retry_after // 60) if retry_after else None,
            },
            status_code=status,
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )
    key = service.start_web_session(session, settings, user=user)
    response = redirect(_safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        key,
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    # A new CSRF anchor with the new session: a value planted or read before log-in (a
    # shared computer, a subdomain) does not carry over into the signed-in session.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf_token)
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        service.end_web_session(session, key)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE)
    return response
