"""Accent- and case-insensitive folding, as Vietnamese readers type."""

from __future__ import annotations

import pytest

from app.text import fold, organisation_key, search_terms


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("tu dong hoa", "Tự động hoá dây chuyền đóng gói"),
        ("TU DONG HOA", "tự động hóa"),  # old and new tone placement
        ("dong goi", "ĐÓNG GÓI"),
        ("thuy san", "Thủy sản"),
        ("thuy san", "Thuỷ sản"),
        ("ban dan", "công nghệ bán dẫn"),
        ("nuoc mam", "Nước mắm Cát Hải"),
    ],
)
def test_folded_terms_are_found_in_folded_text(typed: str, stored: str) -> None:
    assert all(term in fold(stored) for term in search_terms(typed))


def test_d_with_stroke_matches_d() -> None:
    assert fold("Đà Nẵng đường") == "da nang duong"


def test_cjk_text_matches_itself_and_traditional_folds_to_simplified() -> None:
    assert fold("台灣精密機械") == "台湾精密机械" == fold("台湾精密机械")
    assert search_terms("精密") == ["精密"]
    assert fold("株式会社 한국") == "株式会社 한국"  # Japanese kanji as written, Korean kept


def test_fold_of_nothing_is_empty() -> None:
    assert fold(None) == ""
    assert fold("   ") == ""
    assert search_terms("!!! ,,") == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Công ty TNHH Cơ khí Hải Phòng", "CO KHI HAI PHONG Co., Ltd."),
        ("Công ty Cổ phần Thủy sản Hải Phòng", "Thuỷ sản Hải Phòng JSC"),
        ("Công ty TNHH MTV Đóng tàu Bạch Đằng", "Đóng tàu Bạch Đằng One Member Co. Ltd"),
        ("台灣精密機械股份有限公司", "台灣精密機械"),
    ],
)
def test_legal_forms_case_and_accents_do_not_tell_organisations_apart(
    first: str, second: str
) -> None:
    assert organisation_key(first) == organisation_key(second)


def test_different_organisations_keep_different_keys() -> None:
    assert organisation_key("Công ty TNHH Cơ khí Hải Phòng") != organisation_key(
        "Công ty TNHH Cơ khí Hà Nội"
    )
    # "Cơ khí" is a word of the name, not the English "Co." of a legal form.
    assert organisation_key("Cơ khí Đông Anh").startswith("co khi")
