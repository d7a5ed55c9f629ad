"""The organiser's report: figures, charts, a bilingual PDF for leadership and an XLSX export.

A pure layer: it takes a ``ReportView`` of plain numbers (built by the caller from
``event_stats``) and rows of plain values, and never touches the database. The page and the
PDF include the same body fragment with the same server-drawn SVG charts (pygal), so that what
the organiser sees is what leadership receives. Charts are self-contained: no script, no web
font, no URL, and byte-identical for the same figures (the PDF and caches rely on that).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import jinja2
import pygal
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pygal.style import Style
from sqlmodel import Session
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from app.events import service as events
from app.events.models import Event
from app.exports.pdf import STATIC_DIR, TEMPLATES, SafeURLFetcher
from app.exports.views import Bilingual, country_name
from app.i18n import format_date, gettext_for, pick_locale
from app.imports.spreadsheets import HEADER_FILL
from app.outcomes import stats as stats_service
from app.types import pk, utcnow
from app.vocab import COUNTRIES, ORGANISATION_KINDS, SECTORS, Label

if TYPE_CHECKING:  # only for the adapter's signature: importing it would pull in the models
    from app.outcomes.stats import EventStats

PDF_MEDIA_TYPE = "application/pdf"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    return message


# ---- the view -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingFigures:
    """Meeting requests and meetings, as ``app.outcomes.stats`` defines them: ``requested``
    every request sent, ``accepted`` / ``declined`` their answers; ``booked`` the meetings
    holding a slot and a table; ``held`` and ``no_show`` what happened on the day."""

    requested: int = 0
    accepted: int = 0
    declined: int = 0
    booked: int = 0
    held: int = 0
    no_show: int = 0
    cancelled: int = 0
    # Of ``booked``, those that answer a request, and meetings organisers proposed without
    # one: the funnel narrows requests → accepted → booked from requests (None: all booked).
    booked_from_requests: int | None = None
    by_organisers: int = 0
    # The caller's own figure wins (so page, API and PDF agree); otherwise the same rule as
    # event_stats: accepted / (accepted + declined), None while nobody has answered.
    acceptance_rate: float | None = None

    def rate(self) -> float | None:
        if self.acceptance_rate is not None:
            return self.acceptance_rate
        answered = self.accepted + self.declined
        return self.accepted / answered if answered else None


@dataclass(frozen=True, slots=True)
class DelegationMeetings:
    """Meetings (not cancelled) with a member of the delegation, and how many were held."""

    meetings: int = 0
    held: int = 0


@dataclass(frozen=True, slots=True)
class RatingFigures:
    count: int = 0
    average: float | None = None
    distribution: Mapping[int, int] = field(default_factory=dict)  # rating 1–5 -> n


@dataclass(frozen=True, slots=True)
class AgreementKindFigures:
    count: int = 0
    values: Mapping[str, Decimal] = field(default_factory=dict)  # ISO 4217 currency -> total


@dataclass(frozen=True, slots=True)
class CeremonyItem:
    """One signing on the day's ceremony list, in the order of signing."""

    order: int | None
    title: Bilingual
    parties: tuple[str, ...]  # as written by the parties, any script: 台灣精密股份有限公司
    kind: str = ""


