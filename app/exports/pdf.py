"""Printed agendas, table door sheets and the master grid, rendered with WeasyPrint.

Speed matters (the organiser prints 500 agendas the evening before): the print stylesheet
is parsed once per thread, fonts are configured once per thread, and many sheets go into one
HTML document. WeasyPrint never fetches anything but data: URIs and the app's own static
files, whatever ends up in the HTML.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import segno
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from app.exports.views import (
    EventView,
    GridView,
    MeetingView,
    PersonAgendaView,
    SlotView,
    TableSheetView,
    country_name,
    language_name,
)
from app.i18n import format_date, gettext_for, pick_locale
from app.i18n.documents import LANG_ATTRIBUTE, second_text
from app.settings import PROJECT_ROOT

log = logging.getLogger("ketnoi.exports")

MEDIA_TYPE = "application/pdf"
TEMPLATES = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
GRID_SLOTS_PER_PAGE = 10  # more columns than this get too narrow for two names per cell

ProgressCallback = Callable[[int, int], None]


# ---- URL fetcher ---------------------------------------------------------------------------


class RefusedURL(URLFetchingError):
    """A URL outside what print documents may load. Not fatal for WeasyPrint: the resource
    is left out and the document is still printed."""


class SafeURLFetcher(URLFetcher):
    """Serves data: URIs and files under the app's static folder; refuses everything else
    (http, https, ftp, file: outside static/, ../ tricks), so that nothing in user data can
    make the server call out or read its own files."""

    def __init__(self, static_dir: Path | None = STATIC_DIR) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.static_dir = static_dir.resolve() if static_dir and static_dir.is_dir() else None

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self.static_dir is not None:
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise RefusedURL(f"refused to fetch {url[:200]}")
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if path.is_relative_to(self.static_dir) and path.is_file():
                return URLFetcherResponse(path.as_uri(), path.read_bytes())
        log.warning("print document tried to fetch %s: refused", url[:200])
        raise RefusedURL(f"refused to fetch {url[:200]}")


# ---- template helpers ----------------------------------------------------------------------


# The second language of the document being rendered (app.i18n.documents): English unless
# render_agendas sets the delegate's own for their agenda.
_SECOND: ContextVar[str] = ContextVar("print_second_language", default="en")


def both(message: str) -> Markup:
    """'Lịch gặp / Meeting schedule': the Vietnamese text, then the second language (English,
    or the delegate's Chinese, Japanese or Korean: 'Lịch gặp / 面談スケジュール')."""
    vi = gettext_for("vi").gettext(message)
    second = _SECOND.get()
    other = second_text(message, second)
    if vi == message and other == message:
        return Markup("{}").format(message)
    return Markup('{} <span class="en" lang="{}">/ {}</span>').format(
        vi, LANG_ATTRIBUTE.get(second, "en"), other
    )


def _identity(message: str) -> str:
    # N_() in templates marks a msgid for extraction; both() translates it.
    return message


def _time_range(meeting: MeetingView, event: EventView) -> str:
    zone = event.zone
    return f"{meeting.starts_at.astimezone(zone):%H:%M}–{meeting.ends_at.astimezone(zone):%H:%M}"


def _slot_time(slot: SlotView, event: EventView) -> str:
    zone = event.zone
    return f"{slot.starts_at.astimezone(zone):%H:%M}–{slot.ends_at.astimezone(zone):%H:%M}"


def _day(value: datetime, event: EventView, locale: str) -> str:
    return format_date(value.astimezone(event.zone).date(), locale)


def _date_range(event: EventView, locale: str) -> str:
    first = format_date(event.start_date, locale)
    if event.end_date == event.start_date:
        return first
    return f"{first} – {format_date(event.end_date, locale)}"


@lru_cache(maxsize=4096)
def qr_data_uri(code: str) -> str:
    """The check-in code as an SVG QR code (vector: sharp on any printer, a few hundred
    bytes)."""
    return str(segno.make_qr(code, error="m").svg_data_uri(scale=4, border=2))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        {
            "both": both,
            "N_": _identity,
            "country": country_name,
            "language": language_name,
            "day": _day,
            "time_range": _time_range,
            "slot_time": _slot_time,
            "date_range": _date_range,
            "qr": qr_data_uri,
        }
    )
    return env


def render_html(template: str, **context: Any) -> str:
    """The HTML a print document is made from (also handy to look at in a browser)."""
    return _environment().get_template(f"pdf/{template}").render(**context)


