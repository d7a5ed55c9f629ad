"""Suggested counterparts: plain functions over plain data, no database.

A participant's profiles are paired with other participants' profiles of the complementary
side (their offers with my requests, their requests with my offers; a partner search pairs
with anything). A pair scores by sector overlap, keyword overlap and the TF-IDF cosine
similarity of the folded text, so that accents and case never matter; a counterpart's score
is that of its best pair. Ties are broken by participant id, so the order is reproducible.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from app.text import simplified
from app.vocab import (
    OFFER_KINDS,
    PROFILE_KINDS,
    REQUEST_KINDS,
    SECTORS,
    Label,
)

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# Weights of the three signals; they add up to 1 so that a score reads as 0–100 %.
SECTOR_WEIGHT = 0.35
KEYWORD_WEIGHT = 0.25
TEXT_WEIGHT = 0.40
# Below this a pair is noise: nothing in common but a few frequent syllables.
MIN_SCORE = 0.08
# A cosine this high is worth telling the reader ("similar description").
TEXT_REASON_AT = 0.15
MAX_KEYWORDS_IN_REASON = 4
# Below this a suggestion is shown as a weak match: one shared generic keyword ("đóng gói",
# "Nhật Bản") or a little common text, without a shared sector.
WEAK_BELOW = 0.25


def strength(score: float) -> str:
    """ "strong" or "weak": how a suggestion is presented (weak ones are marked, apart)."""
    return "weak" if score < WEAK_BELOW else "strong"


@dataclass(frozen=True)
class Doc:
    """One profile as the ranking sees it."""

    id: int
    participant_id: int
    organisation_id: int | None
    kind: str
    text: str  # titles, descriptions and keywords in any language; folded here
    sectors: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str  # sector, keywords, text, kinds
    vi: str
    en: str


@dataclass(frozen=True)
class Pair:
    mine: Doc
    theirs: Doc
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Suggestion:
    participant_id: int
    score: float
    best: Pair
    pair_count: int
    reasons: tuple[Reason, ...] = field(default=())


def side(kind: str) -> str:
    if kind in OFFER_KINDS:
        return "offer"
    if kind in REQUEST_KINDS:
        return "request"
    return "either"


def complementary(a: str, b: str) -> bool:
    """An offer answers a request and the reverse; a partner search meets anything."""
    sa, sb = side(a), side(b)
    return "either" in (sa, sb) or {sa, sb} == {"offer", "request"}


def _combining_marks() -> re.Pattern[str]:
    # The blocks where app.text.fold finds combining marks (Latin diacritics, kana voicing).
    blocks = (
        (0x0300, 0x036F),
        (0x1AB0, 0x1AFF),
        (0x1DC0, 0x1DFF),
        (0x20D0, 0x20FF),
        (0x3099, 0x309A),
        (0xFE20, 0xFE2F),
    )
    codes = (c for low, high in blocks for c in range(low, high + 1))
    marks = "".join(chr(c) for c in codes if unicodedata.combining(chr(c)))
    return re.compile("[" + re.escape(marks) + "]")


_MARKS = _combining_marks()
_WORD = re.compile(r"\w+")
# Chinese and Japanese are written without spaces: each character becomes a token, and
# word pairs then catch two-character words. Korean separates its words with spaces.
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


@lru_cache(maxsize=8192)  # profiles change rarely; repeated suggestions skip the folding
def fast_fold(text: str) -> str:
    """app.text.fold with the marks removed by one regular expression instead of a Python
    loop over every character (five times faster on 2,000 long profiles), then only the
    words, single-spaced: the form in which texts are compared and keywords looked up."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    normal = simplified(unicodedata.normalize("NFC", _MARKS.sub("", decomposed)).casefold())
    return " ".join(_WORD.findall(_CJK.sub(r" \1 ", normal)))


def words_and_pairs(text: str) -> list[str]:
    """The features of a folded text: its words and each pair of neighbouring words."""
    words = text.split()
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class _Prepared:
    doc: Doc
    text: str  # folded words, single-spaced
    padded: str  # the same between spaces, for whole-phrase lookups
    keys: dict[str, str]  # folded keyword -> as written


def _prepare(doc: Doc) -> _Prepared:
    keys: dict[str, str] = {}
    for word in doc.keywords:
        key = fast_fold(word)
        if key and key not in keys:
            keys[key] = word
    text = fast_fold(" ".join([doc.text, *doc.keywords]))
    return _Prepared(doc, text, f" {text} ", keys)


def sector_overlap(a: frozenset[str], b: frozenset[str]) -> tuple[float, list[str]]:
    """Shared sectors, relative to the smaller list: a one-sector request inside a broad
    offer's three sectors is a full match."""
    shared = sorted(a & b)
    if not shared:
        return 0.0, []
    return len(shared) / min(len(a), len(b)), shared


def keyword_overlap(a: _Prepared, b: _Prepared) -> list[str]:
    """Keywords of one side found among the other's keywords or in its text, as written by
    whoever wrote them first (a's spelling wins), in a stable order."""
    found: dict[str, str] = {}
    for mine, other in ((a, b), (b, a)):
        for key, written in mine.keys.items():
            if key in found:
                continue
            if key in other.keys or f" {key} " in other.padded:
                found[key] = written
    return [found[k] for k in sorted(found)]


def _kind_label(kind: str) -> Label:
    return PROFILE_KINDS.get(kind, Label(kind, kind))