@dataclass(frozen=True, slots=True)
class ReportView:
    title: Bilingual
    start_date: date
    end_date: date
    venue: str = ""
    organiser_unit: str = ""
    participants: int = 0  # approved participants; 0 means "the sum of by_country"
    participants_by_country: Mapping[str, int] = field(default_factory=dict)  # ISO alpha-2
    participants_by_kind: Mapping[str, int] = field(default_factory=dict)  # organisation kind
    checked_in: int = 0
    meetings: MeetingFigures = field(default_factory=MeetingFigures)
    meetings_by_sector: Mapping[str, int] = field(default_factory=dict)  # vocab.SECTORS code
    meetings_counted: int = 0  # meetings not cancelled: the base of the sector shares
    meetings_by_country: Mapping[str, int] = field(default_factory=dict)  # ISO alpha-2
    meetings_by_country_pair: Mapping[str, int] = field(default_factory=dict)  # "TW-VN"
    meetings_by_delegation: Mapping[str, DelegationMeetings] = field(default_factory=dict)
    ratings: RatingFigures = field(default_factory=RatingFigures)
    agreements_by_kind: Mapping[str, AgreementKindFigures] = field(default_factory=dict)
    agreements_by_status: Mapping[str, int] = field(default_factory=dict)
    ceremony: tuple[CeremonyItem, ...] = ()
    # Labels for agreement kinds and statuses (or any code) this module does not know.
    labels: Mapping[str, Bilingual] = field(default_factory=dict)
    as_of: date | None = None  # "figures as of": printed on the report

    @property
    def participant_total(self) -> int:
        return self.participants or sum(self.participants_by_country.values())

    @property
    def agreement_total(self) -> int:
        return sum(k.count for k in self.agreements_by_kind.values())


def event_report_view(session: Session, event: Event) -> ReportView:
    """The report of an event as of today (in the event's time zone)."""
    stats = stats_service.event_stats(session, event_id=pk(event))
    today = utcnow().astimezone(events.event_zone(event)).date()
    return view_from_stats(
        stats,
        title=Bilingual(event.title_vi, event.title_en),
        start_date=event.start_date,
        end_date=event.end_date,
        venue=event.venue,
        organiser_unit=event.organiser_unit,
        as_of=today,
    )


def view_from_stats(
    stats: EventStats,
    *,
    title: Bilingual,
    start_date: date,
    end_date: date,
    venue: str = "",
    organiser_unit: str = "",
    as_of: date | None = None,
) -> ReportView:
    """The report's view of ``app.outcomes.stats.event_stats`` (duck-typed: this module stays
    importable and testable without the database layer)."""
    r, m, a = stats.requests, stats.meetings, stats.agreements
    return ReportView(
        title=title,
        start_date=start_date,
        end_date=end_date,
        venue=venue,
        organiser_unit=organiser_unit,
        participants=stats.participants,
        participants_by_country={c.key: c.count for c in stats.participants_by_country},
        participants_by_kind={c.key: c.count for c in stats.participants_by_organisation_kind},
        checked_in=stats.checkins.checked_in,
        meetings=MeetingFigures(
            requested=r.created,
            accepted=r.accepted,
            declined=r.declined,
            booked=m.booked,
            booked_from_requests=m.booked_from_requests,
            by_organisers=m.by_organisers,
            held=m.held,
            no_show=m.no_show,
            cancelled=m.cancelled,
            acceptance_rate=r.acceptance_rate,
        ),
        meetings_by_sector={g.key: g.meetings for g in stats.meetings_by_sector},
        meetings_counted=stats.meetings_counted,
        meetings_by_country={g.key: g.meetings for g in stats.meetings_by_country},
        meetings_by_country_pair={g.key: g.meetings for g in stats.meetings_by_country_pair},
        meetings_by_delegation={
            g.label: DelegationMeetings(meetings=g.meetings, held=g.held)
            for g in stats.meetings_by_delegation
        },
        ratings=RatingFigures(
            count=stats.ratings.rated,
            average=stats.ratings.average,
            distribution={int(c.key): c.count for c in stats.ratings.distribution},
        ),
        agreements_by_kind={
            k.kind: AgreementKindFigures(
                count=k.count, values={v.currency: v.value for v in k.values}
            )
            for k in a.by_kind
        },
        agreements_by_status={c.key: c.count for c in a.by_status},
        ceremony=tuple(
            CeremonyItem(
                order=c.order,
                title=Bilingual(c.title_vi, c.title_en),
                parties=tuple(c.parties),
                kind=c.kind,
            )
            for c in a.ceremony
        ),
        as_of=as_of,
    )


