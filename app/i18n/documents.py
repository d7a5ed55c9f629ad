"""The second language of the print documents. Headings of an agenda read "Vietnamese /
second language": English by default, the delegate's own language for Chinese (Taiwan:
Traditional; elsewhere: Simplified, converted with OpenCC), Japanese and Korean readers.
The translations are in app/i18n/print/<code>.po (only the documents' few headings: the
pages stay Vietnamese and English)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from app.text import simplified

PRINT_DIR = Path(__file__).parent / "print"
SECOND_LANGUAGES = ("en", "zh_Hant", "zh_Hans", "ja", "ko")
# The value of an HTML lang attribute, so that the PDF picks the right CJK glyph variants.
LANG_ATTRIBUTE = {"en": "en", "zh_Hant": "zh-Hant", "zh_Hans": "zh-Hans", "ja": "ja", "ko": "ko"}
# Where Chinese is written in Traditional characters.
TRADITIONAL = frozenset({"TW", "HK", "MO"})


@lru_cache(maxsize=8)
def catalog(code: str) -> dict[str, str]:
    """{English msgid: text} of one second language; empty for English."""
    if code == "en":
        return {}
    if code == "zh_Hans":
        return {key: simplified(text) for key, text in catalog("zh_Hant").items()}
    with (PRINT_DIR / f"{code}.po").open("rb") as handle:
        messages = read_po(handle)
    return {str(m.id): str(m.string) for m in messages if m.id and m.string}


def second_text(message: str, code: str) -> str:
    """The message in the second language, English when it has no translation."""
    return catalog(code).get(message, message)


def print_language(spoken: Iterable[str], country: str = "") -> str:
    """A delegate's second language on their documents: the first of Japanese, Korean or
    Chinese they speak (Chinese as written where they come from), otherwise English."""
    codes = [code.lower()[:2] for code in spoken]
    for code in codes:
        if code == "ja":
            return "ja"
        if code == "ko":
            return "ko"
        if code == "zh":
            return "zh_Hant" if country.upper() in TRADITIONAL else "zh_Hans"
    return "en"
