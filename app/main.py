"""create_app(): routers, middleware, error handlers, static files, start-up checks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import __version__, problems
from app.auth import api as auth_api
from app.auth import web as auth_web
from app.db import get_engine, session_scope
from app.events import api as events_api
from app.events import web as events_web
from app.exports import api as exports_api
from app.exports import web as exports_web
from app.imports import api as imports_api
from app.imports import web as imports_web
from app.matchmaking import api as matchmaking_api
from app.matchmaking import web as matchmaking_web
from app.meetings import api as meetings_api
from app.meetings import web as meetings_web
from app.migrate import check_up_to_date
from app.notifications import web as notifications_web
from app.outcomes import api as outcomes_api
from app.outcomes import web as outcomes_web
from app.registration import api as registration_api
from app.registration import web as registration_web
from app.scheduling import api as scheduling_api
from app.scheduling import web as scheduling_web
from app.settings import PROJECT_ROOT, Settings, get_settings
from app.web import locale_middleware

log = logging.getLogger("ketnoi")


def _bootstrap(settings: Settings) -> None:
    if settings.check_migrations:
        check_up_to_date(get_engine(), settings.database_url)
    if settings.admin_email and settings.admin_password:
        from app.auth.service import ensure_organiser

        try:
            with session_scope() as session:
                _, created = ensure_organiser(
                    session,
                    email=settings.admin_email,
                    password=settings.admin_password.get_secret_value(),
                )
        except IntegrityError:
            # Several workers start at once; another one created the account first.
            created = False
        if created:
            log.info("created organiser account %s", settings.admin_email)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        _bootstrap(settings)
        yield

    app = FastAPI(
        title="Kết Nối API",
        version=__version__,
        description=(
            "Technology supply–demand connection sessions: events, registration, B2B "
            "meetings, scheduling, agendas and outcomes. Errors are application/problem+json."
        ),
        lifespan=lifespan,
    )
    problems.install(app)
    app.middleware("http")(locale_middleware)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(
            PROJECT_ROOT / "static" / "favicon.ico",
            media_type="image/x-icon",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/healthz", tags=["ops"])
    def healthz() -> Response:
        try:
            with get_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # the probe reports, never raises
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    for router in (
        auth_api.router,
        events_api.router,
        registration_api.router,
        matchmaking_api.router,
        imports_api.router,
        meetings_api.router,
        outcomes_api.router,
        exports_api.router,
        scheduling_api.router,
        scheduling_web.router,
        auth_web.router,
        events_web.router,
        registration_web.router,
        matchmaking_web.router,
        imports_web.router,
        exports_web.router,
        meetings_web.router,
        outcomes_web.router,
        notifications_web.router,
    ):
        app.include_router(router)
    return app