def _reasons(
    mine: Doc, theirs: Doc, shared: list[str], keywords: list[str], cosine: float
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    if shared:
        labels = [SECTORS[s] if s in SECTORS else Label(s, s) for s in shared]
        out.append(
            Reason(
                "sector",
                "cùng lĩnh vực: " + ", ".join(lab.vi.lower() for lab in labels),
                "same sector: " + ", ".join(lab.en.lower() for lab in labels),
            )
        )
    if keywords:
        listed = ", ".join(keywords[:MAX_KEYWORDS_IN_REASON])
        # An English page lists only keywords written in English (plain ASCII); Vietnamese
        # or Chinese ones are counted instead of shown.
        english = [k for k in keywords if k.isascii()][:MAX_KEYWORDS_IN_REASON]
        en = (
            f"keywords: {', '.join(english)}" if english else f"keywords in common: {len(keywords)}"
        )
        out.append(Reason("keywords", f"từ khoá: {listed}", en))
    if cosine >= TEXT_REASON_AT:
        percent = round(cosine * 100)
        out.append(
            Reason("text", f"nội dung tương đồng ({percent}%)", f"similar text ({percent}%)")
        )
    their, my = _kind_label(theirs.kind), _kind_label(mine.kind)
    out.append(
        Reason(
            "kinds",
            f"{their.vi.lower()} của họ ↔ {my.vi.lower()} của bạn",
            f"their {their.en.lower()} ↔ your {my.en.lower()}",
        )
    )
    return tuple(out)


def _vectorizer() -> TfidfVectorizer:
    # scikit-learn (with SciPy) takes ~3.4 s to import: only where suggestions are computed,
    # so every command (migrate, demo, the worker) and a starting server do not wait for it
    # (the server warms it in the background: app.main)
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Words and word pairs of the folded text: Vietnamese words are one or more syllables
    # ("tu dong hoa"), so syllable pairs carry much of the meaning; accents and case are
    # gone already. Character n-grams matched a little better on English inflections but
    # cost five times as much on 2,000 profiles.
    return TfidfVectorizer(
        analyzer=words_and_pairs,
        sublinear_tf=True,
        min_df=1,
        dtype=np.float32,
    )


def text_similarity(mine: Sequence[_Prepared], theirs: Sequence[_Prepared]) -> list[list[float]]:
    """Cosine similarity of every one of mine against every one of theirs."""
    if not mine or not theirs:
        return [[0.0] * len(theirs) for _ in mine]
    corpus = [p.text for p in mine] + [p.text for p in theirs]
    if not any(t.strip() for t in corpus):
        return [[0.0] * len(theirs) for _ in mine]
    try:
        matrix = _vectorizer().fit_transform(corpus)
    except ValueError:  # no words at all: nothing to compare
        return [[0.0] * len(theirs) for _ in mine]
    # Rows are L2-normalised by the vectorizer, so the dot product is the cosine.
    product = (matrix[: len(mine)] @ matrix[len(mine) :].T).toarray()
    return [[float(v) for v in row] for row in product]


def rank(
    mine: Sequence[Doc],
    others: Iterable[Doc],
    *,
    participant_id: int,
    organisation_id: int | None,
    limit: int = 20,
    min_score: float = MIN_SCORE,
) -> list[Suggestion]:
    """Counterparts for ``participant_id`` (owner of ``mine``), best first.

    ``others`` should hold only what may be suggested (published profiles of approved
    participants); the participant themself and their own organisation are left out here.
    """
    candidates = [
        d
        for d in others
        if d.participant_id != participant_id
        and (organisation_id is None or d.organisation_id != organisation_id)
        and any(complementary(m.kind, d.kind) for m in mine)
    ]
    if not mine or not candidates:
        return []
    prepared_mine = [_prepare(d) for d in mine]
    prepared_theirs = [_prepare(d) for d in candidates]
    cosines = text_similarity(prepared_mine, prepared_theirs)
    best: dict[int, Pair] = {}
    counts: dict[int, int] = {}
    for i, pm in enumerate(prepared_mine):
        for j, pt in enumerate(prepared_theirs):
            if not complementary(pm.doc.kind, pt.doc.kind):
                continue
            sector_score, shared = sector_overlap(pm.doc.sectors, pt.doc.sectors)
            keywords = keyword_overlap(pm, pt)
            keyword_score = 1 - 0.5 ** len(keywords)
            cosine = max(0.0, min(1.0, cosines[i][j]))
            weighted = (
                SECTOR_WEIGHT * sector_score + KEYWORD_WEIGHT * keyword_score + TEXT_WEIGHT * cosine
            )
            score = round(weighted, 4)
            if score < min_score:
                continue
            owner = pt.doc.participant_id
            counts[owner] = counts.get(owner, 0) + 1
            current = best.get(owner)
            # Equal scores: the lower profile ids win, so the chosen pair is reproducible.
            key = (-score, pm.doc.id, pt.doc.id)
            if current is None or key < (-current.score, current.mine.id, current.theirs.id):
                best[owner] = Pair(
                    pm.doc, pt.doc, score, _reasons(pm.doc, pt.doc, shared, keywords, cosine)
                )
    ranked = sorted(best.items(), key=lambda item: (-item[1].score, item[0]))
    return [
        Suggestion(owner, pair.score, pair, counts[owner], pair.reasons)
        for owner, pair in ranked[:limit]
    ]
