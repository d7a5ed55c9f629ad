"""Log-in and log-out pages (cookie session, CSRF-protected forms)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.auth import service
from app.deps import SESSION_COOKIE, OptionalUser, SessionDep, SettingsDep, client_ip
from app.errors import DomainError, TooManyRequests, Unauthorized
from app.web import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after log-in is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(_safe_next(next))
    return render(request, "auth/login.html", {"next": _safe_next(next), "errors": {}, "email": ""})


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
    try:
        user = service.authenticate(
            session, settings, email=email, password=password, ip=client_ip(request)
        )
    except Unauthorized:
        session.commit()  # keep the failed attempt for the rate limit
        errors["password"] = "wrong e-mail or password"
        status = 401
    except TooManyRequests as exc:
        errors["__all__"] = "too many failed log-in attempts; try again in 15 minutes"
        status = 429
        _ = exc
    except DomainError as exc:
        errors = {e.field.replace("username", "email"): e.message for e in exc.errors}
    if errors:
        return render(
            request,
            "auth/login.html",
            {"next": _safe_next(next), "errors": errors, "email": email},
            status_code=status,
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
