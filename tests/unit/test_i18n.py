"""Display formatting and locale choice (pure helpers, no app)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app import i18n

MAY_20_0700_UTC = datetime(2024, 5, 20, 7, 0, tzinfo=UTC)


def test_vietnamese_datetime_in_event_time_zone() -> None:
    assert (
        i18n.format_datetime(MAY_20_0700_UTC, "Asia/Ho_Chi_Minh", "vi")
        == "Thứ Hai, 20/05/2024 14:00"
    )


def test_english_datetime_in_event_time_zone() -> None:
    assert (
        i18n.format_datetime(MAY_20_0700_UTC, "Asia/Ho_Chi_Minh", "en")
        == "Monday, 20/05/2024 14:00"
    )


def test_datetime_accepts_a_zoneinfo_and_another_zone_moves_the_clock() -> None:
    assert (
        i18n.format_datetime(MAY_20_0700_UTC, ZoneInfo("Asia/Taipei"), "en")
        == "Monday, 20/05/2024 15:00"
    )


def test_datetime_near_midnight_takes_the_local_day() -> None:
    late_utc = datetime(2024, 5, 20, 18, 30, tzinfo=UTC)  # 01:30 on Tuesday in Hanoi
    assert i18n.format_datetime(late_utc, "Asia/Ho_Chi_Minh", "vi") == "Thứ Ba, 21/05/2024 01:30"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("vi", "Thứ Ba, 16/03/2027"), ("en", "Tuesday, 16/03/2027"), ("xx", "Thứ Ba, 16/03/2027")],
)
def test_format_date(locale: str, expected: str) -> None:
    assert i18n.format_date(date(2027, 3, 16), locale) == expected


def test_format_time_is_24_hour_in_the_zone() -> None:
    assert i18n.format_time(MAY_20_0700_UTC, "Asia/Ho_Chi_Minh") == "14:00"
    assert i18n.format_time(datetime(2024, 5, 20, 9, 5, tzinfo=UTC), "UTC") == "09:05"


def test_format_number_uses_the_locale_separators() -> None:
    assert i18n.format_number(1234567, "vi") == "1.234.567"
    assert i18n.format_number(1234567, "en") == "1,234,567"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("en", "en"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-US,en;q=0.9,vi;q=0.8", "en"),
        ("en;q=0.5, vi;q=0.9", "vi"),
        ("vi;q=0.1, en;q=0.2", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("fr, de", None),
        ("en;q=0, vi;q=0.3", "vi"),
        ("en;q=0", None),
        ("EN-gb", "en"),
        ("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "en"),
        ("en;q=abc, vi", "vi"),
        ("*", None),
    ],
)
def test_accept_language_honours_q_values(header: str | None, expected: str | None) -> None:
    assert i18n.locale_from_accept_language(header) == expected


def test_equal_q_values_keep_the_header_order() -> None:
    assert i18n.locale_from_accept_language("en;q=0.8, vi;q=0.8") == "en"
    assert i18n.locale_from_accept_language("vi;q=0.8, en;q=0.8") == "vi"


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        ((None, None, None), "vi"),
        (("en", None, None), "en"),
        ((None, "en", "vi"), "en"),
        (("xx", "en", None), "en"),
        (("EN-US",), "en"),
        ((), "vi"),
    ],
)
def test_pick_locale_takes_the_first_known(
    candidates: tuple[str | None, ...], expected: str
) -> None:
    assert i18n.pick_locale(*candidates) == expected


def test_translations_exist_for_both_locales() -> None:
    assert i18n.gettext_for("vi").gettext("Log in") == "Đăng nhập"
    assert i18n.gettext_for("en").gettext("Log in") == "Log in"
    assert i18n.gettext_for("xx").gettext("Log in") == "Đăng nhập"


def test_every_message_of_every_catalog_file_is_translated_by_the_first_file_that_does() -> None:
    # The catalog files of a language are merged into one table: a message reads as the
    # first file (messages.po, then by name) that translates it says.
    from babel.messages.pofile import read_po

    locale = "vi"
    expected: dict[str, str] = {}
    for path in i18n.catalog_files(locale):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                plain = isinstance(message.id, str) and message.id and not message.context
                if plain and message.string and not message.fuzzy:
                    expected.setdefault(str(message.id), str(message.string))
    assert len(expected) > 100
    merged = i18n.translations(locale)
    assert {k: merged.gettext(k) for k in expected} == expected
