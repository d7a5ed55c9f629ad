"""Shared page machinery: Jinja2 with Babel, locale choice, CSRF, flash messages, error pages."""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n
from app.auth.security import csrf_token, csrf_valid
from app.deps import CSRF_COOKIE, LANG_COOKIE
from app.errors import FormExpired, Msg
from app.i18n.render import current_locale, localize
from app.settings import PROJECT_ROOT, get_settings

log = logging.getLogger("ketnoi")
templates = Jinja2Templates(directory=PROJECT_ROOT / "templates")
env = templates.env
env.add_extension("jinja2.ext.i18n")
env.policies["ext.i18n.trimmed"] = True


def compile_templates() -> int:
    """Compile every page template now (~0.8 s for all, once per process; Jinja keeps them).
    Otherwise the first visitors of each page wait for its compile, and a crowd arriving at a
    fresh worker compiles the same template in many threads at once."""
    names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        env.get_template(name)
    return len(names)


def request_locale(request: Request) -> str:
    return getattr(request.state, "locale", i18n.DEFAULT_LOCALE)


def csrf_for(request: Request) -> str:
    anchor = getattr(request.state, "csrf_anchor", None) or request.cookies.get(CSRF_COOKIE, "")
    return csrf_token(get_settings().secret_key.get_secret_value(), anchor)


def check_csrf(request: Request, submitted: str | None) -> None:
    anchor = request.cookies.get(CSRF_COOKIE)
    if not csrf_valid(get_settings().secret_key.get_secret_value(), anchor, submitted):
        raise FormExpired()


def _cookie(key: str, value: str, **options: Any) -> tuple[bytes, bytes]:
    """One ``Set-Cookie`` header, worded by Starlette."""
    response = Response()
    response.set_cookie(key, value, **options)
    return response.raw_headers[-1]


def _year_cookie(key: str, value: str) -> tuple[bytes, bytes]:
    """A cookie kept a year, for the server only (httponly), sent on same-site navigation."""
    return _cookie(
        key,
        value,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )


