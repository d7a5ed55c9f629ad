"""Text folding for search and duplicate detection: plain functions, no database.

Vietnamese readers type without diacritics ("tu dong hoa" for "Tự động hoá"); Chinese
readers type simplified or traditional characters (自动化 / 自動化). Search and duplicate
checks compare folded text — lower case, no diacritics, Chinese in simplified characters
(OpenCC) — stored in a column so that SQLite and PostgreSQL match the same rows with a
plain LIKE. The stored search text is its words between single spaces, with a space at
each end, so that a LIKE can ask for a whole word (" tom ") or a word start (" dong").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

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


# Han ideographs (CJK Unified, Extension A, Compatibility): what OpenCC converts.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Terms this short match whole words only: "ma" must not find "máy", "tom" not "tomato".
SHORT_TERM = 3


@lru_cache(maxsize=1)
def _to_simplified() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional Chinese characters as simplified ones (OpenCC t2s): 自動化 -> 自动化."""
    if not _HAN.search(text):
        return text
    return str(_to_simplified().convert(text))  # type: ignore[attr-defined]


def fold(text: str | None) -> str:
    """Lower case, without diacritics, 'đ' as 'd', single spaces: 'Tự động hoá' -> 'tu dong hoa'.

    Chinese characters are written simplified (自動化 and 自动化 fold alike); other CJK
    characters are kept as they are (they carry no diacritics to remove).
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _SPACES.sub(" ", unicodedata.normalize("NFC", stripped).casefold()).strip()
    return simplified(folded)


def words(text: str | None) -> list[str]:
    """The folded words of a text, without punctuation."""
    return [t for t in _NON_WORD.sub(" ", fold(text)).split() if t]


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search box, each of which must appear."""
    return words(query)


def is_han(term: str) -> bool:
    return bool(_HAN.search(term))


def like_fragment(term: str) -> str:
    """What a stored search text (padded words, see join_folded) must contain for ``term``:
    Chinese anywhere (it has no spaces between words), a short term as a whole word, a
    longer one as the start of a word ("dong" finds "dong", "automat" finds "automation")."""
    if is_han(term):
        return term
    if len(term) <= SHORT_TERM:
        return f" {term} "
    return f" {term}"


def term_matches(term: str, word: str) -> bool:
    """Whether a folded word of a text is a match for a folded search term (like_fragment's
    rule, on one word)."""
    if is_han(term):
        return term in word
    if len(term) <= SHORT_TERM:
        return word == term
    return word.startswith(term)


def refold(search_text: str) -> str:
    """A stored search text in today's form: its words folded again, padded with spaces.
    Folding is idempotent, so this equals join_folded of the original parts."""
    tokens = words(search_text)
    return f" {' '.join(tokens)} " if tokens else ""


_TOKEN = re.compile(r"\w+", re.UNICODE)


def highlight(text: str | None, terms: Iterable[str]) -> Markup:
    """``text``, HTML-escaped, with the words matching ``terms`` in <mark>: what the reader
    typed, shown in the results. Chinese matches are marked character by character."""
    source = text or ""
    wanted = [t for t in terms if t]
    if not wanted or not source:
        return escape(source)
    out: list[str] = []
    last = 0
    for match in _TOKEN.finditer(source):
        start, end = match.span()
        out.append(str(escape(source[last:start])))
        token = match.group(0)
        folded = fold(token)
        if is_han(token) and len(folded) == len(token):
            marks = [False] * len(token)
            for term in (t for t in wanted if is_han(t)):
                at = folded.find(term)
                while at >= 0:
                    for i in range(at, at + len(term)):
                        marks[i] = True
                    at = folded.find(term, at + 1)
            out.append(_marked_chars(token, marks))
        elif any(term_matches(t, folded) for t in wanted):
            out.append(f"<mark>{escape(token)}</mark>")
        else:
            out.append(str(escape(token)))
        last = end
    out.append(str(escape(source[last:])))
    return Markup("".join(out))


def _marked_chars(token: str, marks: list[bool]) -> str:
    out: list[str] = []
    run: list[str] = []
    state = False
    for char, marked in zip(token, marks, strict=True):
        if marked != state and run:
            piece = str(escape("".join(run)))
            out.append(f"<mark>{piece}</mark>" if state else piece)
            run = []
        state = marked
        run.append(char)
    if run:
        piece = str(escape("".join(run)))
        out.append(f"<mark>{piece}</mark>" if state else piece)
    return "".join(out)


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
    """The stored search text of some fields: their folded words, padded with spaces."""
    tokens = [t for part in parts for t in words(part)]
    return f" {' '.join(tokens)} " if tokens else ""


class Highlighter:
    """The search's highlighter for templates: ``hl(text)`` marks the matched words,
    ``hl.excerpt(text)`` is the part of a long text around its first match (or "")."""

    EXCERPT = 90  # characters either side of the first match

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = [t for t in terms if t]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __call__(self, text: str | None) -> Markup:
        return highlight(text, self.terms)

    def excerpt(self, text: str | None) -> Markup:
        source = text or ""
        for match in _TOKEN.finditer(source):
            folded = fold(match.group(0))
            if any(term_matches(t, folded) or (is_han(t) and t in folded) for t in self.terms):
                start = max(0, match.start() - self.EXCERPT)
                end = min(len(source), match.end() + self.EXCERPT)
                # Cut at spaces, so that no word is split.
                if start > 0:
                    start = source.find(" ", start) + 1 or start
                if end < len(source):
                    end = (
                        source.rfind(" ", match.end(), end)
                        if " " in source[match.end() : end]
                        else end
                    )
                head = "… " if start > 0 else ""
                tail = " …" if end < len(source) else ""
                return Markup(head) + highlight(source[start:end], self.terms) + Markup(tail)
        return Markup("")
