"""Absolute links: every address a person receives outside the pages (e-mails, calendar feeds,
``webcal://`` buttons, QR codes) is built here from the one ``KETNOI_BASE_URL`` setting."""

from __future__ import annotations

from urllib.parse import urlencode

from app.settings import get_settings


def base_url() -> str:
    """The public address that serves the product, without a trailing slash."""
    return get_settings().base_url.rstrip("/")


def absolute_url(path: str, **query: str | int) -> str:
    """``/events/1`` -> ``https://ketnoi.example.vn/events/1`` (with an optional query)."""
    if not path.startswith("/"):
        path = "/" + path
    url = base_url() + path
    if query:
        url += ("&" if "?" in path else "?") + urlencode(query)
    return url
