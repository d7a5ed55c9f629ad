"""Offers and requests through the HTTP API on the real database: writing, visibility,
accent-insensitive search, filters, suggestions and bad input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.events import service as events
from app.events.models import EventCreate, EventStatus
from app.matchmaking.schemas import ProfileCreate
from app.matchmaking.service import create_profile
from app.registration import organisations as organisation_service
from app.registration import service as registration
from app.registration.models import ApprovalStatus
from app.registration.schemas import OrganisationCreate, ParticipantCreate
from app.types import pk
from tests.conftest import HAI_PHONG_EVENT, make_user, token_for

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"


@dataclass
class World:
    event_id: int
    ids: dict[str, int]  # participants and profiles by short name
    headers: dict[str, dict[str, str]]  # by account: organiser, tuan, pending, outsider
    users: dict[str, User]  # the same accounts

    @property
    def profiles(self) -> str:
        return f"/api/v1/events/{self.event_id}/profiles"

    def suggestions(self, who: str) -> str:
        return f"/api/v1/events/{self.event_id}/participants/{self.ids[who]}/suggestions"


def _org(db: Session, organiser: User, name: str, country: str, name_en: str = "") -> int:
    return pk(
        organisation_service.create_organisation(
            db,
            actor=organiser,
            data=OrganisationCreate(name_vi=name, name_en=name_en, country=country),
        )
    )


def _person(db: Session, organiser: User, event_id: int, name: str, org_id: int) -> int:
    return pk(
        registration.create_participant(
            db,
            actor=organiser,
            event_id=event_id,
            data=ParticipantCreate(full_name=name, organisation_id=org_id),
            self_registration=False,
        )
    )


def _profile(db: Session, actor: User, event_id: int, **values: Any) -> int:
    return pk(
        create_profile(
            db, actor=actor, event_id=event_id, data=ProfileCreate.model_validate(values)
        )
    )


def build_world(client: TestClient, db: Session, organiser: User, delegate: User) -> World:
    """A Vietnam–Taiwan session: a tea company seeking packaging automation, a seafood
    company seeking a cold chain, Taiwanese suppliers of both, a university's sugar research,
    and a self-registered company still pending approval."""
    event = events.create_event(
        db,
        actor=organiser,
        data=EventCreate.model_validate(
            {**HAI_PHONG_EVENT, "status": EventStatus.registration_open}
        ),
    )
    event_id = pk(event)
    tea = _org(db, organiser, "Công ty Cổ phần Chè Thái Nguyên", "VN")
    seafood = _org(db, organiser, "Công ty TNHH Thuỷ sản Hải Phòng", "VN")
    formosa = _org(db, organiser, "Formosa Automation", "TW", "Formosa Automation Co., Ltd.")
    coldchain = _org(db, organiser, "Đài Loan Chuỗi Lạnh", "TW", "Taiwan Cold Chain Corp.")
    university = _org(db, organiser, "Trường Đại học Bách khoa Hà Nội", "VN")
    pending_org = _org(db, organiser, "Công ty Cơ khí Đông Anh", "VN")

    tuan = registration.create_participant(
        db,
        actor=delegate,
        event_id=event_id,
        data=ParticipantCreate(full_name="Lã Minh Tuấn", organisation_id=tea),
        self_registration=True,
    )
    registration.decide(
        db,
        actor=organiser,
        event_id=event_id,
        participant_id=pk(tuan),
        status=ApprovalStatus.approved,
    )
    pending_user = make_user(db, "giang@cokhidonganh.example", Role.delegate, name="Đỗ Hương Giang")
    pending = registration.create_participant(
        db,
        actor=pending_user,
        event_id=event_id,
        data=ParticipantCreate(full_name="Đỗ Hương Giang", organisation_id=pending_org),
        self_registration=True,
    )
    outsider = make_user(db, "khach@example.com", Role.delegate, name="Khách")
    ids = {
        "tuan": pk(tuan),
        "hanh": _person(db, organiser, event_id, "Nguyễn Thị Hạnh", seafood),
        "lin": _person(db, organiser, event_id, "Lin Wei-Ting", formosa),
        "chen": _person(db, organiser, event_id, "Chen Jia-Hao", coldchain),
        "lan": _person(db, organiser, event_id, "PGS. Trần Thị Lan", university),
        "pending": pk(pending),
    }
    ids["tea_request"] = _profile(
        db,
        delegate,
        event_id,
        kind="technology_request",
        title_vi="Tự động hoá dây chuyền đóng gói chè",
        title_en="Automating a tea packaging line",
        description_vi="Cần robot gắp, cân định lượng và đóng túi lọc 2 g, 60 gói mỗi phút.",
        sectors=["automation", "food_processing"],
        keywords=["đóng gói", "robot"],
    )
    ids["robot_offer"] = _profile(
        db,
        organiser,
        event_id,
        participant_id=ids["lin"],
        kind="technology_offer",
        title_en="Robotic packaging line for tea and coffee",
        title_local="茶葉與咖啡自動包裝機器人",
        local_language="zh",
        description_en="Pick-and-place robots, weighing and bagging; 80 bags per minute.",
        sectors=["automation", "mechanics"],
        keywords=["robot", "packaging", "đóng gói"],
        trl=8,
        ip_status="patent_granted",
        partnership_types=["technology_transfer", "supply_contract"],
    )
    ids["cold_request"] = _profile(
        db,
        organiser,
        event_id,
        participant_id=ids["hanh"],
        kind="product_request",
        title_vi="Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu",
        description_vi="Kho lạnh âm 40 độ và giám sát nhiệt độ xe tải lạnh.",
        sectors=["aquaculture", "logistics"],
        keywords=["chuỗi lạnh", "cold chain"],
    )
    ids["cold_offer"] = _profile(
        db,
        organiser,
        event_id,
        participant_id=ids["chen"],
        kind="product_offer",
        title_en="Cold chain monitoring with IoT sensors",
        title_vi="Giám sát chuỗi lạnh bằng cảm biến IoT",
        sectors=["logistics", "iot"],
        keywords=["cold chain", "IoT"],
        trl=7,
    )
    ids["sugar_result"] = _profile(
        db,
        organiser,
        event_id,
        participant_id=ids["lan"],
        kind="research_result",
        title_vi="Công nghệ sản xuất đường hữu cơ từ mía",
        sectors=["food_processing"],
        keywords=["đường mía"],
        trl=5,
        ip_status="utility_solution",
    )
    ids["lan_draft"] = _profile(
        db,
        organiser,
        event_id,
        participant_id=ids["lan"],
        kind="research_result",
        title_vi="Chế phẩm vi sinh xử lý phụ phẩm chè",
        sectors=["biotech"],
        status="draft",
    )
    ids["pending_offer"] = _profile(
        db,
        pending_user,
        event_id,
        kind="product_offer",
        title_vi="Máy đóng gói chè túi lọc",
        sectors=["mechanics", "food_processing"],
        keywords=["đóng gói"],
        trl=9,
    )
    db.commit()
    headers = {
        "organiser": token_for(client, organiser.email),
        "tuan": token_for(client, delegate.email),
        "pending": token_for(client, pending_user.email),
        "outsider": token_for(client, outsider.email),
    }
    users = {
        "organiser": organiser,
        "tuan": delegate,
        "pending": pending_user,
        "outsider": outsider,
    }
    return World(event_id, ids, headers, users)


@pytest.fixture
def world(client: TestClient, db: Session, organiser: User, delegate: User) -> World:
    return build_world(client, db, organiser, delegate)


def _problem_fields(response: Any, status: int = 422) -> set[str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    return {e["field"] for e in response.json().get("errors", [])}


def _titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["title_vi"] or p["title_en"] for p in response.json()["items"]]


# ---- writing ------------------------------------------------------------------------------


def test_delegate_publishes_a_request_for_their_own_registration(
    client: TestClient, db: Session, world: World
) -> None:
    created = client.post(
        world.profiles,
        json={
            "kind": "technology_request",
            "title_vi": "  Hệ thống sấy chè bằng năng lượng mặt trời  ",
            "sectors": ["renewable_energy", "food_processing", "renewable_energy"],
            "keywords": [" sấy ", "Sấy", "năng lượng mặt trời", ""],
            "trl": 6,
            "partnership_types": ["joint_rnd"],
        },
        headers=world.headers["tuan"],
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"{world.profiles}/{body['id']}"
    assert body["participant_id"] == world.ids["tuan"]
    assert body["participant_name"] == "Lã Minh Tuấn"
    assert body["organisation_name"] == "Công ty Cổ phần Chè Thái Nguyên"
    assert body["country"] == "VN"
    assert body["title_vi"] == "Hệ thống sấy chè bằng năng lượng mặt trời"
    assert body["sectors"] == ["food_processing", "renewable_energy"]
    assert body["keywords"] == ["sấy", "năng lượng mặt trời"]
    assert body["status"] == "published"
    entry = db.exec(
        select(AuditEntry).where(
            AuditEntry.action == "profile.create", AuditEntry.entity_id == body["id"]
        )
    ).one()
    assert entry.event_id == world.event_id
    assert entry.changes["title_vi"] == [None, "Hệ thống sấy chè bằng năng lượng mặt trời"]


def test_delegate_cannot_write_for_someone_else(client: TestClient, world: World) -> None:
    response = client.post(
        world.profiles,
        json={"participant_id": world.ids["hanh"], "kind": "product_offer", "title_vi": "Máy"},
        headers=world.headers["tuan"],
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)
    patch = client.patch(
        f"{world.profiles}/{world.ids['cold_request']}",
        json={"title_vi": "Đã sửa"},
        headers=world.headers["tuan"],
    )
    assert patch.status_code == 403
    unchanged = client.get(f"{world.profiles}/{world.ids['cold_request']}").json()
    assert unchanged["title_vi"] == "Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu"


def test_someone_not_registered_cannot_publish(client: TestClient, world: World) -> None:
    response = client.post(
        world.profiles,
        json={"kind": "product_offer", "title_vi": "Máy sấy"},
        headers=world.headers["outsider"],
    )
    assert response.status_code == 403


def test_owner_updates_and_the_search_follows(client: TestClient, world: World) -> None:
    url = f"{world.profiles}/{world.ids['tea_request']}"
    updated = client.patch(
        url,
        json={"title_en": "Tea sachet automation", "sectors": ["automation"], "trl": None},
        headers=world.headers["tuan"],
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["title_en"] == "Tea sachet automation"
    assert body["title_vi"] == "Tự động hoá dây chuyền đóng gói chè"  # untouched
    assert body["sectors"] == ["automation"]
    found = client.get(world.profiles, params={"q": "SACHET"})
    assert [p["id"] for p in found.json()["items"]] == [world.ids["tea_request"]]
    assert (
        client.get(world.profiles, params={"sector": "food_processing", "q": "tea"}).json()["total"]
        == 0
    )


def test_withdrawn_profile_disappears_for_others_but_stays_for_the_owner(
    client: TestClient, world: World
) -> None:
    url = f"{world.profiles}/{world.ids['tea_request']}"
    gone = client.delete(url, headers=world.headers["tuan"])
    assert gone.status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(url, headers=world.headers["outsider"]).status_code == 404
    assert "Tự động hoá dây chuyền đóng gói chè" not in _titles(client.get(world.profiles))
    mine = client.get(url, headers=world.headers["tuan"])
    assert mine.json()["status"] == "withdrawn"
    listed = client.get(
        world.profiles, params={"status": "withdrawn"}, headers=world.headers["tuan"]
    )
    assert _titles(listed) == ["Tự động hoá dây chuyền đóng gói chè"]
    # Publishing again brings it back.
    back = client.patch(url, json={"status": "published"}, headers=world.headers["tuan"])
    assert back.json()["status"] == "published"
    assert client.get(url).status_code == 200


def test_closed_event_refuses_changes(
    client: TestClient, db: Session, organiser: User, world: World
) -> None:
    client.patch(
        f"/api/v1/events/{world.event_id}",
        json={"status": "closed"},
        headers=world.headers["organiser"],
    )
    response = client.patch(
        f"{world.profiles}/{world.ids['tea_request']}",
        json={"title_en": "Late change"},
        headers=world.headers["tuan"],
    )
    assert "event_id" in _problem_fields(response, 409)


# ---- visibility ---------------------------------------------------------------------------


def test_drafts_are_seen_by_their_owner_side_and_organisers_only(
    client: TestClient, world: World
) -> None:
    draft = f"{world.profiles}/{world.ids['lan_draft']}"
    assert client.get(draft).status_code == 404
    assert client.get(draft, headers=world.headers["tuan"]).status_code == 404
    assert client.get(draft, headers=world.headers["organiser"]).json()["status"] == "draft"
    assert "Chế phẩm vi sinh xử lý phụ phẩm chè" not in _titles(client.get(world.profiles))
    assert "Chế phẩm vi sinh xử lý phụ phẩm chè" in _titles(
        client.get(world.profiles, headers=world.headers["organiser"])
    )


def test_pending_participants_profiles_wait_for_approval(
    client: TestClient, db: Session, organiser: User, world: World
) -> None:
    url = f"{world.profiles}/{world.ids['pending_offer']}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=world.headers["tuan"]).status_code == 404
    assert client.get(url, headers=world.headers["pending"]).status_code == 200
    assert "Máy đóng gói chè túi lọc" in _titles(
        client.get(world.profiles, headers=world.headers["pending"])
    )
    assert "Máy đóng gói chè túi lọc" not in _titles(client.get(world.profiles))
    registration.decide(
        db,
        actor=organiser,
        event_id=world.event_id,
        participant_id=world.ids["pending"],
        status=ApprovalStatus.approved,
    )
    db.commit()
    assert client.get(url).status_code == 200
    assert "Máy đóng gói chè túi lọc" in _titles(client.get(world.profiles))


def test_draft_event_profiles_are_invisible_to_the_public(client: TestClient, world: World) -> None:
    client.patch(
        f"/api/v1/events/{world.event_id}",
        json={"status": "draft"},
        headers=world.headers["organiser"],
    )
    assert client.get(world.profiles).status_code == 404
    assert client.get(f"{world.profiles}/{world.ids['robot_offer']}").status_code == 404


# ---- search -------------------------------------------------------------------------------

ROBOT = "Robotic packaging line for tea and coffee"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # the robot offer is found through its sector, "Tự động hoá, robot"
        ("tu dong hoa", ["Tự động hoá dây chuyền đóng gói chè", ROBOT]),
        ("TỰ ĐỘNG HÓA", ["Tự động hoá dây chuyền đóng gói chè", ROBOT]),  # other tone mark
        ("tu dong hoa day chuyen", ["Tự động hoá dây chuyền đóng gói chè"]),
        ("DUONG", ["Công nghệ sản xuất đường hữu cơ từ mía"]),
        (
            "chuoi lanh",
            [
                "Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu",
                "Giám sát chuỗi lạnh bằng cảm biến IoT",
            ],
        ),
        ("thuy san hai phong", ["Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu"]),  # organisation
        (
            "che bien thuc pham",
            [  # a sector's Vietnamese label
                "Tự động hoá dây chuyền đóng gói chè",
                "Công nghệ sản xuất đường hữu cơ từ mía",
            ],
        ),
        (
            "Food processing",
            [  # the same sector's English label
                "Tự động hoá dây chuyền đóng gói chè",
                "Công nghệ sản xuất đường hữu cơ từ mía",
            ],
        ),
        # Ranked: the English title holds both words; the other has them as keywords.
        ("robot packaging", [ROBOT, "Tự động hoá dây chuyền đóng gói chè"]),
        ("咖啡", [ROBOT]),
        ("tu dong hoa robot khong co", []),  # every word must occur
        (
            "%",
            [  # punctuation is no wildcard: no words, no filter
                "Tự động hoá dây chuyền đóng gói chè",
                "Robotic packaging line for tea and coffee",
                "Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu",
                "Giám sát chuỗi lạnh bằng cảm biến IoT",
                "Công nghệ sản xuất đường hữu cơ từ mía",
            ],
        ),
        ("cold_chain", []),  # "_" is a letter here, not LIKE's any-character
    ],
)
def test_search_ignores_accents_and_case(
    client: TestClient, world: World, q: str, expected: list[str]
) -> None:
    response = client.get(world.profiles, params={"q": q})
    assert _titles(response) == expected
    assert response.json()["total"] == len(expected)


# ---- filters and paging -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "technology_offer"}, ["robot_offer"]),
        ({"kind": "product_request", "q": "lanh"}, ["cold_request"]),
        ({"sector": "logistics"}, ["cold_request", "cold_offer"]),
        ({"country": "TW"}, ["robot_offer", "cold_offer"]),
        ({"country": "tw", "sector": "iot"}, ["cold_offer"]),
        ({"trl": 7}, ["cold_offer"]),
        ({"trl_min": 6}, ["robot_offer", "cold_offer"]),
        ({"trl_max": 5}, ["sugar_result"]),
        ({"trl_min": 5, "trl_max": 7}, ["cold_offer", "sugar_result"]),
        ({"participant_id": "lan"}, ["sugar_result"]),
    ],
)
def test_filters(
    client: TestClient, world: World, params: dict[str, Any], expected: list[str]
) -> None:
    if params.get("participant_id") in world.ids:
        params = {**params, "participant_id": world.ids[params["participant_id"]]}
    body = client.get(world.profiles, params=params).json()
    assert [p["id"] for p in body["items"]] == [world.ids[name] for name in expected]
    assert body["total"] == len(expected)


def test_paging_keeps_a_stable_order_and_the_total(client: TestClient, world: World) -> None:
    first = client.get(world.profiles, params={"limit": 2}).json()
    second = client.get(world.profiles, params={"limit": 2, "offset": 2}).json()
    everything = client.get(world.profiles).json()
    assert first["total"] == second["total"] == everything["total"] == 5
    ids = [p["id"] for p in everything["items"]]
    assert ids == sorted(ids)
    assert [p["id"] for p in first["items"] + second["items"]] == ids[:4]


def test_public_shape_carries_labels_data(client: TestClient, world: World) -> None:
    body = client.get(f"{world.profiles}/{world.ids['robot_offer']}").json()
    assert body["organisation_name"] == "Formosa Automation"
    assert body["country"] == "TW"
    assert body["participant_name"] == "Lin Wei-Ting"
    assert body["title_local"] == "茶葉與咖啡自動包裝機器人"
    assert body["local_language"] == "zh"
    assert body["ip_status"] == "patent_granted"
    assert body["partnership_types"] == ["technology_transfer", "supply_contract"]
    assert "search_text" not in body


# ---- suggestions --------------------------------------------------------------------------


def test_tea_company_is_suggested_the_packaging_robot_with_reasons(
    client: TestClient, world: World
) -> None:
    response = client.get(world.suggestions("tuan"), headers=world.headers["tuan"])
    assert response.status_code == 200, response.text
    suggestions = response.json()
    names = [s["participant"]["full_name"] for s in suggestions]
    assert names[0] == "Lin Wei-Ting"
    # Hạnh asks for something too (request vs request) and the pending company is unseen.
    assert "Nguyễn Thị Hạnh" not in names
    assert "Đỗ Hương Giang" not in names
    best = suggestions[0]
    assert best["profile"]["id"] == world.ids["robot_offer"]
    assert best["matches"]["id"] == world.ids["tea_request"]
    assert best["participant"]["organisation_name"] == "Formosa Automation"
    assert best["participant"]["country"] == "TW"
    reasons = {r["code"]: r for r in best["reasons"]}
    assert reasons["sector"]["en"] == "same sector: automation and robotics"
    assert reasons["sector"]["vi"] == "cùng lĩnh vực: tự động hoá, robot"
    # "packaging", their keyword, is in the tea company's English title.
    assert reasons["keywords"]["vi"] == "từ khoá: đóng gói, packaging, robot"
    # An English reason lists the English keywords only.
    assert reasons["keywords"]["en"] == "keywords: packaging, robot"
    assert reasons["keywords"]["vi"] == "từ khoá: đóng gói, packaging, robot"
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


def test_seafood_company_is_suggested_the_cold_chain_first(
    client: TestClient, world: World
) -> None:
    suggestions = client.get(world.suggestions("hanh"), headers=world.headers["organiser"]).json()
    assert suggestions[0]["participant"]["full_name"] == "Chen Jia-Hao"
    assert "keywords: cold chain" in [r["en"] for r in suggestions[0]["reasons"]]
    assert "từ khoá: chuỗi lạnh, cold chain" in [r["vi"] for r in suggestions[0]["reasons"]]


def test_suggestions_limit_and_who_may_ask(client: TestClient, world: World) -> None:
    limited = client.get(
        world.suggestions("tuan"), params={"limit": 1}, headers=world.headers["tuan"]
    )
    assert len(limited.json()) == 1
    assert client.get(world.suggestions("tuan")).status_code == 401
    assert client.get(world.suggestions("hanh"), headers=world.headers["tuan"]).status_code == 403
    assert (
        client.get(world.suggestions("tuan"), headers=world.headers["outsider"]).status_code == 403
    )
    assert "limit" in _problem_fields(
        client.get(world.suggestions("tuan"), params={"limit": 0}, headers=world.headers["tuan"])
    )


def test_participant_without_profiles_gets_no_suggestions(client: TestClient, world: World) -> None:
    client.delete(f"{world.profiles}/{world.ids['tea_request']}", headers=world.headers["tuan"])
    assert client.get(world.suggestions("tuan"), headers=world.headers["tuan"]).json() == []


# ---- vocabularies -------------------------------------------------------------------------


def test_vocabularies_are_public_and_bilingual(client: TestClient) -> None:
    response = client.get("/api/v1/vocabularies")
    assert response.status_code == 200
    body = response.json()
    sectors = {t["code"]: t for t in body["sectors"]}
    assert sectors["food_processing"] == {
        "code": "food_processing",
        "vi": "Chế biến thực phẩm, đồ uống",
        "en": "Food and beverage processing",
    }
    kinds = {t["code"]: t["side"] for t in body["profile_kinds"]}
    assert kinds["technology_offer"] == "offer"
    assert kinds["product_request"] == "request"
    assert kinds["partner_search"] == "either"
    assert {"ip_statuses", "partnership_types", "organisation_kinds", "countries", "languages"} <= (
        body.keys()
    )
    assert {t["code"] for t in body["countries"]} >= {"VN", "TW", "JP", "KR"}
    assert body["trl"] == list(range(1, 10))
    assert {t["code"]: t["vi"] for t in body["budgets"]}["2b_10b"] == "2 – 10 tỷ đồng"


# ---- bad input ----------------------------------------------------------------------------

GOOD = {"kind": "technology_request", "title_vi": "Tự động hoá"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "technology_request"}, "title_vi"),
        ({**GOOD, "title_vi": "   "}, "title_vi"),
        ({"title_vi": "x"}, "kind"),
        ({**GOOD, "kind": "gift"}, "kind"),
        ({**GOOD, "sectors": ["tea"]}, "sectors"),
        ({**GOOD, "sectors": "automation"}, "sectors"),
        ({**GOOD, "keywords": [f"k{i}" for i in range(21)]}, "keywords"),
        ({**GOOD, "keywords": ["x" * 61]}, "keywords"),
        ({**GOOD, "keywords": [f"k{i}" for i in range(201)]}, "keywords"),
        ({**GOOD, "trl": 10}, "trl"),
        ({**GOOD, "trl": 0}, "trl"),
        ({**GOOD, "trl": "high"}, "trl"),
        ({**GOOD, "ip_status": "secret"}, "ip_status"),
        ({**GOOD, "budget": "a lot"}, "budget"),
        ({**GOOD, "partnership_types": ["marriage"]}, "partnership_types"),
        ({**GOOD, "status": "archived"}, "status"),
        ({**GOOD, "local_language": "chinese!"}, "local_language"),
        ({**GOOD, "title_en": "x" * 301}, "title_en"),
        ({**GOOD, "description_vi": "x" * 10001}, "description_vi"),
        ({**GOOD, "participant_id": "me"}, "participant_id"),
    ],
)
def test_bad_profile_is_a_problem_naming_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    response = client.post(world.profiles, json=body, headers=world.headers["tuan"])
    assert field in _problem_fields(response)


def test_organiser_must_name_the_participant(client: TestClient, world: World) -> None:
    response = client.post(world.profiles, json=GOOD, headers=world.headers["organiser"])
    assert "participant_id" in _problem_fields(response)
    other_event = client.post(
        "/api/v1/events", json=HAI_PHONG_EVENT, headers=world.headers["organiser"]
    ).json()["id"]
    response = client.post(
        f"/api/v1/events/{other_event}/profiles",
        json={**GOOD, "participant_id": world.ids["hanh"]},
        headers=world.headers["organiser"],
    )
    assert "participant_id" in _problem_fields(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title_vi": "", "title_en": "", "title_local": ""}, "title_vi"),
        ({"title_vi": None, "title_en": None, "title_local": None}, "title_vi"),
        ({"title_vi": ""}, "title_vi"),  # the request has no other title
        ({"sectors": ["bogus"]}, "sectors"),
        ({"trl": 12}, "trl"),
        ({"kind": "nope"}, "kind"),
    ],
)
def test_bad_update_is_a_problem_naming_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    response = client.patch(
        f"{world.profiles}/{world.ids['cold_request']}",
        json=body,
        headers=world.headers["organiser"],
    )
    assert field in _problem_fields(response)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sector": "tea"}, "sector"),
        ({"country": "1X"}, "country"),
        ({"country": "VNM"}, "country"),
        ({"trl": 0}, "trl"),
        ({"trl_min": 5, "trl_max": 3}, "trl_max"),
        ({"kind": "gift"}, "kind"),
        ({"status": "archived"}, "status"),
        ({"q": "x" * 201}, "q"),
        ({"q": " ".join(f"w{i}" for i in range(13))}, "q"),
        ({"limit": 0}, "limit"),
        ({"participant_id": "me"}, "participant_id"),
    ],
)
def test_bad_list_parameters_name_the_parameter(
    client: TestClient, world: World, params: dict[str, Any], field: str
) -> None:
    assert field in _problem_fields(client.get(world.profiles, params=params))


def test_unknown_profile_and_profile_of_another_event_are_404(
    client: TestClient, world: World
) -> None:
    assert client.get(f"{world.profiles}/999999").status_code == 404
    other_event = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=world.headers["organiser"],
    ).json()["id"]
    response = client.get(f"/api/v1/events/{other_event}/profiles/{world.ids['robot_offer']}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


def test_malformed_json_is_422_not_500(client: TestClient, world: World) -> None:
    response = client.post(
        world.profiles,
        content=b'{"kind": "technology_offer", ',
        headers={**world.headers["tuan"], "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


def test_audit_log_records_update_and_withdrawal(
    client: TestClient, db: Session, world: World
) -> None:
    url = f"{world.profiles}/{world.ids['tea_request']}"
    client.patch(url, json={"trl": 4}, headers=world.headers["tuan"])
    client.delete(url, headers=world.headers["tuan"])
    actions = db.exec(
        select(AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.entity == "profile", AuditEntry.entity_id == world.ids["tea_request"])
        .order_by(col(AuditEntry.id))
    ).all()
    assert [a for a, _ in actions] == ["profile.create", "profile.update", "profile.withdraw"]
    assert actions[1][1] == {"trl": [None, 4]}
    assert actions[2][1] == {"status": ["published", "withdrawn"]}


def test_a_request_states_its_budget_range_and_can_clear_it(
    client: TestClient, world: World
) -> None:
    created = client.post(
        world.profiles, json={**GOOD, "budget": "under_500m"}, headers=world.headers["tuan"]
    )
    assert created.status_code == 201, created.text
    url = f"{world.profiles}/{created.json()['id']}"
    assert client.get(url).json()["budget"] == "under_500m"
    changed = client.patch(url, json={"budget": "to_discuss"}, headers=world.headers["tuan"])
    assert changed.json()["budget"] == "to_discuss"
    kept = client.patch(url, json={"trl": 4}, headers=world.headers["tuan"])
    assert kept.json()["budget"] == "to_discuss"  # left out: unchanged
    cleared = client.patch(url, json={"budget": None}, headers=world.headers["tuan"])
    assert cleared.json()["budget"] is None
