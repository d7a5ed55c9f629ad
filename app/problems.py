"""RFC 9457 problem details for the API, HTML error pages for the pages."""

from __future__ import annotations

import errno
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import (
    DataError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import DomainError, _l
from app.i18n.render import localize, pydantic_message

log = logging.getLogger("ketnoi")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://ketnoi.vn/problems/"


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _locale(request: Request) -> str:
    return str(getattr(request.state, "locale", "") or "vi")


def wants_html(request: Request) -> bool:
    if request.url.path.startswith(("/api/", "/healthz", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "")


def problem(
    request: Request,
    *,
    status: int,
    detail: str,
    title: str | None = None,
    type_slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
    next_step: str = "",
) -> Response:
    locale = _locale(request)
    detail = localize(detail, locale)
    errors = [{**e, "message": localize(e.get("message", ""), locale)} for e in errors or []]
    if wants_html(request):
        from app.web import render_error_page

        return render_error_page(
            request,
            status=status,
            detail=detail,
            errors=errors or [],
            headers=headers,
            next_step=next_step,
        )
    body: dict[str, Any] = {
        "type": TYPE_BASE + type_slug if type_slug else "about:blank",
        "title": title or _title(status),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "breaks", 0, "starts_at") -> "breaks[0].starts_at"; the origin stays in "in".
    parts = (
        list(loc[1:])
        if loc and loc[0] in ("body", "query", "path", "header", "cookie")
        else list(loc)
    )
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or str(loc[0] if loc else "")


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        loc = error.get("loc", ())
        errors.append(
            {
                "field": _field_path(loc),
                "in": loc[0] if loc else "body",
                "message": pydantic_message(error),
                "type": error.get("type", "value_error"),
                "code": error.get("type", "value_error"),
            }
        )
    return errors


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return problem(
            request,
            status=exc.status,
            detail=exc.detail,
            title=exc.title,
            type_slug=exc.type_slug,
            errors=[{"field": e.field, "message": e.message, "code": e.code} for e in exc.errors],
            headers=exc.headers or None,
            code=exc.code,
            next_step=exc.next_step,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors(exc)
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(
            request,
            status=422,
            title="Validation failed",
            type_slug="validation-error",
            detail=_l("invalid input in: {fields}", fields=fields),
            errors=errors,
            code="validation_error",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
        if exc.status_code == 404 and detail == "Not Found":
            detail = _l("nothing at {path}", path=request.url.path)
        if exc.status_code == 405:
            detail = _l(
                "{method} is not allowed on {path}", method=request.method, path=request.url.path
            )
        return problem(
            request,
            status=exc.status_code,
            detail=detail,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # The database refused a write that would break an invariant (two requests raced
        # past the service checks): the loser gets a conflict, nothing is half written.
        log.info("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return problem(
            request,
            status=409,
            title="Conflict",
            type_slug="conflict",
            detail=_l(
                "the change conflicts with data saved at the same time; reload and try again"
            ),
            code="concurrent_change",
        )

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> Response:
        # PostgreSQL refuses values its columns cannot hold (an id above 2^31 - 1 in a URL
        # or a body); nothing can match such a value, so it is bad input, not a crash.
        log.info("data error on %s %s: %s", request.method, request.url.path, exc.orig)
        return problem(
            request,
            status=422,
            title="Unprocessable Content",
            type_slug="validation-error",
            detail=_l(
                "a number in the request is out of range (ids and counts are below 2147483648)"
            ),
            code="number_out_of_range",
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(DisconnectionError)
    @app.exception_handler(PoolTimeout)
    async def _unavailable(request: Request, exc: Exception) -> Response:
        # The database is down, restarting, locked or out of connections: nothing was
        # saved, and the same request may well succeed in a moment.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem(
            request,
            status=503,
            title="Service unavailable",
            type_slug="unavailable",
            detail="the database is busy or unreachable; try again in a moment",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(OSError)
    async def _os_error(request: Request, exc: OSError) -> Response:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            return await _unexpected(request, exc)
        log.error("disk full on %s %s: %s", request.method, request.url.path, exc)
        return problem(
            request,
            status=507,
            title="Insufficient storage",
            type_slug="insufficient-storage",
            detail="the server's disk is full and nothing was saved; tell the technical staff",
            headers={"Retry-After": "60"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(
            request,
            status=500,
            title="Internal server error",
            type_slug="internal-error",
            detail=_l("an unexpected error occurred; it has been logged"),
            code="internal_error",
        )
