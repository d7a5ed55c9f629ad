"""Babel catalogs (Vietnamese first, English second) and display formatting.

Message ids are English; ``vi`` is the default locale. Catalogs are read from the ``.po``
files at start-up (no compile step to forget on a new machine or in the image).
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import get_timezone_gmt, get_timezone_location
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALE_DIR = Path(__file__).parent / "locales"


def catalog_files(locale: str) -> list[Path]:
    """``messages.po`` first, then any per-area catalogs (``<area>.po``) beside it."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    main = folder / "messages.po"
    extra = sorted(p for p in folder.glob("*.po") if p != main)
    return ([main] if main.exists() else []) + extra


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext.NullTranslations:
    """One catalog of every ``.po`` file of ``locale``: where two give the same message, the
    first (``messages.po``, then by name) that translates it wins. Merged into one table, not
    chained as fallbacks: a message of the last of 22 files was looked up 22 times (a page of
    "My meetings" made 740 lookups, 1.5 ms)."""
    files = catalog_files(locale)
    if not files:
        return gettext.NullTranslations()
    catalogs: list[Catalog] = []
    for po_path in files:
        with po_path.open("rb") as handle:
            catalogs.append(read_po(handle, locale=locale))
    merged = catalogs[0]
    for catalog in catalogs[1:]:
        for message in catalog:
            if not message.id:
                continue  # the header
            known = merged.get(message.id, context=message.context)
            if known is None or not known.string or known.fuzzy:
                merged[message.id] = message
    buffer = BytesIO()
    write_mo(buffer, merged, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def pick_locale(*candidates: str | None) -> str:
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.strip().lower()[:2]
        if code in LOCALES:
            return code
    return DEFAULT_LOCALE


def locale_from_accept_language(header: str | None) -> str | None:
    """The first of our locales named in an Accept-Language header, honouring q-values."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag[:2] in LOCALES and quality > 0:
            ranked.append((-quality, position, tag[:2]))
    return min(ranked)[2] if ranked else None


def gettext_for(locale: str) -> gettext.NullTranslations:
    return translations(pick_locale(locale))


DATETIME_PATTERN = "EEEE, dd/MM/yyyy HH:mm"
DATE_PATTERN = "EEEE, dd/MM/yyyy"


def format_datetime(value: datetime, zone: str | ZoneInfo, locale: str) -> str:
    """'Thứ Hai, 20/05/2024 14:00' in Vietnamese, 'Monday, 20/05/2024 14:00' in English."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return _babel_datetime(value.astimezone(tz), DATETIME_PATTERN, locale=pick_locale(locale))


def format_date(value: date, locale: str) -> str:
    return _babel_date(value, DATE_PATTERN, locale=pick_locale(locale))


def format_time(value: datetime, zone: str | ZoneInfo) -> str:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return value.astimezone(tz).strftime("%H:%M")


def format_zone(zone: str | ZoneInfo, locale: str) -> str:
    """A time zone as people say it: "Giờ Việt Nam (GMT+07:00)", not "Asia/Ho_Chi_Minh"."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    offset = get_timezone_gmt(datetime.now(tz), locale=pick_locale(locale))
    if str(tz) in ("UTC", "Etc/UTC"):
        return f"UTC ({offset})"
    name = get_timezone_location(tz, locale=pick_locale(locale))
    return f"{name} ({offset})"


def format_number(value: float | int, locale: str) -> str:
    return format_decimal(value, locale=pick_locale(locale))
