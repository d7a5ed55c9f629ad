"""One function gives a country's display name, in the official form, to every page and
document; calendars carry no English note."""

from __future__ import annotations

from app.exports.ical import build_personal_feed
from app.exports.views import country_name
from tests.unit.test_ical import EVENT, LIN, agenda, meeting


def test_country_names_are_the_official_forms() -> None:
    assert country_name("TW", "vi") == "Đài Loan (Trung Quốc)"
    assert country_name("tw", "en") == "Taiwan"
    assert country_name("JP", "vi") == "Nhật Bản"
    assert country_name("BR", "vi") == "Brazil"  # not in our list: Babel's name
    assert country_name("", "vi") == ""


def test_the_calendar_names_taiwan_officially_and_has_no_english_comment() -> None:
    data = build_personal_feed(EVENT, agenda(meeting(21, 14, 20, LIN))).decode("utf-8")
    unfolded = data.replace("\r\n ", "")
    assert "Đài Loan (Trung Quốc)" in unfolded
    assert "COMMENT" not in unfolded
    assert "This timezone" not in unfolded
