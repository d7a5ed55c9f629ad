"""Public pages for anonymous visitors, remembered a few seconds per process (micro-caching).

Only pages that are the same for every anonymous reader go here: no form (so no CSRF token),
no flash message, no query string beyond ``lang``. The key holds the path and the language;
the response's headers and cookies are still added per request by ``app.web.PageMiddleware``.
How long: ``Settings.public_page_seconds`` (``KETNOI_PUBLIC_PAGE_SECONDS``; 0 turns it off).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.settings import get_settings
from app.web import request_locale

MAX_PAGES = 512

_pages: OrderedDict[tuple[str, str], tuple[float, int, bytes]] = OrderedDict()
_lock = threading.Lock()


def cacheable(request: Request, user: object | None) -> bool:
    """An anonymous GET without a query string other than ``lang``."""
    return (
        user is None
        and request.method == "GET"
        and get_settings().public_page_seconds > 0
        and all(name == "lang" for name in request.query_params)
    )


def public_page(request: Request, user: object | None, build: Callable[[], Response]) -> Response:
    """``build()``'s response, or the one built less than ``public_page_seconds`` ago for the
    same path and language. Only 200 responses are kept."""
    if not cacheable(request, user):
        return build()
    key = (request.url.path, request_locale(request))
    now = time.monotonic()
    with _lock:
        hit = _pages.get(key)
    if hit is not None and hit[0] > now:
        return HTMLResponse(hit[2], status_code=hit[1])
    response = build()
    if response.status_code == 200 and isinstance(response.body, bytes):
        with _lock:
            _pages[key] = (now + get_settings().public_page_seconds, 200, response.body)
            _pages.move_to_end(key)
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    return response


def forget() -> None:
    """Drop every remembered page (tests)."""
    with _lock:
        _pages.clear()