# ---- WeasyPrint ----------------------------------------------------------------------------


class _Renderer(threading.local):
    """Fonts and the parsed stylesheet, per thread: WeasyPrint's font configuration is not
    meant to be shared between threads, and building it costs more than a small agenda."""

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        self.fetcher = SafeURLFetcher()
        self.stylesheet = CSS(
            filename=str(TEMPLATES / "pdf" / "print.css"),
            font_config=self.fonts,
            url_fetcher=self.fetcher,
        )


_renderer = _Renderer()


def _document(html: str) -> Document:
    base = STATIC_DIR.as_uri() + "/" if STATIC_DIR.is_dir() else None
    return HTML(string=html, base_url=base, url_fetcher=_renderer.fetcher).render(
        font_config=_renderer.fonts,
        stylesheets=[_renderer.stylesheet],
        presentational_hints=False,
    )


def _write(document: Document) -> bytes:
    pdf = document.write_pdf(uncompressed_pdf=False, optimize_images=False)
    assert isinstance(pdf, bytes)
    return pdf


def _pdf(template: str, **context: Any) -> bytes:
    return _write(_document(render_html(template, **context)))


def _title(event: EventView, what: str) -> str:
    return f"{event.title.pick('vi')} – {gettext_for('vi').gettext(what)}"


# ---- public renderers ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cover:
    name: str
    members: tuple[PersonAgendaView, ...]


@dataclass(frozen=True, slots=True)
class _Item:
    agenda: PersonAgendaView | None = None
    cover: _Cover | None = None


def render_personal_agenda(event: EventView, agenda: PersonAgendaView) -> bytes:
    """One participant's agenda: A4 portrait, bilingual headings, check-in QR code."""
    return render_agendas(event, [agenda])


def render_agendas(
    event: EventView,
    agendas: Iterable[PersonAgendaView],
    *,
    by_delegation: bool = False,
    progress: ProgressCallback | None = None,
) -> bytes:
    """Every agenda in one PDF, each person from a new page, in the order given; with
    ``by_delegation`` grouped by delegation (people without one last), each group opened by
    a cover sheet listing its members, for handing the pile to the head of delegation.

    Pages are numbered per person ("1/2"), so a loose page finds its way back. ``progress``
    is called with (people done, people in all) as the work advances."""
    people = list(agendas)
    items = _items(people, by_delegation)
    title = _title(event, "Meeting schedule")
    pieces = [
        _Piece(
            "agendas.html",
            {
                "event": event,
                "items": [item],
                "locale": item.agenda.language if item.agenda else "vi",
                "title": title,
            },
            item.agenda.second if item.agenda else "en",
        )
        for item in items
    ] or [_Piece("agendas.html", {"event": event, "items": [], "locale": "vi", "title": title})]
    counted = [1 if item.agenda is not None else 0 for item in items]

    def done(pieces_done: int) -> None:
        if progress is not None:
            progress(sum(counted[:pieces_done]), len(people))

    return _render_pieces(pieces, done)


# Documents laid out at once in one process (about 2 MB of memory each), and the fewest a
# print needs before its parts are laid out in several processes side by side.
PART_SIZE = 100
PARALLEL_FROM = 60


@dataclass(frozen=True, slots=True)
class _Piece:
    """One document of a print: its own page numbers ("1/2" per person or per table)."""

    template: str
    context: dict[str, Any]
    second: str = "en"


def _lay_out(piece: _Piece) -> Document:
    with second_language(piece.second):
        return _document(render_html(piece.template, **piece.context))


def _render_part(pieces: Sequence[_Piece]) -> bytes:
    """Lay out ``pieces`` and write them as one PDF part sharing the embedded fonts."""
    return _joined([_lay_out(piece) for piece in pieces])


