"""Vietnamese first: every string a page can show has a Vietnamese translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from app.i18n import catalog_files, gettext_for
from app.i18n.extract import extract_messages, unmarked_messages


def test_every_page_string_has_a_vietnamese_translation() -> None:
    translated: set[object] = set()
    for path in catalog_files("vi"):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="vi")
        translated |= {m.id for m in catalog if m.id and m.string}
    used = {m.id for m in extract_messages() if m.id}
    missing = sorted(str(m) for m in used - translated)
    assert not missing, f"run 'make messages' and translate: {missing}"


def test_vietnamese_catalog_is_used_and_english_falls_back_to_the_source() -> None:
    assert gettext_for("vi").gettext("Log in") == "Đăng nhập"
    assert gettext_for("en").gettext("Log in") == "Log in"
    assert gettext_for("fr").gettext("Log in") == "Đăng nhập"  # unknown locale -> Vietnamese


def test_error_messages_are_templates_not_strings_built_at_run_time() -> None:
    # An f-string in a raise site cannot be in any catalog: a Vietnamese page would show it
    # in English. Write _l("table {table} is taken", table=number) instead.
    assert not unmarked_messages(), unmarked_messages()


def test_service_messages_are_extracted() -> None:
    used = {m.id for m in extract_messages() if m.id}
    # raised by services with a template, a literal, and a pydantic type's message
    assert "table {number} is already taken in {label}" in used
    assert "unknown code: check it against the printed agenda" in used
    assert "enter a valid date such as 20/05/2024" in used


def test_one_spelling_of_huy_everywhere() -> None:
    # "hủy" (the form most Vietnamese government documents use), never "huỷ".
    root = Path(__file__).resolve().parents[2]
    files = [*(root / "app").rglob("*.po"), *(root / "templates").rglob("*.*")]
    files += list((root / "app").rglob("*.py"))
    wrong = [
        str(p.relative_to(root))
        for p in files
        if re.search(r"(?<![^\W\d_])[Hh]uỷ", p.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert not wrong, wrong
