"""Organisations, delegations and participants through the HTTP API, on the real database."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.auth.models import Role, User
from app.registration.models import Organisation, Participant
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, make_user, token_for

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"
Headers = dict[str, str]


def _fields(response: Any) -> set[str]:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return {e["field"] for e in response.json().get("errors", [])}


@pytest.fixture
def open_event(client: TestClient, organiser_headers: Headers) -> int:
    created = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=organiser_headers,
    )
    assert created.status_code == 201, created.text
    event_id = int(created.json()["id"])
    session = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    )
    assert session.status_code == 201, session.text
    return event_id


@pytest.fixture
def hanh(db: Session) -> User:
    return make_user(db, "hanh@thucpham-hp.example", Role.delegate, name="Nguyễn Thị Hạnh")


@pytest.fixture
def hanh_headers(client: TestClient, hanh: User) -> Headers:
    return token_for(client, hanh.email)


def _slot_ids(client: TestClient, event_id: int, headers: Headers) -> list[int]:
    sessions = client.get(f"/api/v1/events/{event_id}/sessions", headers=headers).json()
    out: list[int] = []
    for s in sessions:
        slots = client.get(
            f"/api/v1/events/{event_id}/sessions/{s['id']}/slots", headers=headers
        ).json()
        out += [slot["id"] for slot in slots]
    return out


def _register_self(
    client: TestClient, event_id: int, headers: Headers, **extra: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/events/{event_id}/participants",
        json={"full_name": "Lã Minh Tuấn", "position": "Giám đốc", **extra},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _organisation(client: TestClient, headers: Headers, **values: Any) -> dict[str, Any]:
    response = client.post("/api/v1/organisations", json=values, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


# ---- organisations ------------------------------------------------------------------------


def test_duplicate_organisation_written_differently_is_refused_naming_the_existing_one(
    client: TestClient, delegate_headers: Headers, organiser_headers: Headers, db: Session
) -> None:
    first = _organisation(
        client, delegate_headers, name_vi="Công ty TNHH Cơ khí Hải Phòng", country="VN"
    )
    twin = client.post(
        "/api/v1/organisations",
        json={"name_vi": "CONG TY CO KHI HAI PHONG JSC", "country": "vn"},
        headers=organiser_headers,
    )
    assert twin.status_code == 409
    assert _fields(twin) == {"name_vi"}
    assert "Công ty TNHH Cơ khí Hải Phòng" in twin.json()["detail"]
    assert f"id {first['id']}" not in twin.json()["detail"]  # a name, not a database id
    assert db.exec(select(func.count()).select_from(Organisation)).one() == 1
    # The same name in another country is another enterprise.
    abroad = client.post(
        "/api/v1/organisations",
        json={"name_vi": "CONG TY CO KHI HAI PHONG JSC", "country": "TW"},
        headers=organiser_headers,
    )
    assert abroad.status_code == 201, abroad.text


def test_organisation_search_ignores_accents_and_filters(
    client: TestClient, organiser_headers: Headers
) -> None:
    _organisation(
        client,
        organiser_headers,
        name_vi="Công ty TNHH Cơ khí Hải Phòng",
        sectors=["mechanics"],
        province="Hải Phòng",
    )
    _organisation(
        client,
        organiser_headers,
        name_vi="Viện Công nghệ sinh học",
        kind="research_institute",
        sectors=["biotech"],
    )
    _organisation(
        client,
        organiser_headers,
        name_vi="Công ty Cổ phần Tự động hoá Đài Bắc",
        name_local="台北自動化股份有限公司",
        country="TW",
        sectors=["automation"],
    )

    def names(**params: str) -> list[str]:
        response = client.get("/api/v1/organisations", params=params, headers=organiser_headers)
        assert response.status_code == 200, response.text
        return [o["name_vi"] for o in response.json()["items"]]

    assert names(q="co khi hai phong") == ["Công ty TNHH Cơ khí Hải Phòng"]
    assert names(q="TỰ ĐỘNG") == ["Công ty Cổ phần Tự động hoá Đài Bắc"]
    assert names(q="台北") == ["Công ty Cổ phần Tự động hoá Đài Bắc"]
    assert names(country="tw") == ["Công ty Cổ phần Tự động hoá Đài Bắc"]
    assert names(kind="research_institute") == ["Viện Công nghệ sinh học"]
    assert names(sector="biotech") == ["Viện Công nghệ sinh học"]
    assert len(names()) == 3
    page = client.get(
        "/api/v1/organisations", params={"limit": 2, "offset": 2}, headers=organiser_headers
    ).json()
    assert page["total"] == 3
    assert len(page["items"]) == 1
    bad = client.get("/api/v1/organisations?sector=mining", headers=organiser_headers)
    assert bad.status_code == 422
    assert _fields(bad) == {"sector"}
    bad_kind = client.get("/api/v1/organisations?kind=bank", headers=organiser_headers)
    assert bad_kind.status_code == 422
    assert _fields(bad_kind) == {"kind"}


def test_organisation_directory_needs_an_account(client: TestClient) -> None:
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)


def test_organisation_is_edited_by_its_registrant_or_organisers_only(
    client: TestClient, delegate_headers: Headers, hanh_headers: Headers
) -> None:
    org = _organisation(client, delegate_headers, name_vi="Công ty TNHH Cơ khí Hải Phòng")
    url = f"/api/v1/organisations/{org['id']}"
    assert client.patch(url, json={"website": "x"}, headers=hanh_headers).status_code == 403
    own = client.patch(url, json={"website": "https://cokhihp.vn"}, headers=delegate_headers)
    assert own.status_code == 200
    assert client.get(url, headers=hanh_headers).json()["website"] == "https://cokhihp.vn"
    empty = client.patch(url, json={"name_vi": "   "}, headers=delegate_headers)
    assert empty.status_code == 422
    assert _fields(empty) == {"name_vi"}
    missing = client.get("/api/v1/organisations/999999", headers=delegate_headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)


# ---- self-registration and approval -------------------------------------------------------


def test_self_registration_is_linked_to_the_account_and_pending(
    client: TestClient, open_event: int, delegate: User, delegate_headers: Headers
) -> None:
    body = _register_self(client, open_event, delegate_headers, languages=["vi", "en"])
    assert body["status"] == "pending"
    assert body["user_id"] == delegate.id
    assert body["email"] == delegate.email
    me = client.get(f"/api/v1/events/{open_event}/participants/me", headers=delegate_headers)
    assert me.status_code == 200
    assert me.json()["id"] == body["id"]
    again = client.post(
        f"/api/v1/events/{open_event}/participants",
        json={"full_name": "Lã Minh Tuấn"},
        headers=delegate_headers,
    )
    assert again.status_code == 409
    assert _fields(again) == {"email"}


def test_registering_oneself_with_a_new_organisation_creates_it(
    client: TestClient, open_event: int, delegate_headers: Headers
) -> None:
    body = _register_self(
        client,
        open_event,
        delegate_headers,
        organisation={
            "name_vi": "Công ty TNHH Cơ khí Hải Phòng",
            "kind": "enterprise",
            "country": "VN",
            "sectors": ["mechanics"],
        },
    )
    assert body["organisation_name"] == "Công ty TNHH Cơ khí Hải Phòng"
    assert body["country"] == "VN"


def test_registration_with_a_duplicate_new_organisation_writes_nothing(
    client: TestClient,
    open_event: int,
    organiser_headers: Headers,
    delegate_headers: Headers,
    db: Session,
) -> None:
    _organisation(client, organiser_headers, name_vi="Công ty TNHH Cơ khí Hải Phòng")
    response = client.post(
        f"/api/v1/events/{open_event}/participants",
        json={
            "full_name": "Lã Minh Tuấn",
            "organisation": {"name_vi": "CONG TY CO KHI HAI PHONG JSC"},
        },
        headers=delegate_headers,
    )
    assert response.status_code == 409
    assert _fields(response) == {"organisation.name_vi"}
    assert db.exec(select(func.count()).select_from(Participant)).one() == 0


def test_self_registration_needs_open_registration(
    client: TestClient, event_id: int, organiser_headers: Headers, delegate_headers: Headers
) -> None:
    url = f"/api/v1/events/{event_id}/participants"
    draft = client.post(url, json={"full_name": "Lã Minh Tuấn"}, headers=delegate_headers)
    assert draft.status_code == 404  # a draft is invisible to delegates
    client.patch(
        f"/api/v1/events/{event_id}", json={"status": "scheduling"}, headers=organiser_headers
    )
    closed = client.post(url, json={"full_name": "Lã Minh Tuấn"}, headers=delegate_headers)
    assert closed.status_code == 409
    assert _fields(closed) == {"event_id"}
    client.patch(
        f"/api/v1/events/{event_id}",
        json={"status": "registration_open", "registration_closes_at": "2020-01-01T00:00:00Z"},
        headers=organiser_headers,
    )
    late = client.post(url, json={"full_name": "Lã Minh Tuấn"}, headers=delegate_headers)
    assert late.status_code == 409
    assert "hết hạn đăng ký" in late.json()["detail"]


def test_self_registration_cannot_name_another_email_or_staff_role(
    client: TestClient, open_event: int, delegate_headers: Headers
) -> None:
    url = f"/api/v1/events/{open_event}/participants"
    other = client.post(
        url,
        json={"full_name": "Lã Minh Tuấn", "email": "ai.do@example.com", "for_self": True},
        headers=delegate_headers,
    )
    assert other.status_code == 422
    assert _fields(other) == {"email"}
    someone_else = client.post(
        url, json={"full_name": "Ai Đó", "email": "ai.do@example.com"}, headers=delegate_headers
    )
    assert someone_else.status_code == 403
    staff = client.post(
        url, json={"full_name": "Lã Minh Tuấn", "role": "staff"}, headers=delegate_headers
    )
    assert staff.status_code == 422
    assert _fields(staff) == {"role"}
    greedy = client.post(
        url, json={"full_name": "Lã Minh Tuấn", "meeting_cap": 50}, headers=delegate_headers
    )
    assert greedy.status_code == 422
    assert _fields(greedy) == {"meeting_cap"}


def test_approval_workflow(
    client: TestClient,
    open_event: int,
    organiser_headers: Headers,
    delegate_headers: Headers,
    hanh_headers: Headers,
) -> None:
    mine = _register_self(client, open_event, delegate_headers)
    url = f"/api/v1/events/{open_event}/participants/{mine['id']}"
    # Pending: invisible to others, listed for the organiser only.
    assert client.get(url, headers=hanh_headers).status_code == 404
    assert client.get(url).status_code == 401  # names are for accounts only
    public = client.get(f"/api/v1/events/{open_event}/participants", headers=hanh_headers)
    assert public.json()["total"] == 0
    listed = client.get(
        f"/api/v1/events/{open_event}/participants?status=pending", headers=organiser_headers
    ).json()
    assert [p["id"] for p in listed["items"]] == [mine["id"]]

    no_reason = client.post(
        url + "/decision", json={"status": "rejected", "reason": "  "}, headers=organiser_headers
    )
    assert no_reason.status_code == 422
    assert _fields(no_reason) == {"reason"}
    delegate_decides = client.post(
        url + "/decision", json={"status": "approved"}, headers=delegate_headers
    )
    assert delegate_decides.status_code == 403
    rejected = client.post(
        url + "/decision",
        json={"status": "rejected", "reason": "Hồ sơ doanh nghiệp chưa đầy đủ"},
        headers=organiser_headers,
    )
    assert rejected.status_code == 200
    me = client.get(f"/api/v1/events/{open_event}/participants/me", headers=delegate_headers)
    assert me.json()["status"] == "rejected"
    assert me.json()["rejection_reason"] == "Hồ sơ doanh nghiệp chưa đầy đủ"

    approved = client.post(
        url + "/decision", json={"status": "approved"}, headers=organiser_headers
    )
    assert approved.json()["status"] == "approved"
    assert approved.json()["rejection_reason"] == ""
    assert client.get(url).status_code == 401  # anonymous: names are for accounts only
    seen = client.get(url, headers=hanh_headers).json()
    assert seen["full_name"] == "Lã Minh Tuấn"
    assert "email" not in seen
    assert "phone" not in seen
    assert "status" not in seen


def test_delegate_cannot_read_another_delegates_private_data(
    client: TestClient,
    open_event: int,
    organiser_headers: Headers,
    delegate_headers: Headers,
    hanh_headers: Headers,
) -> None:
    tuan = _register_self(client, open_event, delegate_headers, phone="+84 903 111 222")
    hanh = _register_self(
        client, open_event, hanh_headers, full_name="Nguyễn Thị Hạnh", phone="+84 912 345 678"
    )
    for p in (tuan, hanh):
        client.post(
            f"/api/v1/events/{open_event}/participants/{p['id']}/decision",
            json={"status": "approved"},
            headers=organiser_headers,
        )
    other = client.get(
        f"/api/v1/events/{open_event}/participants/{hanh['id']}", headers=delegate_headers
    )
    assert other.status_code == 200
    assert "hanh@thucpham-hp.example" not in other.text
    assert "912 345 678" not in other.text
    own = client.get(
        f"/api/v1/events/{open_event}/participants/{tuan['id']}", headers=delegate_headers
    )
    assert own.json()["phone"] == "+84 903 111 222"
    listing = client.get(f"/api/v1/events/{open_event}/participants", headers=delegate_headers)
    assert listing.json()["total"] == 2
    assert "hanh@thucpham-hp.example" not in listing.text
    assert "912 345 678" not in listing.text
    # Nor can a search by a private field tell a delegate what it holds.
    probe = client.get(
        f"/api/v1/events/{open_event}/participants?q=thucpham-hp", headers=delegate_headers
    )
    assert probe.json()["total"] == 0
    organiser_search = client.get(
        f"/api/v1/events/{open_event}/participants?q=thucpham-hp", headers=organiser_headers
    ).json()
    assert [p["email"] for p in organiser_search["items"]] == ["hanh@thucpham-hp.example"]
    # Nor edit it.
    edit = client.patch(
        f"/api/v1/events/{open_event}/participants/{hanh['id']}",
        json={"phone": "0"},
        headers=delegate_headers,
    )
    assert edit.status_code == 403


def test_organiser_filters_the_participant_list(
    client: TestClient, open_event: int, organiser_headers: Headers, delegate_headers: Headers
) -> None:
    url = f"/api/v1/events/{open_event}/participants"
    university = _organisation(
        client, organiser_headers, name_vi="Trường Đại học Hàng hải Việt Nam", kind="university"
    )
    taiwan = _organisation(
        client, organiser_headers, name_vi="Công ty TNHH Robot Đài Trung", country="TW"
    )
    delegation = client.post(
        f"/api/v1/events/{open_event}/delegations",
        json={"name": "Đoàn doanh nghiệp Đài Loan", "country": "TW", "status": "confirmed"},
        headers=organiser_headers,
    ).json()
    people = [
        {"full_name": "Nguyễn Thị Hạnh", "organisation_id": university["id"], "role": "host"},
        {
            "full_name": "Chen Ming-Hui",
            "organisation_id": taiwan["id"],
            "delegation_id": delegation["id"],
        },
        {"full_name": "Wang Li", "delegation_id": delegation["id"], "role": "interpreter"},
    ]
    for person in people:
        added = client.post(url, json={**person, "for_self": False}, headers=organiser_headers)
        assert added.status_code == 201, added.text
        assert added.json()["status"] == "approved"  # added by an organiser
    _register_self(client, open_event, delegate_headers)

    def names(**params: Any) -> list[str]:
        response = client.get(url, params=params, headers=organiser_headers)
        assert response.status_code == 200, response.text
        return [p["full_name"] for p in response.json()["items"]]

    assert names() == ["Chen Ming-Hui", "Lã Minh Tuấn", "Nguyễn Thị Hạnh", "Wang Li"]
    assert names(status="pending") == ["Lã Minh Tuấn"]
    assert names(country="TW") == ["Chen Ming-Hui", "Wang Li"]  # Wang by the delegation
    assert names(delegation_id=delegation["id"]) == ["Chen Ming-Hui", "Wang Li"]
    assert names(kind="university") == ["Nguyễn Thị Hạnh"]
    assert names(role="interpreter") == ["Wang Li"]
    assert names(q="nguyen thi hanh") == ["Nguyễn Thị Hạnh"]
    assert names(q="hang hai") == ["Nguyễn Thị Hạnh"]  # by the organisation's name
    assert names(limit=2, offset=1) == ["Lã Minh Tuấn", "Nguyễn Thị Hạnh"]
    bad = client.get(url, params={"status": "maybe"}, headers=organiser_headers)
    assert bad.status_code == 422
    assert _fields(bad) == {"status"}
    # Everyone else: approved people only, whatever they ask for; anonymous: nobody.
    public = client.get(url, params={"status": "pending"}, headers=delegate_headers)
    assert public.json()["total"] == 0
    assert client.get(url).status_code == 401


def test_person_edits_details_but_not_role_or_delegation(
    client: TestClient, open_event: int, organiser_headers: Headers, delegate_headers: Headers
) -> None:
    mine = _register_self(client, open_event, delegate_headers)
    url = f"/api/v1/events/{open_event}/participants/{mine['id']}"
    ok = client.patch(url, json={"position": "Phó Giám đốc"}, headers=delegate_headers)
    assert ok.status_code == 200
    assert ok.json()["position"] == "Phó Giám đốc"
    role = client.patch(url, json={"role": "staff"}, headers=delegate_headers)
    assert role.status_code == 403
    assert _fields(role) == {"role"}
    blank = client.patch(url, json={"full_name": None}, headers=delegate_headers)
    assert blank.status_code == 422
    assert _fields(blank) == {"full_name"}
    cap = client.patch(url, json={"meeting_cap": 40}, headers=delegate_headers)
    assert cap.status_code == 422
    assert _fields(cap) == {"meeting_cap"}
    by_organiser = client.patch(
        url, json={"meeting_cap": 40, "role": "host"}, headers=organiser_headers
    )
    assert by_organiser.status_code == 200
    assert by_organiser.json()["meeting_cap"] == 40
    assert by_organiser.json()["role"] == "host"


def test_registration_added_by_an_organiser_is_found_by_its_owners_account(
    client: TestClient, open_event: int, organiser_headers: Headers, delegate: User
) -> None:
    added = client.post(
        f"/api/v1/events/{open_event}/participants",
        json={"full_name": "Lã Minh Tuấn", "email": delegate.email.upper()},
        headers=organiser_headers,
    )
    assert added.status_code == 201
    headers = token_for(client, delegate.email)
    me = client.get(f"/api/v1/events/{open_event}/participants/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["id"] == added.json()["id"]
    edit = client.patch(
        f"/api/v1/events/{open_event}/participants/{added.json()['id']}",
        json={"phone": "+84 903 111 222"},
        headers=headers,
    )
    assert edit.status_code == 200


def test_unknown_ids_are_404_problems(
    client: TestClient, open_event: int, organiser_headers: Headers, event_id: int
) -> None:
    other = client.post(
        f"/api/v1/events/{event_id}/participants",
        json={"full_name": "Người của sự kiện khác", "for_self": False},
        headers=organiser_headers,
    ).json()
    for url in (
        f"/api/v1/events/{open_event}/participants/999999",
        f"/api/v1/events/{open_event}/participants/{other['id']}",  # of another event
        f"/api/v1/events/{open_event}/delegations/999999",
        "/api/v1/events/999999/participants",
        "/api/v1/events/999999/delegations",
    ):
        response = client.get(url, headers=organiser_headers)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith(PROBLEM)
    not_a_number = client.get(
        f"/api/v1/events/{open_event}/participants/abc", headers=organiser_headers
    )
    assert not_a_number.status_code == 422
    assert _fields(not_a_number) == {"participant_id"}


# ---- availability -------------------------------------------------------------------------


def test_availability_takes_slots_of_this_event_only(
    client: TestClient,
    open_event: int,
    event_id: int,
    organiser_headers: Headers,
    delegate_headers: Headers,
    hanh_headers: Headers,
) -> None:
    mine = _register_self(client, open_event, delegate_headers)
    url = f"/api/v1/events/{open_event}/participants/{mine['id']}/availability"
    slots = _slot_ids(client, open_event, organiser_headers)
    chosen = [slots[2], slots[0]]
    ok = client.put(url, json={"unavailable_slot_ids": chosen}, headers=delegate_headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["unavailable_slot_ids"] == sorted(chosen)
    client.post(f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers)
    foreign = _slot_ids(client, event_id, organiser_headers)[0]
    refused = client.put(
        url, json={"unavailable_slot_ids": [slots[1], foreign]}, headers=delegate_headers
    )
    assert refused.status_code == 422
    assert _fields(refused) == {"unavailable_slot_ids"}
    me = client.get(f"/api/v1/events/{open_event}/participants/me", headers=delegate_headers)
    assert me.json()["unavailable_slot_ids"] == sorted(chosen)  # unchanged
    stranger = client.put(url, json={"unavailable_slot_ids": []}, headers=hanh_headers)
    assert stranger.status_code == 403
    garbage = client.put(url, json={"unavailable_slot_ids": ["x"]}, headers=delegate_headers)
    assert garbage.status_code == 422


# ---- delegations --------------------------------------------------------------------------


def _delegation(
    client: TestClient, event_id: int, headers: Headers, **values: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/events/{event_id}/delegations",
        json={"name": "Đoàn doanh nghiệp Đài Loan", "country": "TW", **values},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_delegation_status_moves_forward_or_to_withdrawn_only(
    client: TestClient, open_event: int, organiser_headers: Headers
) -> None:
    delegation = _delegation(client, open_event, organiser_headers)
    assert delegation["status"] == "invited"
    url = f"/api/v1/events/{open_event}/delegations/{delegation['id']}"

    def move(status: str) -> Any:
        return client.patch(url, json={"status": status}, headers=organiser_headers)

    skip = move("confirmed")
    assert skip.status_code == 409
    assert _fields(skip) == {"status"}
    assert move("registered").json()["status"] == "registered"
    assert move("confirmed").json()["status"] == "confirmed"
    back = move("registered")
    assert back.status_code == 409
    assert _fields(back) == {"status"}
    assert move("withdrawn").json()["status"] == "withdrawn"
    again = move("confirmed")
    assert again.status_code == 409
    assert _fields(again) == {"status"}
    assert move("withdrawn").status_code == 200  # staying put is no move
    # The organisers may undo a withdrawal: the delegation is registered again.
    assert move("registered").json()["status"] == "registered"
    assert move("withdrawn").json()["status"] == "withdrawn"
    bad = move("maybe")
    assert bad.status_code == 422
    assert _fields(bad) == {"status"}


def test_delegation_rules_name_the_field(
    client: TestClient, open_event: int, organiser_headers: Headers
) -> None:
    _delegation(client, open_event, organiser_headers)
    url = f"/api/v1/events/{open_event}/delegations"
    twin = client.post(
        url, json={"name": "DOAN DOANH NGHIEP DAI LOAN", "country": "TW"}, headers=organiser_headers
    )
    assert twin.status_code == 409
    assert _fields(twin) == {"name"}
    cases: dict[str, dict[str, Any]] = {
        "head_user_id": {"head_user_id": 999999},
        "leading_organisation_id": {"leading_organisation_id": 999999},
        "organisation_ids": {"organisation_ids": [999999]},
        "departure_date": {"arrival_date": "2027-03-16", "departure_date": "2027-03-14"},
        "country": {"country": "Taiwan"},
    }
    for field, values in cases.items():
        response = client.post(
            url,
            json={"name": "Đoàn Nhật Bản", "country": "JP", **values},
            headers=organiser_headers,
        )
        assert response.status_code == 422, (field, response.text)
        assert _fields(response) == {field}


def test_head_of_delegation_adds_members_who_wait_for_approval(
    client: TestClient,
    open_event: int,
    organiser_headers: Headers,
    delegate: User,
    delegate_headers: Headers,
    hanh_headers: Headers,
) -> None:
    robotics = _organisation(
        client, organiser_headers, name_vi="Công ty TNHH Robot Đài Trung", country="TW"
    )
    delegation = _delegation(
        client, open_event, organiser_headers, head_user_id=delegate.id, status="registered"
    )
    participants = f"/api/v1/events/{open_event}/participants"
    member = client.post(
        participants,
        json={
            "full_name": "Wang Li",
            "name_local": "王麗",
            "role": "interpreter",
            "languages": ["zh", "vi"],
            "delegation_id": delegation["id"],
            "for_self": False,
        },
        headers=delegate_headers,
    )
    assert member.status_code == 201, member.text
    assert member.json()["status"] == "pending"
    assert member.json()["user_id"] is None
    assert member.json()["country"] == "TW"
    # Not for a delegation they do not head.
    other = _delegation(client, open_event, organiser_headers, name="Đoàn Hàn Quốc", country="KR")
    refused = client.post(
        participants,
        json={"full_name": "Kim Min-jun", "delegation_id": other["id"], "for_self": False},
        headers=delegate_headers,
    )
    assert refused.status_code == 403

    url = f"/api/v1/events/{open_event}/delegations/{delegation['id']}"
    as_head = client.get(url, headers=delegate_headers).json()
    assert [m["full_name"] for m in as_head["members"]] == ["Wang Li"]
    assert as_head["members"][0]["status"] == "pending"
    assert as_head["head_name"] == "Lã Minh Tuấn"
    as_public = client.get(url).json()
    assert as_public["members"] == []  # pending members are not shown
    assert "head_user_id" not in as_public
    assert "notes" not in as_public

    edits = client.patch(
        url,
        json={
            "arrival_date": "2027-03-15",
            "departure_date": "2027-03-18",
            "needs_interpreter": True,
            "organisation_ids": [robotics["id"]],
        },
        headers=delegate_headers,
    )
    assert edits.status_code == 200, edits.text
    assert edits.json()["organisation_ids"] == [robotics["id"]]
    rename = client.patch(url, json={"name": "Đoàn khác"}, headers=delegate_headers)
    assert rename.status_code == 403
    assert _fields(rename) == {"name"}
    confirm = client.patch(url, json={"status": "confirmed"}, headers=delegate_headers)
    assert confirm.status_code == 403
    assert _fields(confirm) == {"status"}
    stranger = client.patch(url, json={"notes": "x"}, headers=hanh_headers)
    assert stranger.status_code == 403

    # The head acts for the member; the organiser approves, and the public then sees them.
    member_url = f"{participants}/{member.json()['id']}"
    assert client.get(member_url, headers=delegate_headers).json()["status"] == "pending"
    client.post(member_url + "/decision", json={"status": "approved"}, headers=organiser_headers)
    # Names are for signed-in accounts only: an anonymous visitor sees the delegation alone.
    assert client.get(url).json()["members"] == []
    public_members = client.get(url, headers=hanh_headers).json()["members"]
    assert [m["full_name"] for m in public_members] == ["Wang Li"]
    assert "status" not in public_members[0]


def test_invited_delegation_is_hidden_from_the_public_but_not_from_its_head(
    client: TestClient,
    open_event: int,
    organiser_headers: Headers,
    delegate: User,
    delegate_headers: Headers,
    hanh_headers: Headers,
) -> None:
    invited = _delegation(client, open_event, organiser_headers, head_user_id=delegate.id)
    url = f"/api/v1/events/{open_event}/delegations/{invited['id']}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=hanh_headers).status_code == 404
    assert client.get(url, headers=delegate_headers).status_code == 200
    listing = client.get(f"/api/v1/events/{open_event}/delegations", headers=hanh_headers)
    assert listing.json()["total"] == 0
    own = client.get(f"/api/v1/events/{open_event}/delegations", headers=delegate_headers)
    assert [d["name"] for d in own.json()["items"]] == ["Đoàn doanh nghiệp Đài Loan"]
    # The head registers it; then it is public.
    registered = client.patch(url, json={"status": "registered"}, headers=delegate_headers)
    assert registered.status_code == 200
    assert client.get(url).status_code == 200
