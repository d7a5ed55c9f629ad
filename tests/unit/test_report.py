"""The organiser's report: charts, the leadership PDF and the XLSX export, read back the way
a person would see them (an XML parser, poppler, openpyxl)."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from app.exports.views import Bilingual
from app.i18n import gettext_for
from app.outcomes.report import (
    AGREEMENT_COLUMNS,
    CHART_NAMES,
    MEETING_COLUMNS,
    MESSAGES,
    PARTICIPANT_COLUMNS,
    AgreementKindFigures,
    CeremonyItem,
    DelegationMeetings,
    MeetingFigures,
    RatingFigures,
    ReportView,
    charts,
    render_report_html,
    render_report_pdf,
    report_xlsx,
    view_from_stats,
)

VIEW = ReportView(
    title=Bilingual(
        "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan",
        "Vietnam – Taiwan technology supply–demand connection session",
    ),
    start_date=date(2027, 3, 16),
    end_date=date(2027, 3, 16),
    venue="Trung tâm Hội nghị Thành phố Hải Phòng",
    organiser_unit="Sở Khoa học và Công nghệ Hải Phòng",
    participants=47,
    participants_by_country={"VN": 31, "TW": 12, "JP": 3, "KR": 1},
    participants_by_kind={"enterprise": 38, "university": 6, "research_institute": 3},
    checked_in=41,
    meetings=MeetingFigures(
        requested=86, accepted=64, declined=14, booked=61, held=53, no_show=5, cancelled=3
    ),
    meetings_by_sector={"food_processing": 17, "automation": 21, "aquaculture": 9, "iot": 6},
    meetings_by_country_pair={"TW-VN": 44, "JP-VN": 12},
    meetings_by_delegation={
        "Đoàn doanh nghiệp Đài Loan": DelegationMeetings(meetings=40, held=29),
        "JETRO Osaka": DelegationMeetings(meetings=9, held=6),
    },
    ratings=RatingFigures(count=72, average=4.2, distribution={5: 34, 4: 25, 3: 9, 2: 3, 1: 1}),
    agreements_by_kind={
        "mou": AgreementKindFigures(count=4),
        "technology_transfer": AgreementKindFigures(
            count=2, values={"VND": Decimal("3500000000"), "USD": Decimal("120000")}
        ),
        "nda": AgreementKindFigures(count=3),
    },
    agreements_by_status={"signed": 7, "planned": 2},
    ceremony=(
        CeremonyItem(
            1,
            Bilingual("Biên bản ghi nhớ hợp tác nuôi trồng thuỷ sản", "MoU on aquaculture"),
            ("Công ty CP Thuỷ sản Cát Hải", "台灣水產養殖股份有限公司"),
        ),
        CeremonyItem(
            2,
            Bilingual("Hợp đồng chuyển giao công nghệ đóng gói tự động", ""),
            ("Công ty TNHH Bao bì Hải Phòng", "Formosa Precision 台灣精密"),
        ),
    ),
    as_of=date(2027, 3, 17),
)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


def _text(svg: str) -> str:
    root = ElementTree.fromstring(svg)
    return " ".join(t for t in root.itertext() if t.strip())


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_report_pdf(VIEW)


@pytest.fixture(scope="module")
def pdf_text(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return out.stdout


# ---- charts ---------------------------------------------------------------------------------


def test_charts_are_svg_with_vietnamese_labels_and_the_numbers() -> None:
    drawn = charts(VIEW, "vi")
    assert set(drawn) == set(CHART_NAMES)
    for svg in drawn.values():
        root = ElementTree.fromstring(str(svg))
        assert root.tag == f"{{{SVG_NS}}}svg"
    sectors = _text(drawn["sectors"])
    assert "Chế biến thực phẩm, đồ uống" in sectors
    assert "Tự động hoá, robot" in sectors
    assert "21" in sectors
    assert "17" in sectors
    countries = _text(drawn["countries"])
    assert "Đài Loan (Trung Quốc)" in countries
    pairs = _text(drawn["country_pairs"])
    assert "Đài Loan (Trung Quốc) – Việt Nam" in pairs
    assert "44" in pairs
    assert "12" in pairs
    assert "31" in countries
    funnel = _text(drawn["funnel"])
    for label, n in (("Đề nghị gặp", 86), ("Đã diễn ra", 53), ("Vắng mặt", 5)):
        assert label in funnel
        assert str(n) in funnel
    assert "Biên bản ghi nhớ (MoU)" in _text(drawn["agreements"])


def test_charts_follow_the_readers_language() -> None:
    drawn = charts(VIEW, "en")
    assert "Food and beverage processing" in _text(drawn["sectors"])
    assert "Taiwan" in _text(drawn["countries"])
    assert "Held" in _text(drawn["funnel"])


def test_charts_load_nothing_and_run_no_script() -> None:
    for svg in charts(VIEW, "vi").values():
        text = str(svg)
        urls = set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", text))
        assert urls <= {SVG_NS, XLINK_NS}, urls
        assert "<script" not in text
        assert "<?xml" not in text
        assert "<!--" not in text
        assert "Noto Sans" in text
        assert "@import" not in text
        assert "googleapis" not in text


def test_charts_are_byte_identical_for_the_same_figures() -> None:
    assert charts(VIEW, "vi") == charts(VIEW, "vi")
    assert charts(VIEW, "vi")["sectors"] != charts(VIEW, "en")["sectors"]


def test_charts_of_an_event_without_figures_say_so() -> None:
    empty = ReportView(
        title=Bilingual("Sự kiện", ""), start_date=date(2027, 1, 1), end_date=date(2027, 1, 1)
    )
    drawn = charts(empty, "vi")
    assert "Chưa có số liệu" in _text(drawn["countries"])
    assert "Chưa có số liệu" in render_report_html(empty, "vi")


# ---- page fragment --------------------------------------------------------------------------


def test_page_fragment_is_in_one_language_with_the_same_charts() -> None:
    vi = render_report_html(VIEW, "vi")
    en = render_report_html(VIEW, "en")
    assert "Người tham dự theo quốc gia, vùng lãnh thổ" in vi
    assert "Participants by country" not in vi
    assert "Participants by country" in en
    for svg in charts(VIEW, "vi").values():
        assert str(svg) in vi
    assert "82%" in vi.replace("\xa0", "")  # acceptance 64 / (64 + 14)
    assert "3.500.000.000 VND" in vi
    assert "3,500,000,000 VND" in en
    assert "台灣水產養殖股份有限公司" in vi


def test_every_runtime_label_has_a_vietnamese_text() -> None:
    vi = gettext_for("vi")
    assert [m for m in MESSAGES if vi.gettext(m) == m] == []


# ---- PDF ------------------------------------------------------------------------------------


def test_pdf_has_bilingual_headings_titles_figures_and_the_ceremony(pdf_text: str) -> None:
    flat = " ".join(pdf_text.split())
    assert "Kết quả phiên kết nối" in flat
    assert "Results of the connection session" in flat
    assert "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan" in flat
    assert "Vietnam – Taiwan technology supply–demand connection session" in flat
    assert "Đã diễn ra" in flat
    assert "53" in flat
    assert "Chế biến thực phẩm, đồ uống" in flat
    assert "Lễ ký kết" in flat
    assert "Signing ceremony" in flat
    assert "台灣水產養殖股份有限公司" in flat
    assert "1/" in flat  # page numbers "1/4"


def test_pdf_embeds_its_fonts(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = out.stdout.splitlines()[2:]
    assert rows
    assert any("Noto-Sans" in r and "CJK" not in r for r in rows)
    assert any("CJK" in r for r in rows)
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_pdf_first_page_renders(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    assert list(tmp_path.glob("p*.png"))


# ---- XLSX -----------------------------------------------------------------------------------


def test_xlsx_keeps_types_bilingual_headers_and_formula_text() -> None:
    data = report_xlsx(
        {
            "Participants": (
                list(PARTICIPANT_COLUMNS),
                [
                    [
                        "Nguyễn Thị Hạnh",
                        "Công ty Cơ khí Hải Phòng",
                        "Doanh nghiệp",
                        "VN",
                        "",
                        "delegate",
                        datetime(2027, 3, 16, 6, 45, tzinfo=UTC),
                    ],
                    ['=HYPERLINK("http://evil.example","x")', "", "", "TW", "", "", None],
                ],
            ),
            "Meetings": (list(MEETING_COLUMNS), [[12, date(2027, 3, 16), "14:00", 3, "", "", ""]]),
            "Agreements": (
                list(AGREEMENT_COLUMNS),
                [["MoU", "mou", "A; B", date(2027, 3, 16), Decimal("3500000000"), "VND", "signed"]],
            ),
        }
    )
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Người tham dự", "Gặp gỡ", "Thoả thuận, hợp đồng"]
    people = book["Người tham dự"]
    assert people["A1"].value == "Họ và tên / Full name"
    assert people["A1"].font.b
    assert people.freeze_panes == "A2"
    assert people.auto_filter.ref == "A1:G3"
    assert people["A2"].value == "Nguyễn Thị Hạnh"
    checked = people["G2"].value
    assert isinstance(checked, datetime)
    assert checked == datetime(2027, 3, 16, 13, 45)
    assert people["A3"].data_type == "s"
    assert people["A3"].value == '=HYPERLINK("http://evil.example","x")'
    assert people.column_dimensions["B"].width >= len("Công ty Cơ khí Hải Phòng")
    meetings = book["Gặp gỡ"]
    assert meetings["A2"].value == 12
    assert meetings["A2"].data_type == "n"
    assert isinstance(meetings["B2"].value, datetime)
    assert meetings["B2"].is_date
    agreements = book["Thoả thuận, hợp đồng"]
    assert agreements["E1"].value == "Giá trị / Value"
    assert agreements["E2"].data_type == "n"
    assert agreements["E2"].value == 3500000000
    assert agreements["F2"].value == "VND"


# ---- from event_stats -----------------------------------------------------------------------


def test_view_from_stats_carries_every_figure() -> None:
    from app.outcomes import stats as s

    figures = s.EventStats(
        event_id=1,
        participants=47,
        participants_by_country=[s.Count("VN", 31), s.Count("TW", 12), s.Count("", 4)],
        participants_by_organisation_kind=[s.Count("enterprise", 40), s.Count("university", 7)],
        participants_by_role=[],
        requests=s.RequestFigures(86, 64, 14, 5, 2, 1, 64 / 78),
        meetings=s.MeetingFigures(70, 61, 9, 0, 8, 61, 53, 5, 3),
        meetings_by_sector=[s.GroupMeetings("food_processing", "food_processing", 17, 15)],
        meetings_by_delegation=[s.GroupMeetings("3", "Đoàn doanh nghiệp Đài Loan", 40, 29)],
        meetings_by_country=[],
        checkins=s.CheckinFigures(47, 41),
        checkins_by_delegation=[],
        ratings=s.RatingFigures(80, 72, 4.2, [s.Count("5", 34), s.Count("1", 1)], 50, []),
        agreements=s.AgreementFigures(
            10,
            9,
            [s.KindFigures("mou", 4, [s.Money("VND", Decimal("3500000000"))])],
            [s.Count("signed", 7)],
            [s.Money("VND", Decimal("3500000000"))],
            [s.CeremonyItem(5, 1, "mou", "Biên bản ghi nhớ", "MoU", "signed", ["A", "台灣"])],
        ),
    )
    view = view_from_stats(
        figures, title=VIEW.title, start_date=VIEW.start_date, end_date=VIEW.end_date
    )
    assert view.participant_total == 47
    assert view.participants_by_country == {"VN": 31, "TW": 12, "": 4}
    assert view.meetings.requested == 86
    assert view.meetings.held == 53
    assert view.meetings.rate() == pytest.approx(64 / 78)
    assert view.meetings_by_delegation["Đoàn doanh nghiệp Đài Loan"].held == 29
    assert view.ratings.distribution == {5: 34, 1: 1}
    assert view.agreements_by_kind["mou"].values == {"VND": Decimal("3500000000")}
    assert view.ceremony[0].parties == ("A", "台灣")
    html = render_report_html(view, "vi")
    assert "Chưa rõ" in html  # participants without a country
