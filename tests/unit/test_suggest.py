"""Suggested counterparts, ranked from plain data: no database, no web."""

from __future__ import annotations

import random
import time

import pytest

from app.matchmaking.suggest import Doc, complementary, fast_fold, rank, side
from app.text import fold
from app.vocab import SECTORS, ProfileKind

ME = 1
MY_ORG = 100

PACKAGING_REQUEST = Doc(
    id=1,
    participant_id=ME,
    organisation_id=MY_ORG,
    kind=ProfileKind.technology_request,
    text="Tự động hoá dây chuyền đóng gói chè. Cần robot gắp và cân định lượng.",
    sectors=frozenset({"automation", "food_processing"}),
    keywords=("đóng gói", "robot"),
)
COLD_CHAIN_OFFER = Doc(
    id=2,
    participant_id=ME,
    organisation_id=MY_ORG,
    kind=ProfileKind.product_offer,
    text="Kho lạnh và xe tải lạnh cho chuỗi lạnh thuỷ sản",
    sectors=frozenset({"logistics", "aquaculture"}),
    keywords=("chuỗi lạnh",),
)


def offer(id_: int, participant: int, text: str, sectors: set[str], *keywords: str) -> Doc:
    return Doc(
        id=id_,
        participant_id=participant,
        organisation_id=1000 + participant,
        kind=ProfileKind.technology_offer,
        text=text,
        sectors=frozenset(sectors),
        keywords=keywords,
    )


def test_offers_and_requests_are_the_two_sides_and_partner_search_meets_both() -> None:
    assert side(ProfileKind.technology_offer) == "offer"
    assert side(ProfileKind.research_result) == "offer"
    assert side(ProfileKind.product_request) == "request"
    assert complementary(ProfileKind.technology_request, ProfileKind.product_offer)
    assert not complementary(ProfileKind.technology_request, ProfileKind.product_request)
    assert not complementary(ProfileKind.technology_offer, ProfileKind.research_result)
    assert complementary(ProfileKind.partner_search, ProfileKind.technology_offer)
    assert complementary(ProfileKind.partner_search, ProfileKind.partner_search)


def test_their_offer_answers_my_request_but_their_request_does_not() -> None:
    their_offer = offer(10, 2, "Robot đóng gói tự động cho nhà máy chè", {"automation"}, "robot")
    their_request = Doc(
        id=11,
        participant_id=3,
        organisation_id=1003,
        kind=ProfileKind.technology_request,
        text="Tự động hoá dây chuyền đóng gói chè",  # the same need: no one to meet
        sectors=frozenset({"automation", "food_processing"}),
        keywords=("đóng gói",),
    )
    ranked = rank(
        [PACKAGING_REQUEST], [their_offer, their_request], participant_id=ME, organisation_id=MY_ORG
    )
    assert [s.participant_id for s in ranked] == [2]
    assert ranked[0].best.mine.id == PACKAGING_REQUEST.id
    assert ranked[0].best.theirs.id == 10


def test_my_offer_is_paired_with_their_request() -> None:
    need = Doc(
        id=20,
        participant_id=5,
        organisation_id=1005,
        kind=ProfileKind.technology_request,
        text="Need cold-chain storage for frozen shrimp export",
        sectors=frozenset({"aquaculture"}),
        keywords=("cold chain", "chuỗi lạnh"),
    )
    ranked = rank(
        [PACKAGING_REQUEST, COLD_CHAIN_OFFER], [need], participant_id=ME, organisation_id=MY_ORG
    )
    assert len(ranked) == 1
    assert ranked[0].best.mine.id == COLD_CHAIN_OFFER.id