class PageMiddleware:
    """Every response: the locale (?lang=, cookie, Accept-Language, Vietnamese) chosen before
    the route runs, a CSRF anchor cookie before the browser sees any form, and the security
    headers. Plain ASGI (no ``call_next`` task per request): the pages answer faster under
    load than through ``@app.middleware("http")``."""

    def __init__(self, app: ASGIApp, *, security_headers: dict[str, str]) -> None:
        self.app = app
        self.security_headers = security_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang")
        chosen = i18n.pick_locale(
            asked if asked in i18n.LOCALES else None,
            request.cookies.get(LANG_COOKIE),
            i18n.locale_from_accept_language(request.headers.get("accept-language")),
        )
        request.state.locale = chosen
        current_locale.set(chosen)
        new_anchor = None
        if not request.cookies.get(CSRF_COOKIE):
            new_anchor = secrets.token_urlsafe(24)
            request.state.csrf_anchor = new_anchor

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.security_headers.items():
                    headers.setdefault(name, value)
                if asked in i18n.LOCALES:
                    # httponly: no script reads it, the server renders the chosen language
                    message["headers"] = [*message["headers"], _year_cookie(LANG_COOKIE, asked)]
                if new_anchor:
                    # kept for a year (as the language): a phone's browser closed and its
                    # tabs restored still sends the forms they show (a cookie for the browser's
                    # session only was gone then, and every such form was refused)
                    message["headers"] = [
                        *message["headers"],
                        _year_cookie(CSRF_COOKIE, new_anchor),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _url_with_lang(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


_current_locale: ContextVar[str] = ContextVar("ketnoi_locale", default=i18n.DEFAULT_LOCALE)


def _translate(message: str, **values: Any) -> str:
    if isinstance(message, Msg):
        return localize(message, _current_locale.get())
    text = i18n.gettext_for(_current_locale.get()).gettext(message)
    return text % values if values else text


def _ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    text = i18n.gettext_for(_current_locale.get()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def _pick(vi: str, en: str) -> str:
    """The text in the reader's language, falling back to the other one."""
    return (en or vi) if _current_locale.get() == "en" else (vi or en)


def _language_names(codes: Any) -> str:
    """'Tiếng Việt, Tiếng Anh' for ['vi', 'en'] (unknown codes as they are)."""
    from app.vocab import LANGUAGES, label

    locale = _current_locale.get()
    return ", ".join(label(LANGUAGES, str(c), locale) for c in codes or [])


def _country_name(code: str, locale: str) -> str:
    from app.exports.views import country_name

    return country_name(code, locale)


# Globals, not per-render context, so that imported macro files see them too; the locale
# comes from a context variable set for the request being rendered.
env.globals.update(
    {
        "_": _translate,
        "gettext": _translate,
        "ngettext": _ngettext,
        "pick": _pick,
        "fmt_datetime": lambda value, zone: i18n.format_datetime(
            value, zone, _current_locale.get()
        ),
        "fmt_date": lambda value: i18n.format_date(value, _current_locale.get()),
        "fmt_time": i18n.format_time,
        "fmt_zone": lambda zone: i18n.format_zone(zone, _current_locale.get()),
        # a figure with at most ``places`` decimals, in the reader's separators (0,25 / 0.25)
        "fmt_number": lambda value, places=2: i18n.format_number(
            round(value, places), _current_locale.get()
        ),
        "language_names": _language_names,
        "country_name": lambda code: _country_name(code or "", _current_locale.get()),
    }
)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    locale = request_locale(request)
    _current_locale.set(locale)

    def csrf_input() -> Markup:
        return Markup('<input type="hidden" name="csrf_token" value="{}">').format(
            csrf_for(request)
        )

    full = {
        "request": request,
        "locale": locale,
        "user": getattr(request.state, "user", None),
        "csrf_input": csrf_input,
        "lang_url": lambda lang: _url_with_lang(request, lang),
        "flash": request.query_params.get("flash"),
        **(context or {}),
    }
    return templates.TemplateResponse(
        request, template, full, status_code=status_code, headers=headers
    )


def redirect(url: str, *, flash: str | None = None) -> RedirectResponse:
    if flash:
        url += ("&" if "?" in url else "?") + urlencode({"flash": flash})
    return RedirectResponse(url, status_code=303)


def _event_id(request: Request) -> int | None:
    value = request.path_params.get("event_id")
    return value if isinstance(value, int) else None


def _reopen_url(request: Request) -> str:
    """The page a refused form was on: the Referer when it is one of this site's pages (the
    policy is same-origin), else the address it was sent to."""
    referer = urlsplit(request.headers.get("referer") or "")
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.url.path


def render_error_page(
    request: Request,
    *,
    status: int,
    detail: str,
    errors: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
    next_step: str = "",
) -> Response:
    if status == 401:
        if request.method in ("GET", "HEAD"):
            return redirect(f"/login?{urlencode({'next': request.url.path})}")
        # a form sent after the log-in session ended: back to the page it was on, and the
        # log-in page says that what was sent was not saved (rather than losing it silently)
        return redirect(f"/login?{urlencode({'next': _reopen_url(request), 'unsaved': 1})}")
    try:
        return render(
            request,
            "error.html",
            {
                "status": status,
                "detail": detail,
                "errors": errors,
                "next_step": next_step,
                # a page of an event leads back to that event, not only to the list
                "event_id": _event_id(request),
                "reopen_url": _reopen_url(request) if next_step == "reopen" else "",
            },
            status_code=status,
            headers=headers,
        )
    except Exception:  # the error page must never become a second error
        log.exception("could not render the error page")
        return HTMLResponse(
            f"<!doctype html><title>{status}</title><h1>{status}</h1>",
            status_code=status,
            headers=headers,
        )