def _render_pieces(pieces: Sequence[_Piece], done: Callable[[int], None] | None = None) -> bytes:
    """The pieces as one PDF, in order. Each is its own document (so counter(page) and
    counter(pages) count that person's or that table's pages); they are joined into parts of
    at most PART_SIZE, and the parts into the file: laid-out pages are dropped part by part,
    so memory stays flat (1,500 agendas held at once took 3.5 GB). A long print lays its parts
    out in ``print_processes`` processes side by side (each about 150 ms of CPU per page)."""
    from app.settings import get_settings

    processes = min(get_settings().print_processes, os.cpu_count() or 1)
    if processes < 2 or len(pieces) < PARALLEL_FROM:
        parts: list[bytes] = []
        documents: list[Document] = []
        for n, piece in enumerate(pieces, start=1):
            documents.append(_lay_out(piece))
            if len(documents) >= PART_SIZE:
                parts.append(_joined(documents))
                documents = []
            if done is not None and (n % 10 == 0 or n == len(pieces)):
                done(n)
        if documents:
            parts.append(_joined(documents))
        return _merged(parts)
    # at least two parts per process, so that no process waits long for the last one
    size = max(1, min(PART_SIZE, -(-len(pieces) // (2 * processes))))
    chunks = [list(pieces[i : i + size]) for i in range(0, len(pieces), size)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_render_part, chunk) for chunk in chunks]
        parts = []
        for n, future in enumerate(futures, start=1):
            parts.append(future.result())
            if done is not None:
                done(min(n * size, len(pieces)))
    return _merged(parts)


def _joined(documents: Sequence[Document]) -> bytes:
    return _write(documents[0].copy([page for document in documents for page in document.pages]))


def _merged(parts: Sequence[bytes]) -> bytes:
    """One PDF of the parts' pages, in order, with the first part's title and outline."""
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(BytesIO(part)))
    first = PdfReader(BytesIO(parts[0])).metadata
    if first:
        writer.add_metadata({key: str(value) for key, value in first.items()})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _items(people: Sequence[PersonAgendaView], by_delegation: bool) -> list[_Item]:
    if not by_delegation:
        return [_Item(agenda=a) for a in people]
    groups: dict[str, list[PersonAgendaView]] = {}
    for agenda in people:
        groups.setdefault(agenda.delegation, []).append(agenda)
    items: list[_Item] = []
    for name in sorted(groups, key=lambda n: (n == "", n.casefold())):
        members = tuple(sorted(groups[name], key=lambda a: a.full_name.casefold()))
        if name:
            items.append(_Item(cover=_Cover(name=name, members=members)))
        items.extend(_Item(agenda=a) for a in members)
    return items


def render_table_sheets(
    event: EventView,
    sheets: Iterable[TableSheetView],
    *,
    locale: str = "vi",
    second: str = "en",
) -> bytes:
    """One door sheet per table: the big table number and its meetings by time; headings in
    Vietnamese and ``second`` (English, or the visiting delegation's language)."""
    ordered = sorted(sheets, key=lambda s: s.table_number)
    context = {"event": event, "locale": pick_locale(locale), "title": _title(event, "Table")}
    # each table its own document: its pages are numbered "1/2" for that table
    pieces = [_Piece("tables.html", {**context, "sheets": [sheet]}, second) for sheet in ordered]
    return _render_pieces(pieces or [_Piece("tables.html", {**context, "sheets": []}, second)])


@contextmanager
def second_language(code: str) -> Iterator[None]:
    """Render the documents inside with headings in Vietnamese and ``code``."""
    token = _SECOND.set(code if code in LANG_ATTRIBUTE else "en")
    try:
        yield
    finally:
        _SECOND.reset(token)


@dataclass(frozen=True, slots=True)
class _GridPart:
    grid: GridView
    slots: tuple[SlotView, ...]
    cells: dict[tuple[int, int], MeetingView]


def render_grid(
    event: EventView, grids: Iterable[GridView], *, locale: str = "vi", second: str = "en"
) -> bytes:
    """The master grid of each matchmaking session: A4 landscape, a row per table, a column
    per slot, the header row repeated on every page. Sessions with many slots are split
    into several column bands, each with its own header."""
    parts: list[_GridPart] = []
    for grid in grids:
        cells = grid.cells()
        for start in range(0, max(len(grid.slots), 1), GRID_SLOTS_PER_PAGE):
            band = grid.slots[start : start + GRID_SLOTS_PER_PAGE]
            parts.append(_GridPart(grid=grid, slots=band, cells=cells))
    with second_language(second):
        return _pdf(
            "grid.html",
            event=event,
            parts=parts,
            locale=pick_locale(locale),
            title=_title(event, "Master grid"),
        )


__all__ = [
    "MEDIA_TYPE",
    "RefusedURL",
    "SafeURLFetcher",
    "both",
    "qr_data_uri",
    "render_agendas",
    "render_grid",
    "render_html",
    "render_personal_agenda",
    "render_table_sheets",
]
