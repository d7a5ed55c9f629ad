"""create_app(): routers, middleware, error handlers, static files, start-up checks."""

from __future__ import annotations

import errno
import gc
import importlib
import logging
import os
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import __version__, logs, problems
from app.accounts import web as accounts_web
from app.auth import api as auth_api
from app.auth import web as auth_web
from app.balance import WorkerBalance
from app.db import get_engine, session_scope
from app.events import api as events_api
from app.events import web as events_web
from app.exports import api as exports_api
from app.exports import web as exports_web
from app.imports import api as imports_api
from app.imports import web as imports_web
from app.limits import BodySizeLimit, InFlightLimit
from app.matchmaking import api as matchmaking_api
from app.matchmaking import web as matchmaking_web
from app.meetings import api as meetings_api
from app.meetings import web as meetings_web
from app.migrate import check_up_to_date
from app.notifications import web as notifications_web
from app.outcomes import api as outcomes_api
from app.outcomes import now as outcomes_now
from app.outcomes import web as outcomes_web
from app.registration import api as registration_api
from app.registration import web as registration_web
from app.reminders import web as reminders_web
from app.scheduling import api as scheduling_api
from app.scheduling import web as scheduling_web
from app.settings import PROJECT_ROOT, Settings, get_settings, settings_problem
from app.survey import api as survey_api
from app.survey import web as survey_web
from app.web import PageMiddleware, compile_templates

log = logging.getLogger("ketnoi")