def test_reasons_name_the_shared_sector_and_keywords_in_both_languages() -> None:
    their_offer = offer(
        10,
        2,
        "Robot gắp và hệ thống đóng gói tự động",
        {"food_processing", "mechanics"},
        "robot",
        "Đóng gói",
    )
    [suggestion] = rank(
        [PACKAGING_REQUEST], [their_offer], participant_id=ME, organisation_id=MY_ORG
    )
    reasons = {r.code: r for r in suggestion.reasons}
    assert reasons["sector"].en == "same sector: food and beverage processing"
    assert reasons["sector"].vi == "cùng lĩnh vực: chế biến thực phẩm, đồ uống"
    # Keywords are matched ignoring accents and case, and shown as the asker wrote them.
    assert reasons["keywords"].vi == "từ khoá: đóng gói, robot"
    # An English page lists only the keywords written in English.
    assert reasons["keywords"].en == "keywords: robot"
    assert reasons["keywords"].vi == "từ khoá: đóng gói, robot"
    assert reasons["kinds"].en == "their technology offer ↔ your technology request"
    assert 0 < suggestion.score <= 1


def test_a_keyword_found_in_the_other_text_counts_as_shared() -> None:
    their_offer = offer(10, 2, "Giải pháp CHUOI LANH cho nông sản", {"agriculture"})
    [suggestion] = rank(
        [COLD_CHAIN_OFFER.__class__(**{**COLD_CHAIN_OFFER.__dict__, "kind": "product_request"})],
        [their_offer],
        participant_id=ME,
        organisation_id=MY_ORG,
    )
    assert "từ khoá: chuỗi lạnh" in [r.vi for r in suggestion.reasons]
    assert "keywords in common: 1" in [r.en for r in suggestion.reasons]


def test_accents_and_case_do_not_change_the_score() -> None:
    accented = offer(10, 2, "Hệ thống tự động hoá đóng gói chè xanh", {"automation"}, "Robot")
    plain = offer(11, 3, "HE THONG TU DONG HOA DONG GOI CHE XANH", {"automation"}, "robot")
    ranked = rank([PACKAGING_REQUEST], [plain, accented], participant_id=ME, organisation_id=MY_ORG)
    assert [s.participant_id for s in ranked] == [2, 3]  # a tie: the lower id first
    assert ranked[0].score == ranked[1].score > 0.3


def test_more_in_common_ranks_higher() -> None:
    close = offer(10, 7, "Dây chuyền đóng gói chè tự động với robot", {"automation"}, "robot")
    sector_only = offer(11, 4, "Phần mềm điều khiển máy CNC", {"automation"})
    unrelated = offer(12, 3, "Vaccine for shrimp farms", {"aquaculture"})
    ranked = rank(
        [PACKAGING_REQUEST],
        [unrelated, sector_only, close],
        participant_id=ME,
        organisation_id=MY_ORG,
    )
    assert [s.participant_id for s in ranked] == [7, 4]  # nothing in common: not suggested
    assert ranked[0].score > ranked[1].score


def test_myself_and_my_own_organisation_are_never_suggested() -> None:
    colleague = Doc(
        id=10,
        participant_id=2,
        organisation_id=MY_ORG,
        kind=ProfileKind.technology_offer,
        text="Tự động hoá dây chuyền đóng gói chè",
        sectors=frozenset({"automation"}),
    )
    mine_offer = Doc(**{**colleague.__dict__, "id": 11, "participant_id": ME})
    assert (
        rank(
            [PACKAGING_REQUEST], [colleague, mine_offer], participant_id=ME, organisation_id=MY_ORG
        )
        == []
    )


def test_a_counterpart_appears_once_with_its_best_pair_and_the_number_of_pairs() -> None:
    weak = offer(10, 2, "Máy sấy chè", {"food_processing"})
    strong = offer(11, 2, "Robot đóng gói chè tự động", {"automation"}, "robot", "đóng gói")
    [suggestion] = rank(
        [PACKAGING_REQUEST], [weak, strong], participant_id=ME, organisation_id=MY_ORG
    )
    assert suggestion.best.theirs.id == 11
    assert suggestion.pair_count == 2


