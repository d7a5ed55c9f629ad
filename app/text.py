"""Text folding for search and duplicate detection: plain functions, no database.

Vietnamese readers type without diacritics ("tu dong hoa" for "Tự động hoá"); search and
duplicate checks compare folded text, stored in a column so that SQLite and PostgreSQL
match the same rows with a plain LIKE.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)

# Legal-form words that do not tell two organisations apart ("Công ty TNHH ABC" and
# "ABC Co., Ltd." are one enterprise). Folded, as single tokens or token runs.
_LEGAL_FORMS = (
    "cong ty co phan",
    "cong ty tnhh mot thanh vien",
    "cong ty tnhh",
    "cong ty trach nhiem huu han",
    "tong cong ty",
    "cong ty",
    "tap doan",
    "doanh nghiep tu nhan",
    "hop tac xa",
    "mot thanh vien",
    "co phan",
    "tnhh",
    "mtv",
    "jsc",
    "j s c",
    "co ltd",
    "one member",
    "ltd",
    "limited",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "bv",
    "b v",
    "nv",
    "kk",
    "k k",
    "kabushiki kaisha",
    "pte",
    "sdn bhd",
    "股份有限公司",
    "有限公司",
    "株式会社",
    "주식회사",
)
_LEGAL_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(f) for f in sorted(_LEGAL_FORMS, key=len, reverse=True)) + r")\b"
)
_CJK_LEGAL = ("股份有限公司", "有限公司", "株式会社", "주식회사", "(株)", "（株）")


def fold(text: str | None) -> str:
    """Lower case, without diacritics, 'đ' as 'd', single spaces: 'Tự động hoá' -> 'tu dong hoa'.

    CJK characters are kept as they are (they carry no diacritics to remove).
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped).casefold()).strip()


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search box, each of which must appear."""
    return [t for t in _NON_WORD.sub(" ", fold(query)).split() if t]


def organisation_key(name: str) -> str:
    """A key equal for the same organisation written differently:
    'Công ty TNHH Cơ khí Hải Phòng' == 'CO KHI HAI PHONG Co., Ltd.'."""
    text = name
    for form in _CJK_LEGAL:
        text = text.replace(form, " ")
    folded = _NON_WORD.sub(" ", fold(text))
    without = _LEGAL_PATTERN.sub(" ", folded)
    key = _SPACES.sub(" ", without).strip()
    return key or _SPACES.sub(" ", folded).strip()


def join_folded(*parts: str | None) -> str:
    return " ".join(p for p in (fold(x) for x in parts) if p)
