"""The report's sector shares are shares of meetings, and chart axes count in whole numbers."""

from __future__ import annotations

import dataclasses
import re

from app.outcomes.report import AgreementKindFigures, _figures, charts
from tests.unit.test_report import VIEW


def test_sector_share_is_of_meetings_not_of_sector_tags() -> None:
    # 53 sector tags over 42 meetings: automation's 21 is 50 % of the meetings (40 % of tags).
    view = dataclasses.replace(VIEW, meetings_counted=42)
    rows = {str(r.label): r.cells for r in _figures(view, "en", False)["by_sector"]}
    automation = next(cells for label, cells in rows.items() if "utomation" in label)
    assert automation[0] == "21"
    assert automation[1] == "50%"


def test_agreements_chart_has_whole_number_ticks() -> None:
    view = dataclasses.replace(
        VIEW,
        agreements_by_kind={
            "mou": AgreementKindFigures(count=2),
            "nda": AgreementKindFigures(count=1),
        },
    )
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", str(charts(view, "en")["agreements"]))
    numbers = [t for t in labels if re.fullmatch(r"[\d.,]+", t)]
    assert "2" in numbers
    assert not [n for n in numbers if re.search(r"[.,]", n)], numbers


def test_funnel_counts_organiser_proposals_apart_so_it_never_widens() -> None:
    meetings = dataclasses.replace(
        VIEW.meetings,
        requested=107,
        accepted=91,
        booked=115,
        booked_from_requests=88,
        by_organisers=27,
    )
    svg = str(charts(dataclasses.replace(VIEW, meetings=meetings), "vi")["funnel"])
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Đã xếp lịch từ yêu cầu" in labels
    assert "Do ban tổ chức đề xuất" in labels
    assert "88" in labels
    assert "115" not in labels  # the widening figure is not a step of the funnel


def test_meetings_by_country_table_with_official_names() -> None:
    from app.outcomes.report import render_report_html

    view = dataclasses.replace(VIEW, meetings_counted=42, meetings_by_country={"VN": 40, "TW": 30})
    html = str(render_report_html(view, "vi"))
    table = html.split('id="report-meetings-by-country"', 1)[1].split("</table>", 1)[0]
    assert "Số cuộc gặp theo quốc gia, vùng lãnh thổ" in html
    assert "Đài Loan (Trung Quốc)" in table
    assert "71%" in table  # 30 of 42 meetings


def test_meetings_by_country_pair_table() -> None:
    from app.outcomes.report import render_report_html

    view = dataclasses.replace(
        VIEW, meetings_counted=42, meetings_by_country_pair={"TW-VN": 30, "VN-VN": 12}
    )
    html = str(render_report_html(view, "vi"))
    table = html.split('id="report-meetings-by-country-pair"', 1)[1].split("</table>", 1)[0]
    assert "Đài Loan (Trung Quốc) – Việt Nam" in table
    assert "Việt Nam – Việt Nam" in table