def test_ranking_is_deterministic_whatever_the_input_order() -> None:
    docs = [
        offer(10 + i, 2 + i % 5, f"Robot đóng gói {i}", {"automation"}, "robot") for i in range(15)
    ]
    first = rank([PACKAGING_REQUEST], docs, participant_id=ME, organisation_id=MY_ORG)
    shuffled = docs[:]
    random.Random(3).shuffle(shuffled)
    again = rank([PACKAGING_REQUEST], shuffled, participant_id=ME, organisation_id=MY_ORG)
    assert [(s.participant_id, s.score, s.best.theirs.id) for s in first] == [
        (s.participant_id, s.score, s.best.theirs.id) for s in again
    ]
    assert [s.score for s in first] == sorted((s.score for s in first), reverse=True)


def test_limit_and_empty_inputs() -> None:
    docs = [offer(10 + i, 2 + i, "Robot đóng gói chè", {"automation"}) for i in range(8)]
    assert (
        len(rank([PACKAGING_REQUEST], docs, participant_id=ME, organisation_id=None, limit=3)) == 3
    )
    assert rank([], docs, participant_id=ME, organisation_id=None) == []
    assert rank([PACKAGING_REQUEST], [], participant_id=ME, organisation_id=None) == []
    blank = offer(30, 9, "", set())
    assert rank([PACKAGING_REQUEST], [blank], participant_id=ME, organisation_id=None) == []


@pytest.mark.parametrize(
    "text",
    ["Tự động hoá dây chuyền", "ĐƯỜNG Kính", "Chuỗi lạnh – cold chain!", "Straße café"],
)
def test_fast_fold_agrees_with_the_search_folding(text: str) -> None:
    assert fast_fold(text) == " ".join(fold(text).replace("–", " ").replace("!", " ").split())


def test_chinese_text_is_compared_character_by_character() -> None:
    mine = Doc(1, ME, None, ProfileKind.technology_request, "自動化包裝設備", frozenset())
    theirs = Doc(2, 2, None, ProfileKind.technology_offer, "包裝設備 自動化 機器人", frozenset())
    [suggestion] = rank([mine], [theirs], participant_id=ME, organisation_id=None)
    assert "text" in [r.code for r in suggestion.reasons]


VOCABULARY = (
    "tự động hoá dây chuyền đóng gói chè chuỗi lạnh thuỷ sản bán dẫn vi mạch cảm biến IoT "
    "nông nghiệp công nghệ cao máy sấy năng lượng mặt trời xử lý nước thải robot hàn "
    "automation packaging cold chain seafood semiconductor sensor drying solar wastewater"
)


def _event(profiles: int, participants: int, seed: int = 7) -> list[Doc]:
    rng = random.Random(seed)
    words = VOCABULARY.split()
    kinds = list(ProfileKind)
    return [
        Doc(
            id=i,
            participant_id=1 + i % participants,
            organisation_id=1000 + i % participants,
            kind=kinds[rng.randrange(len(kinds))],
            text=" ".join(rng.choice(words) for _ in range(rng.randint(40, 120))),
            sectors=frozenset(rng.sample(list(SECTORS), rng.randint(1, 3))),
            keywords=tuple(rng.sample(words, 4)),
        )
        for i in range(profiles)
    ]


def test_sixty_profiles_of_eighty_participants_rank_well_under_200_ms() -> None:
    docs = _event(60, 80)
    mine = [d for d in docs if d.participant_id == 1]
    others = [d for d in docs if d.participant_id != 1]
    # Measured cold, as on the first request, in this thread's CPU time: the suite runs beside
    # other workers and solver processes, and a wall clock there measures the machine's
    # contention (one CI run saw 321 ms for work that takes 11 ms). The best of three cold runs.
    timings = []
    for _ in range(3):
        fast_fold.cache_clear()
        started = time.thread_time()
        ranked = rank(mine, others, participant_id=1, organisation_id=1000)
        timings.append(time.thread_time() - started)
        assert ranked
    assert min(timings) < 0.2, f"{min(timings) * 1000:.0f} ms"