# ---- labels ---------------------------------------------------------------------------------

# The codes of app.outcomes.models (AgreementKind, AgreementStatus), named as Vietnamese
# administrative writing and the 2017 Law on Technology Transfer name them.
AGREEMENT_KINDS: dict[str, Label] = {
    "mou": Label("Biên bản ghi nhớ (MoU)", "Memorandum of understanding (MoU)"),
    "nda": Label("Thoả thuận bảo mật (NDA)", "Non-disclosure agreement (NDA)"),
    "cooperation": Label("Thoả thuận hợp tác", "Cooperation agreement"),
    "supply_contract": Label("Hợp đồng cung ứng", "Supply contract"),
    "technology_transfer": Label("Hợp đồng chuyển giao công nghệ", "Technology transfer contract"),
    "other": Label("Khác", "Other"),
}

AGREEMENT_STATUSES: dict[str, Label] = {
    "planned": Label("Dự kiến ký", "Planned"),
    "signed": Label("Đã ký", "Signed"),
    "in_progress": Label("Đang triển khai", "In progress"),
    "completed": Label("Đã hoàn thành", "Completed"),
    "cancelled": Label("Đã hủy", "Cancelled"),
}

# Vietnamese documents name Taiwan "Đài Loan (Trung Quốc)"; vocab has the forms used here,
# Babel the rest.
_UNKNOWN = Label("Chưa rõ", "Unknown")


def _pair(table: Mapping[str, Label], code: str, labels: Mapping[str, Bilingual]) -> Label:
    given = labels.get(code)
    if given:
        return Label(given.vi or given.en, given.en or given.vi)
    if code in table:
        return table[code]
    if not code:
        return _UNKNOWN
    plain = code.replace("_", " ").capitalize()
    return Label(plain, plain)


def _country_pair(code: str) -> Label:
    if not code:
        return _UNKNOWN
    if code.upper() in COUNTRIES:
        return COUNTRIES[code.upper()]
    return Label(country_name(code, "vi"), country_name(code, "en"))


def _pick(pair: Label, locale: str) -> str:
    return pair.en if pick_locale(locale) == "en" else pair.vi


