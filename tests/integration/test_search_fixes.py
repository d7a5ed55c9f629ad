"""Search that finds what people mean (issue 17), on SQLite and PostgreSQL alike: every
term must match (short ones as whole words), best matches first, simplified and traditional
Chinese fold together, and the results page marks the matched words."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.auth.models import User
from app.events import service as events
from app.events.models import EventCreate, EventStatus
from app.matchmaking.schemas import ProfileCreate
from app.matchmaking.service import create_profile
from app.registration import organisations as organisation_service
from app.registration import service as registration
from app.registration.schemas import OrganisationCreate, ParticipantCreate
from app.text import fold, highlight, refold
from app.types import pk
from tests.conftest import HAI_PHONG_EVENT

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROFILES: dict[str, dict[str, Any]] = {
    "galvanising": {
        "kind": "technology_offer",
        "title_vi": "Dây chuyền mạ kẽm nhúng nóng cho kết cấu thép",
        "keywords": ["mạ kẽm", "chống ăn mòn"],
    },
    "wafer": {
        "kind": "technology_offer",
        "title_vi": "Máy kiểm tra wafer bán dẫn",
        "description_vi": "Máy đo kèm phần mềm phân tích, hiển thị trên màn hình.",
    },
    "solar": {
        "kind": "technology_offer",
        "title_vi": "Tấm pin mặt trời kèm bộ lưu điện",
        "description_vi": "Bảo hành 10 năm, mã sản phẩm SP-200.",
    },
    "shrimp_title": {
        "kind": "technology_request",
        "title_vi": "Tìm công nghệ nuôi tôm thẻ chân trắng siêu thâm canh",
    },
    "shrimp_keywords": {
        "kind": "technology_request",
        "title_vi": "Thức ăn thuỷ sản",
        "keywords": ["tôm thẻ", "thức ăn"],
    },
    "shrimp_apart": {
        "kind": "technology_offer",
        "title_vi": "Chế phẩm sinh học cho ao nuôi",
        "description_vi": "Dùng cho tôm, cá; thẻ bảo hành kèm theo.",
    },
    "tomato": {
        "kind": "technology_offer",
        "title_vi": "Giống cà chua (tomato) chịu nhiệt",
        "description_vi": "Thẻ xanh của nhà phân phối.",
    },
    "traditional": {
        "kind": "technology_offer",
        "title_vi": "Giải pháp tự động hoá nhà máy",
        "title_local": "工廠自動化解決方案",
        "keywords": ["廢水處理"],
        "local_language": "zh",
    },
    "script": {
        "kind": "technology_offer",
        "title_vi": "Mạ kẽm <script>alert(1)</script> & sơn tĩnh điện",
    },
}


@pytest.fixture
def world(db: Session, organiser: User) -> tuple[int, dict[str, int]]:
    event = events.create_event(
        db,
        actor=organiser,
        data=EventCreate.model_validate(
            {**HAI_PHONG_EVENT, "status": EventStatus.registration_open}
        ),
    )
    event_id = pk(event)
    org = organisation_service.create_organisation(
        db, actor=organiser, data=OrganisationCreate(name_vi="Công ty Thử nghiệm", country="VN")
    )
    person = registration.create_participant(
        db,
        actor=organiser,
        event_id=event_id,
        data=ParticipantCreate(full_name="Nguyễn Văn An", organisation_id=pk(org)),
        self_registration=False,
    )
    ids = {
        name: pk(
            create_profile(
                db,
                actor=organiser,
                event_id=event_id,
                data=ProfileCreate.model_validate({**values, "participant_id": pk(person)}),
            )
        )
        for name, values in PROFILES.items()
    }
    db.commit()
    return event_id, ids


def _found(client: TestClient, event_id: int, q: str) -> list[int]:
    response = client.get(f"/api/v1/events/{event_id}/profiles", params={"q": q, "limit": 50})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_short_accent_free_terms_must_all_match_as_whole_words(
    client: TestClient, world: tuple[int, dict[str, int]]
) -> None:
    event_id, ids = world
    # "ma kem" is "mạ kẽm" first; "máy ... kèm" (wafer testing, no whole word "ma") is
    # not found; "mã ... kèm" (solar, both words, apart in prose) comes last.
    found = _found(client, event_id, "ma kem")
    assert found[:2] == [ids["galvanising"], ids["script"]]
    assert ids["wafer"] not in found
    assert found[2:] == [ids["solar"]]
    assert _found(client, event_id, "mạ kẽm") == found


def test_best_matches_come_first(client: TestClient, world: tuple[int, dict[str, int]]) -> None:
    event_id, ids = world
    found = _found(client, event_id, "tom the")
    # In the title as a phrase, then in the keywords, then apart in a description;
    # "tomato" and a green card ("thẻ xanh") are no shrimp.
    assert found == [ids["shrimp_title"], ids["shrimp_keywords"], ids["shrimp_apart"]]


def test_simplified_and_traditional_chinese_find_each_other(
    client: TestClient, world: tuple[int, dict[str, int]]
) -> None:
    event_id, ids = world
    for q in ("自动化", "自動化", "废水", "廢水", "工厂"):
        assert _found(client, event_id, q) == [ids["traditional"]], q
    assert fold("工廠自動化") == fold("工厂自动化") == "工厂自动化"


def test_longer_terms_match_word_starts(
    client: TestClient, world: tuple[int, dict[str, int]]
) -> None:
    event_id, ids = world
    assert _found(client, event_id, "tu dong") == [ids["traditional"]]
    assert _found(client, event_id, "chong an mon") == [ids["galvanising"]]
    assert _found(client, event_id, "galvan") == []


def test_results_page_marks_the_matched_words_and_escapes_the_rest(
    client: TestClient, world: tuple[int, dict[str, int]]
) -> None:
    event_id, _ = world
    page = client.get(f"/events/{event_id}/profiles", params={"q": "ma kem"})
    assert page.status_code == 200
    assert "<mark>mạ</mark> <mark>kẽm</mark>" in page.text
    assert (
        "<mark>Mạ</mark> <mark>kẽm</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page.text
    )
    assert "<script>alert(1)" not in page.text
    chinese = client.get(f"/events/{event_id}/profiles", params={"q": "自动化"})
    assert "工廠<mark>自動化</mark>解決方案" in chinese.text


def test_highlight_escapes_and_marks_words() -> None:
    assert str(highlight("Máy <b>mạ</b> kẽm", ["ma", "kem"])) == (
        "Máy &lt;b&gt;<mark>mạ</mark>&lt;/b&gt; <mark>kẽm</mark>"
    )


def test_existing_rows_are_refolded_by_the_migration_rule(
    db: Session, world: tuple[int, dict[str, int]]
) -> None:
    _, ids = world
    stored = db.exec(  # type: ignore[call-overload]
        text("SELECT search_text FROM profile WHERE id = :id"), params={"id": ids["traditional"]}
    ).one()[0]
    assert " 工厂自动化解决方案 " in stored
    # What an old row held (unpadded, traditional) refolds to what saving stores today.
    assert refold("giai phap tu dong hoa nha may 工廠自動化解決方案") == (
        " giai phap tu dong hoa nha may 工厂自动化解决方案 "
    )
    assert refold(stored) == stored