# Scripts only from this site (no inline script, no CDN), nothing may frame the pages.
# Styles allow inline <style> blocks and attributes: several pages carry their print styles
# inline, and style injection cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
WEB_MANIFEST = {
    "name": "Kết Nối",
    "short_name": "Kết Nối",
    "description": "Phiên kết nối cung cầu công nghệ — lịch gặp, mã check-in",
    "lang": "vi",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "background_color": "#f5f7f9",
    "theme_color": "#0b6e4f",
    "icons": [
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/icon-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}
API_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kết Nối API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head><body><div id="swagger-ui" data-url="/openapi.json"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body></html>
"""


def _bootstrap(settings: Settings) -> None:
    if settings.check_migrations:
        check_up_to_date(get_engine())
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


def var_writable(folder: Path) -> str:
    """'ok', or why the folder cannot take a file (full disk, read-only, missing)."""
    probe = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".healthz-")
        with os.fdopen(handle, "wb") as out:
            out.write(b"\0" * 4096)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        log.warning("health check: %s: %s", folder, exc)
        return "full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "not writable"
    finally:
        if probe:
            Path(probe).unlink(missing_ok=True)
    return "ok"


_gc_frozen = False
_suggestions_warming = False
# a request that no route answers: matching it makes every router build its routes
_NO_ROUTE: dict[str, Any] = {
    "type": "http",
    "path": "/__warm__",
    "method": "GET",
    "root_path": "",
    "headers": [],
    "query_string": b"",
}


def _warm_routes(application: FastAPI) -> None:
    """FastAPI builds a router's dependants and validators on the first request that reaches
    it (20-90 ms a router): done here once, at start-up (~0.2 s), the first visitors of each
    page do not wait for it. An app already warmed skips it (its routers keep what they
    built)."""
    if getattr(application.state, "warm", False):
        return
    for route in application.router.routes:
        try:
            route.matches(_NO_ROUTE)
        except Exception:  # warming is an optimisation: a route that cannot be matched
            log.debug("could not warm %r", route, exc_info=True)  # this way is built later
    application.state.warm = True


def _warm_suggestions() -> None:
    """scikit-learn, which the suggestions use (app.matchmaking.suggest imports it when first
    needed: ~3.4 s with SciPy), imported in the background once per process: the server
    answers without waiting for it, and the first visitor of the suggestions mostly does
    not either."""
    global _suggestions_warming
    if _suggestions_warming:
        return
    _suggestions_warming = True
    threading.Thread(
        target=importlib.import_module,
        args=("sklearn.feature_extraction.text",),
        name="warm-suggestions",
        daemon=True,
    ).start()


def _freeze_gc() -> None:
    global _gc_frozen
    gc.collect()
    gc.freeze()
    _gc_frozen = True


def create_app(settings: Settings | None = None) -> FastAPI:
    if settings is None:
        try:
            settings = get_settings()
        except ValidationError as exc:  # e.g. production without a real secret key
            raise SystemExit(f"Kết Nối cannot start: {settings_problem(exc)}") from None

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        _bootstrap(settings)
        _warm_routes(application)
        # As many requests at once as the database pool has connections (app.db).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        # Everything loaded so far (modules, models, templates) lives as long as the process:
        # keep it out of the collector's full passes, which otherwise walk it all and pause a
        # request for ~100 ms now and then (the report's figures: 190 → 95 ms on average).
        # Once per process: what a later app (tests build many) leaves behind stays collectable.
        # (A flag, not gc.get_freeze_count(): that walks every frozen object, ~35 ms.)
        if not _gc_frozen:
            compile_templates()  # also once per process: they are then frozen with the rest
            _freeze_gc()
        _warm_suggestions()
        yield

    app = FastAPI(
        title="Kết Nối API",
        version=__version__,
        description=(
            "Technology supply–demand connection sessions: events, registration, B2B "
            "meetings, scheduling, agendas and outcomes. Errors are application/problem+json."
        ),
        lifespan=lifespan,
        # /docs is served below from the pinned swagger-ui-py assets, not from a CDN; ReDoc
        # (CDN only) is off.
        docs_url=None,
        redoc_url=None,
    )
    problems.install(app)
    logs.install()  # calendar tokens out of the access log
    # Innermost (added first): the route reads the body straight through the limit, not
    # through the function middlewares' task groups, which would wrap the 413.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(InFlightLimit, limit=settings.db_pool_size)
    app.add_middleware(
        PageMiddleware,
        security_headers={
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        },
    )
    app.add_middleware(WorkerBalance)  # outermost: before anything else is done

    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    # Swagger UI 5 (OpenAPI 3.1) from the pinned swagger-ui-py package.
    swagger_ui_static = Path(str(resources.files("swagger_ui") / "static"))
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_static), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> Response:
        return HTMLResponse(API_DOCS_PAGE)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(
            PROJECT_ROOT / "static" / "favicon.ico",
            media_type="image/x-icon",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    # The offline agenda (static/js/sw.js): the worker must be served from the root to
    # control the pages under it; the manifest makes the site installable as an app.
    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> Response:
        return FileResponse(
            PROJECT_ROOT / "static" / "js" / "sw.js",
            media_type="text/javascript",
            headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
        )

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def web_manifest() -> Response:
        return JSONResponse(WEB_MANIFEST, media_type="application/manifest+json")

    @app.get("/healthz", tags=["ops"])
    def healthz() -> Response:
        """The database answers, and the var/ folder (backups, logs) takes a
        write; 503 with the failing part named otherwise."""
        body: dict[str, object] = {"status": "ok", "version": __version__}
        try:
            with get_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
            body["database"] = "ok"
        except Exception as exc:  # the probe reports, never raises
            log.warning("health check: database: %s", exc)
            body["database"] = "unreachable"
        body["var"] = var_writable(settings.var_dir)
        if body["database"] != "ok" or body["var"] != "ok":
            body["status"] = "error"
            return JSONResponse(body, status_code=503, headers={"Retry-After": "10"})
        return JSONResponse(body)

    # A request is matched against the routes in this order, each costing about a
    # microsecond (twice: FastAPI matches the router, then the route in it): the routers a
    # crowd calls on the day come first (My meetings 0.35 ms of matching behind 17 routers,
    # booking 0.15 ms). No path of one router is matched by a route of another
    # (tests/unit/test_route_order.py), so the order changes nothing else.
    for router in (
        meetings_api.router,
        meetings_web.router,
        events_web.router,
        auth_api.router,
        events_api.router,
        registration_api.router,
        matchmaking_api.router,
        imports_api.router,
        outcomes_api.router,
        exports_api.router,
        scheduling_api.router,
        scheduling_web.router,
        auth_web.router,
        accounts_web.router,
        registration_web.router,
        matchmaking_web.router,
        imports_web.router,
        exports_web.router,
        outcomes_web.router,
        notifications_web.router,
        reminders_web.router,
        outcomes_now.router,
        survey_api.router,
        survey_web.router,
    ):
        app.include_router(router)
    return app