def _ranked(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    # Largest first; ties by code so that the order (and the SVG bytes) never vary.
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# ---- charts ---------------------------------------------------------------------------------

# Noto Sans carries every Vietnamese diacritic; the CJK faces catch delegation names. The same
# list as print.css, so that browser and WeasyPrint pick the same faces.
CHART_FONT = (
    '"Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", '
    '"Noto Sans CJK KR", sans-serif'
)
BLUE = "#0b4f8a"
GREEN = "#2e7d4f"
RED = "#a40000"
GREY = "#8a96a3"
AMBER = "#c77700"
CHART_WIDTH = 720

_STYLE = Style(
    font_family=CHART_FONT,
    background="transparent",
    plot_background="transparent",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=(BLUE, GREEN, AMBER, RED, GREY),
    opacity="0.9",
    opacity_hover="0.9",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    value_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    no_data_font_size=16,
    guide_stroke_color="#d5dbe1",
    major_guide_stroke_color="#d5dbe1",
    transition="0s",
)

CHART_NAMES = ("countries", "funnel", "sectors", "country_pairs", "ratings", "agreements")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_URL = re.compile(r"(?:https?|ftp)://[^\s\"'<>)]+|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


def _localname(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _cleaner(
    heading: str, horizontal: bool
) -> Callable[[ElementTree.Element], ElementTree.Element]:
    """An xml filter for pygal: drop the comments (they carry pygal's URLs and today's date,
    which would change the bytes every day), the scripts (the config blob and any CDN
    reference) and the tooltip <desc> texts nothing reads without the script; give the chart
    a proper accessible title."""

    def clean(root: ElementTree.Element) -> ElementTree.Element:
        for parent in list(root.iter()):
            for child in list(parent):
                name = _localname(child.tag)
                if not isinstance(child.tag, str) or name in ("script", "desc"):
                    parent.remove(child)
                elif name == "title" and parent is root:
                    child.text = heading
                elif horizontal and name == "text" and "value" in child.get("class", "").split():
                    # pygal centres the value on the end of the bar, half over it: start it
                    # just past the end, where it reads on white.
                    child.set("text-anchor", "start")
        root.set("role", "img")
        root.set("aria-label", heading)
        return root

    return clean


def _render(chart: Any, name: str, heading: str, *, horizontal: bool = False) -> Markup:
    # A fixed id instead of pygal's uuid4: the charts' CSS is scoped by it, so it must differ
    # between the charts of one page but not between two renders of the same figures.
    chart.uuid = f"report-{name}"
    chart.add_xml_filter(_cleaner(heading, horizontal))
    svg = chart.render(is_unicode=True)
    assert isinstance(svg, str)
    stray = [u for u in _URL.findall(svg) if u.rstrip("/") not in (SVG_NS, XLINK_NS)]
    if stray:  # a pygal upgrade that starts linking somewhere must not pass silently
        raise RuntimeError(f"chart {name} refers to {stray[:3]}")
    return Markup(svg)


def _ticks(top: float) -> list[int] | None:
    """Whole-number value ticks (counts have no fractions): at most six, from 0."""
    if not top:
        return None
    step = max(1, -(-int(top) // 5))
    return list(range(0, int(top) + 1, step))


def _config(locale: str, values: Sequence[int], **extra: Any) -> dict[str, Any]:
    top = max(values, default=0)
    return {
        "y_labels": _ticks(max(top * 1.15, top + 1)),
        "style": _STYLE,
        "js": [],  # pygal's default loads kozea's tooltip script from a CDN
        "disable_xml_declaration": True,  # for inline embedding in HTML
        "width": CHART_WIDTH,
        "show_legend": False,
        "print_values": True,
        "print_values_position": "top",
        "print_zeroes": True,
        "truncate_label": -1,  # whole country and sector names: no "Chế biến thực…"
        "margin": 8,
        "spacing": 8,
        "min_scale": 1,
        "max_scale": 6,
        # Headroom past the longest bar for its printed value.
        "range": (0, max(top * 1.15, top + 1)) if top else None,
        "value_formatter": lambda v: format_decimal(v, locale=locale),
        "no_data_text": gettext_for(locale).gettext("No data"),
        "tooltip_fancy_mode": False,
        **extra,
    }


def _horizontal(
    rows: Sequence[tuple[str, int, str]], locale: str, name: str, heading: str
) -> Markup:
    # pygal draws a horizontal bar chart bottom-up: reverse, so that the first is on top.
    rows = list(reversed(rows))
    chart = pygal.HorizontalBar(
        **_config(
            locale,
            [r[1] for r in rows],
            height=max(60 + 34 * len(rows), 130),
            x_labels=[r[0] for r in rows],
        )
    )
    values: list[dict[str, Any] | None] = [{"value": n, "color": c} for _, n, c in rows]
    chart.add(heading, values or [None])  # [None]: pygal's "no data" instead of an error
    return _render(chart, name, heading, horizontal=True)


def _vertical(
    rows: Sequence[tuple[str, int, str]], locale: str, name: str, heading: str, width: int
) -> Markup:
    chart = pygal.Bar(
        **_config(
            locale, [r[1] for r in rows], width=width, height=260, x_labels=[r[0] for r in rows]
        )
    )
    chart.add(heading, [{"value": n, "color": color} for _, n, color in rows])
    return _render(chart, name, heading)


def charts(view: ReportView, locale: str) -> dict[str, Markup]:
    """The report's charts as inline SVG, keyed by CHART_NAMES, labels in ``locale``."""
    locale = pick_locale(locale)
    t = gettext_for(locale).gettext
    m = view.meetings
    countries = [
        (_pick(_country_pair(c), locale), n, BLUE) for c, n in _ranked(view.participants_by_country)
    ]
    sectors = [
        (_pick(_pair(SECTORS, c, view.labels), locale), n, GREEN)
        for c, n in _ranked(view.meetings_by_sector)
    ]
    country_pairs = [
        (" – ".join(_pick(_country_pair(c), locale) for c in key.split("-")), n, BLUE)
        for key, n in _ranked(view.meetings_by_country_pair)
    ]
    kinds = [
        (_pick(_pair(AGREEMENT_KINDS, c, view.labels), locale), f.count, BLUE)
        for c, f in sorted(view.agreements_by_kind.items(), key=lambda i: (-i[1].count, i[0]))
    ]
    funnel = [
        (t(N_("Requested")), m.requested, GREY),
        (t(N_("Accepted")), m.accepted, BLUE),
        (
            t(N_("Booked from requests")),
            m.booked if m.booked_from_requests is None else m.booked_from_requests,
            BLUE,
        ),
        (t(N_("Organiser proposals")), m.by_organisers, GREY),
        (t(N_("Held")), m.held, GREEN),
        (t(N_("No-show")), m.no_show, RED),
    ]
    # An event before its first request has nothing to funnel: say "no data", not five zeros.
    funnel = funnel if any(n for _, n, _ in funnel) else []
    distribution = view.ratings.distribution
    ratings = [(str(r), distribution.get(r, 0), AMBER) for r in range(1, 6)]
    ratings = ratings if view.ratings.count or any(n for _, n, _ in ratings) else []
    return {
        "countries": _horizontal(countries, locale, "countries", t(N_("Participants by country"))),
        "funnel": _horizontal(funnel, locale, "funnel", t(N_("From request to meeting"))),
        "sectors": _horizontal(sectors, locale, "sectors", t(N_("Meetings by sector"))),
        "country_pairs": _horizontal(
            country_pairs, locale, "country_pairs", t(N_("Meetings by country pair"))
        ),
        "ratings": _vertical(
            ratings, locale, "ratings", t(N_("Ratings of the meetings")), CHART_WIDTH // 2
        ),
        "agreements": _horizontal(kinds, locale, "agreements", t(N_("Agreements by kind"))),
    }


# ---- the report body (page and PDF) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    label: Markup
    cells: tuple[str | Markup, ...]


class _Text:
    """What the body template calls ``_``: the reader's language on the page; on paper the
    Vietnamese with the English under it (headings) or after a slash (table headers)."""

    def __init__(self, locale: str, bilingual: bool) -> None:
        self.locale = locale
        self.bilingual = bilingual
        self.vi = gettext_for("vi").gettext
        self.own = gettext_for(locale).gettext

    def __call__(self, message: str) -> Markup:
        if not self.bilingual:
            return Markup("{}").format(self.own(message))
        return _both(self.vi(message), message)


def _both(vi: str, en: str) -> Markup:
    if not en or vi == en:
        return Markup("{}").format(vi or en)
    return Markup('{}<span class="en"><span class="sep"> / </span>{}</span>').format(vi, en)


def _figures(view: ReportView, locale: str, bilingual: bool) -> dict[str, Any]:
    """The tables of the body, labelled and formatted, so the template only lays them out."""

    def num(value: float | int | Decimal) -> str:
        return format_decimal(value, locale=locale)

    def pct(part: int, whole: int) -> str:
        return format_percent(part / whole, locale=locale) if whole else "–"

    def name(pair: Label) -> Markup:
        return _both(pair.vi, pair.en) if bilingual else Markup("{}").format(_pick(pair, locale))

    total = view.participant_total
    by_country = [
        _Row(name(_country_pair(c)), (num(n), pct(n, total)))
        for c, n in _ranked(view.participants_by_country)
    ]
    by_kind = [
        _Row(name(_pair(ORGANISATION_KINDS, c, view.labels)), (num(n), pct(n, total)))
        for c, n in _ranked(view.participants_by_kind)
    ]
    # A share of the meetings (a meeting with two sectors counts in both), not of the tags.
    sector_total = view.meetings_counted or sum(view.meetings_by_sector.values())
    by_sector = [
        _Row(name(_pair(SECTORS, c, view.labels)), (num(n), pct(n, sector_total)))
        for c, n in _ranked(view.meetings_by_sector)
    ]
    # A meeting between two countries counts once for each of them.
    by_meeting_country = [
        _Row(name(_country_pair(c)), (num(n), pct(n, view.meetings_counted)))
        for c, n in _ranked(view.meetings_by_country)
    ]
    by_country_pair = [
        _Row(
            Markup(" – ").join(name(_country_pair(c)) for c in key.split("-")),
            (num(n), pct(n, view.meetings_counted)),
        )
        for key, n in _ranked(view.meetings_by_country_pair)
    ]
    delegations = sorted(
        view.meetings_by_delegation.items(), key=lambda i: (-i[1].meetings, -i[1].held, i[0])
    )
    by_delegation = [
        _Row(Markup("{}").format(d or "–"), (num(f.meetings), num(f.held))) for d, f in delegations
    ]
    kinds = sorted(view.agreements_by_kind.items(), key=lambda i: (-i[1].count, i[0]))
    by_agreement = [
        _Row(
            name(_pair(AGREEMENT_KINDS, c, view.labels)),
            (
                num(f.count),
                Markup("<br>").join(f"{num(v)} {cur}" for cur, v in sorted(f.values.items()))
                or "–",
            ),
        )
        for c, f in kinds
    ]
    by_status = [
        _Row(name(_pair(AGREEMENT_STATUSES, c, view.labels)), (num(n),))
        for c, n in _ranked(view.agreements_by_status)
    ]
    m = view.meetings
    rate = m.rate()
    meeting_rows = [
        (N_("Requested"), num(m.requested)),
        (N_("Accepted"), num(m.accepted)),
        (N_("Declined"), num(m.declined)),
        (N_("Booked"), num(m.booked)),
        (N_("Held"), num(m.held)),
        (N_("No-show"), num(m.no_show)),
        (N_("Cancelled"), num(m.cancelled)),
        (N_("Acceptance rate"), format_percent(rate, locale=locale) if rate is not None else "–"),
    ]
    values: dict[str, Decimal] = {}
    for f in view.agreements_by_kind.values():
        for cur, v in f.values.items():
            values[cur] = values.get(cur, Decimal(0)) + Decimal(v)
    average = view.ratings.average
    key = [
        (N_("Participants"), num(total)),
        (N_("Countries"), num(len([c for c in view.participants_by_country if c]))),
        (N_("Checked in"), num(view.checked_in)),
        (N_("Meetings held"), num(m.held)),
        (N_("Agreements"), num(view.agreement_total)),
        (
            N_("Average rating"),
            format_decimal(average, format="0.0", locale=locale) if average is not None else "–",
        ),
    ]
    return {
        "key": key,
        "by_country": by_country,
        "by_kind": by_kind,
        "by_sector": by_sector,
        "by_meeting_country": by_meeting_country,
        "by_country_pair": by_country_pair,
        "by_delegation": by_delegation,
        "by_agreement": by_agreement,
        "by_status": by_status,
        "meeting_rows": meeting_rows,
        "agreement_values": Markup("<br>").join(
            f"{num(v)} {cur}" for cur, v in sorted(values.items())
        ),
        "rating_count": num(view.ratings.count),
        "rating_average": key[-1][1],
        "rating_rows": [
            (str(r), num(view.ratings.distribution.get(r, 0))) for r in range(5, 0, -1)
        ],
    }


def _date_range(view: ReportView, locale: str) -> str:
    first = format_date(view.start_date, locale)
    if view.end_date == view.start_date:
        return first
    return f"{first} – {format_date(view.end_date, locale)}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def _body(view: ReportView, locale: str, *, bilingual: bool) -> Markup:
    locale = pick_locale(locale)
    template = _environment().get_template("outcomes/_report_body.html")
    html = template.render(
        _=_Text(locale, bilingual),
        view=view,
        charts=charts(view, locale),
        f=_figures(view, locale, bilingual),
        bilingual=bilingual,
        locale=locale,
    )
    return Markup(html)


def render_report_html(view: ReportView, locale: str) -> Markup:
    """The report body for the organiser's page, in ``locale``: key figures, charts and the
    figure tables. The PDF prints the same fragment (bilingual), so both show the same."""
    return _body(view, locale, bilingual=False)


# ---- PDF ------------------------------------------------------------------------------------


class _Renderer(threading.local):
    """Fonts and the parsed print stylesheet, once per thread (WeasyPrint's font
    configuration is not meant to be shared between threads)."""

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        self.fetcher = SafeURLFetcher()
        self.stylesheet = CSS(
            filename=str(TEMPLATES / "pdf" / "print.css"),
            font_config=self.fonts,
            url_fetcher=self.fetcher,
        )


_renderer = _Renderer()


def render_report_pdf(view: ReportView) -> bytes:
    """The report for leadership: A4 portrait, Vietnamese headings with English under them,
    the charts, the figure tables and the signing ceremony list, pages numbered "1/3"."""
    vi = gettext_for("vi").gettext
    html = (
        _environment()
        .get_template("pdf/report.html")
        .render(
            view=view,
            body=_body(view, "vi", bilingual=True),
            _=_Text("vi", True),
            dates=_date_range(view, "vi"),
            as_of=format_date(view.as_of, "vi") if view.as_of else "",
            title=f"{view.title.pick('vi')} – {vi('Results of the connection session')}",
        )
    )
    base = STATIC_DIR.as_uri() + "/" if STATIC_DIR.is_dir() else None
    document = HTML(string=html, base_url=base, url_fetcher=_renderer.fetcher).render(
        font_config=_renderer.fonts,
        stylesheets=[_renderer.stylesheet],
        presentational_hints=False,
    )
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# ---- XLSX -----------------------------------------------------------------------------------

# Suggested columns for the four sheets (English msgids; translated in outcomes_report.po).
SHEETS = (N_("Participants"), N_("Meetings"), N_("Feedback"), N_("Agreements"))
PARTICIPANT_COLUMNS = (
    N_("Full name"),
    N_("Organisation"),
    N_("Organisation kind"),
    N_("Country"),
    N_("Delegation"),
    N_("Role"),
    N_("Checked in at"),
)
MEETING_COLUMNS = (
    N_("Meeting"),
    N_("Date"),
    N_("Time"),
    N_("Table"),
    N_("Participants"),
    N_("Sector"),
    N_("Status"),
)
FEEDBACK_COLUMNS = (
    N_("Meeting"),
    N_("Participant"),
    N_("Held"),
    N_("Rating"),
    N_("Wants to continue"),
    N_("Next step"),
    N_("Comment"),
)
AGREEMENT_COLUMNS = (
    N_("Agreement"),
    N_("Kind of agreement"),
    N_("Parties"),
    N_("Signed on"),
    N_("Value"),
    N_("Currency"),
    N_("Status"),
)

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DATE_FORMAT = "dd/mm/yyyy"  # how Vietnamese offices write dates
_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _header(message: str) -> str:
    vi = gettext_for("vi").gettext(message)
    return message if vi == message else f"{vi} / {message}"


def _sheet_title(message: str, taken: set[str]) -> str:
    # "/" is not allowed in a sheet name and 31 characters is the limit: Vietnamese only.
    base = _SHEET_FORBIDDEN.sub(" ", gettext_for("vi").gettext(message)).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        title = f"{base[:27]} ({n})"
        n += 1
    taken.add(title.casefold())
    return title


def _cell_value(value: Any, zone: ZoneInfo) -> tuple[Any, str | None]:
    """A value Excel reads as itself: numbers as numbers, dates as dates (Excel knows no time
    zones: aware datetimes are shown in the event's zone)."""
    if isinstance(value, bool) or value is None:
        return value, None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return value, _DATE_FORMAT if value.time() == time(0) else _DATETIME_FORMAT
    if isinstance(value, date):
        return value, _DATE_FORMAT
    if isinstance(value, Decimal):
        return value, "#,##0" if value == value.to_integral_value() else "#,##0.00"
    if isinstance(value, int | float):
        return value, None
    if isinstance(value, Bilingual):
        return value.pick("vi"), None
    return str(value), None


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 11
    return max((len(line) for line in str(value).splitlines()), default=0)


def report_xlsx(
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
    *,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> bytes:
    """One sheet per table of underlying rows: {sheet msgid: (header msgids, rows)}.

    Sheet names in Vietnamese, headers "Vietnamese / English", bold frozen header row with an
    auto-filter, widths fitted to the content; dates as real dates, numbers as numbers
    (currency in its own column), and text always text, even "=HYPERLINK(…)"."""
    zone = ZoneInfo(timezone)
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    taken: set[str] = set()
    for sheet_name, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(sheet_name, taken))
        labels = [_header(h) for h in headers]
        widths = [min(max(len(h) // 2 + 2, 8), 30) for h in labels]
        sheet.append(labels)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for values in rows:
            cells = []
            for position, raw in enumerate(values):
                value, number_format = _cell_value(raw, zone)
                cell = Cell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # data, never a formula, whatever it starts with
                if number_format:
                    cell.number_format = number_format
                cells.append(cell)
                if position < len(widths) and value is not None:
                    widths[position] = max(widths[position], min(_width(value) + 2, 50))
            sheet.append(cells)
        for position, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.freeze_panes = "A2"
        if labels:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{max(sheet.max_row, 1)}"
    if not workbook.worksheets:
        workbook.create_sheet(title=_sheet_title("Sheet", taken))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Strings this module translates at run time (the extractor reads only templates and
# app/i18n/messages.py); the unit test checks each has a Vietnamese text.
MESSAGES = (
    "No data",
    "Participants by country",
    "Requested",
    "Accepted",
    "Declined",
    "Booked",
    "Booked from requests",
    "Organiser proposals",
    "Held",
    "No-show",
    "Cancelled",
    "Acceptance rate",
    "From request to meeting",
    "Meetings by country pair",
    "Meetings by country",
    "Meetings by sector",
    "Ratings of the meetings",
    "Agreements by kind",
    "Participants",
    "Countries",
    "Checked in",
    "Meetings held",
    "Agreements",
    "Average rating",
    "Results of the connection session",
    *SHEETS,
    *PARTICIPANT_COLUMNS,
    *MEETING_COLUMNS,
    *FEEDBACK_COLUMNS,
    *AGREEMENT_COLUMNS,
)

__all__ = [
    "AGREEMENT_COLUMNS",
    "AGREEMENT_KINDS",
    "AGREEMENT_STATUSES",
    "CHART_NAMES",
    "FEEDBACK_COLUMNS",
    "MEETING_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "PDF_MEDIA_TYPE",
    "SHEETS",
    "XLSX_MEDIA_TYPE",
    "AgreementKindFigures",
    "CeremonyItem",
    "DelegationMeetings",
    "MeetingFigures",
    "RatingFigures",
    "ReportView",
    "charts",
    "event_report_view",
    "render_report_html",
    "render_report_pdf",
    "report_xlsx",
    "view_from_stats",
]
