"""Pages remembered a few seconds per process (micro-caching), so that a crowd reading the
same pages is served without building each again.

- ``public_page``: pages that are the same for every anonymous reader: no form (so no CSRF
  token), no flash message, no query string beyond ``lang``. The key holds the path and the
  language. How long: ``Settings.public_page_seconds`` (``KETNOI_PUBLIC_PAGE_SECONDS``).
  When a kept page runs out, one request builds it again while the others arriving in the
  meantime get the page that ran out (at most that long again): a crowd never builds it all
  at once (measured: 50 readers waited 400 ms every time it ran out).
- ``private_page`` / ``private_json``: a signed-in person's own page (My meetings) or list
  (their meetings through the API), kept per reader and per
  ``stamp`` — a value read cheaply from the database that changes whenever anything of theirs
  the page shows changes — for at most ``Settings.private_page_seconds``. The reader's own
  CSRF token is put into the kept page on every answer. No flash message, no query string
  beyond ``lang`` and the names the caller allows.

The response's headers and cookies are still added per request by ``app.web.PageMiddleware``.
0 seconds turns either off.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.settings import get_settings
from app.web import csrf_for, request_locale

MAX_PAGES = 512
MAX_PRIVATE_BYTES = 64 * 1024 * 1024  # private pages kept per process, in all

_pages: OrderedDict[tuple[str, str], tuple[float, int, bytes]] = OrderedDict()
_building: set[tuple[str, str]] = set()  # public pages being built again right now
_private: OrderedDict[tuple[object, ...], tuple[float, bytes, bytes]] = OrderedDict()
_private_bytes = 0
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
    same path and language — or less than twice that ago while another request is building
    it again. Only 200 responses are kept."""
    if not cacheable(request, user):
        return build()
    key = (request.url.path, request_locale(request))
    seconds = get_settings().public_page_seconds
    now = time.monotonic()
    with _lock:
        hit = _pages.get(key)
        fresh = hit is not None and hit[0] > now
        stale = hit is not None and key in _building and hit[0] + seconds > now
        builder = not fresh and not stale and key not in _building
        if builder:
            _building.add(key)
    if hit is not None and (fresh or stale):
        return HTMLResponse(hit[2], status_code=hit[1])
    try:
        response = build()
        if response.status_code == 200 and isinstance(response.body, bytes):
            with _lock:
                _pages[key] = (time.monotonic() + seconds, 200, response.body)
                _pages.move_to_end(key)
                while len(_pages) > MAX_PAGES:
                    _pages.popitem(last=False)
    finally:
        if builder:
            with _lock:
                _building.discard(key)
    return response


def private_page(
    request: Request,
    *,
    reader: object,
    stamp: object,
    build: Callable[[], Response],
    allowed: tuple[str, ...] = (),
) -> Response:
    """``build()``'s page, or the one built for the same ``reader`` and ``stamp`` (and path,
    query and language) less than ``private_page_seconds`` ago, with the reader's CSRF
    token. Only 200 HTML responses are kept."""
    if not _private_ok(request, allowed):
        return build()
    path, query, locale = request.url.path, str(request.query_params), request_locale(request)
    key: tuple[object, ...] = ("html", path, query, locale, reader, stamp)
    token = csrf_for(request).encode()
    hit = _recall(key)
    if hit is not None:
        return HTMLResponse(hit[0].replace(hit[1], token) if hit[1] else hit[0])
    response = build()
    if response.status_code == 200 and isinstance(response.body, bytes):
        _keep(key, response.body, token if token in response.body else b"")
    return response


def private_json(
    request: Request, *, reader: object, stamp: object, build: Callable[[], bytes]
) -> Response:
    """The JSON ``build()`` makes, or the one made for the same ``reader`` and ``stamp`` (and
    path and query) less than ``private_page_seconds`` ago."""
    if not _private_ok(request, tuple(request.query_params)):
        return Response(build(), media_type="application/json")
    key = ("json", request.url.path, str(request.query_params), reader, stamp)
    hit = _recall(key)
    if hit is not None:
        return Response(hit[0], media_type="application/json")
    body = build()
    _keep(key, body, b"")
    return Response(body, media_type="application/json")


def _private_ok(request: Request, allowed: tuple[str, ...]) -> bool:
    return (
        get_settings().private_page_seconds > 0
        and request.method == "GET"
        and all(name in ("lang", *allowed) for name in request.query_params)
    )


def _recall(key: tuple[object, ...]) -> tuple[bytes, bytes] | None:
    with _lock:
        hit = _private.get(key)
        if hit is None or hit[0] <= time.monotonic():
            return None
        _private.move_to_end(key)
        return hit[1], hit[2]


def _keep(key: tuple[object, ...], body: bytes, token: bytes) -> None:
    global _private_bytes
    # 80-100 % of the time: copies made at the same moment (a delegation opening the app
    # together) are not all built again at the same moment either
    expires = time.monotonic() + get_settings().private_page_seconds * random.uniform(0.8, 1.0)
    with _lock:
        old = _private.pop(key, None)
        _private_bytes -= len(old[1]) if old else 0
        _private[key] = (expires, body, token)
        _private_bytes += len(body)
        while _private_bytes > MAX_PRIVATE_BYTES and _private:
            _private_bytes -= len(_private.popitem(last=False)[1][1])


def forget() -> None:
    """Drop every remembered page (tests)."""
    global _private_bytes
    with _lock:
        _pages.clear()
        _building.clear()
        _private.clear()
        _private_bytes = 0
