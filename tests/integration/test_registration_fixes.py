"""Registration and delegation pages without dead ends (issue 17): the organisation search
keeps what was typed, a registration needs an organisation, organisers edit a participant,
withdrawing a delegation is confirmed first and organisers can restore it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import User
from app.registration.models import Delegation, Organisation, Participant
from tests.integration.test_registration_pages import (
    DELEGATION_FORM,
    REGISTRATION,
    _browser,
    _csrf,
    _field_error,
    _input_value,
    _log_in,
    _post_form,
    _text,
    browser,  # noqa: F401 - a fixture
    open_event,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

Headers = dict[str, str]


def _organisation(client: TestClient, headers: Headers, name: str) -> int:
    response = client.post(
        "/api/v1/organisations",
        json={"name_vi": name, "country": "VN", "kind": "university"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_searching_the_organisation_keeps_what_was_typed_and_saves_the_choice(
    browser: TestClient,  # noqa: F811
    db: Session,
    client: TestClient,
    organiser_headers: Headers,
    open_event: int,  # noqa: F811
    delegate: User,
) -> None:
    org_id = _organisation(client, organiser_headers, "Trường Đại học Hàng hải Việt Nam")
    _log_in(browser, db, delegate)
    url = f"/events/{open_event}/register"
    typed = {**REGISTRATION, "organisation_id": "", "org_name_vi": "", "position": "Giảng viên"}
    found = _post_form(
        browser, url, url, {**typed, "org_q": "dai hoc hang hai", "action": "find_org"}
    )
    assert found.status_code == 200
    assert _input_value(found.text, "full_name") == "Lã Minh Tuấn"
    assert _input_value(found.text, "position") == "Giảng viên"
    assert _input_value(found.text, "org_q") == "dai hoc hang hai"
    assert f'name="organisation_id" value="{org_id}"' in found.text
    assert 'value="" checked' not in found.text  # no "no organisation" choice for oneself
    assert db.exec(select(Participant)).first() is None  # a search saves nothing

    saved = browser.post(
        url,
        data={
            **typed,
            "org_q": "dai hoc hang hai",
            "organisation_id": str(org_id),
            "action": "save",
            "csrf_token": _csrf(found.text),
        },
    )
    assert saved.status_code == 303, saved.text
    participant = db.exec(select(Participant)).one()
    assert participant.organisation_id == org_id


def test_a_registration_without_an_organisation_is_refused_next_to_the_field(
    browser: TestClient,  # noqa: F811
    db: Session,
    open_event: int,  # noqa: F811
    delegate: User,
) -> None:
    _log_in(browser, db, delegate)
    url = f"/events/{open_event}/register"
    response = _post_form(
        browser, url, url, {**REGISTRATION, "organisation_id": "", "org_name_vi": ""}
    )
    assert response.status_code == 422
    assert "tổ chức" in _field_error(response.text, "organisation_id")
    assert _input_value(response.text, "full_name") == "Lã Minh Tuấn"
    assert db.exec(select(Participant)).first() is None


def test_a_new_organisation_described_without_ticking_new_is_registered(
    browser: TestClient,  # noqa: F811
    db: Session,
    open_event: int,  # noqa: F811
    delegate: User,
) -> None:
    _log_in(browser, db, delegate)
    url = f"/events/{open_event}/register"
    response = _post_form(browser, url, url, {**REGISTRATION, "organisation_id": ""})
    assert response.status_code == 303, response.text
    participant = db.exec(select(Participant)).one()
    org = db.get(Organisation, participant.organisation_id)
    assert org is not None
    assert org.name_vi == "Công ty TNHH Cơ khí Hải Phòng"


def test_organiser_edits_a_participant(
    app: FastAPI,
    db: Session,
    client: TestClient,
    organiser_headers: Headers,
    open_event: int,  # noqa: F811
    organiser: User,
    delegate: User,
) -> None:
    org_id = _organisation(client, organiser_headers, "Viện Nghiên cứu Hải sản")
    delegation = client.post(
        f"/api/v1/events/{open_event}/delegations",
        json={"name": "Đoàn Nhật Bản", "country": "JP"},
        headers=organiser_headers,
    )
    assert delegation.status_code == 201, delegation.text
    with _browser(app) as person:
        _log_in(person, db, delegate)
        url = f"/events/{open_event}/register"
        done = _post_form(person, url, url, REGISTRATION)
        assert done.status_code == 303, done.text
    participant = db.exec(select(Participant)).one()
    with _browser(app) as staff:
        _log_in(staff, db, organiser)
        listing = staff.get(f"/events/{open_event}/participants")
        edit_url = f"/events/{open_event}/participants/{participant.id}/edit"
        assert f'href="{edit_url}"' in listing.text
        form = staff.get(edit_url)
        assert form.status_code == 200
        assert _input_value(form.text, "full_name") == "Lã Minh Tuấn"
        values = {
            "full_name": "Lã Minh Tuấn (sửa)",
            "position": "Phó giám đốc",
            "email": "tuan.la@haisan.example",
            "phone": "0903 000 111",
            "languages": ["vi", "ja"],
            "role": "host",
            "delegation_id": str(delegation.json()["id"]),
            "meeting_cap": "30",
            "organisation_id": str(org_id),
            "action": "save",
            "csrf_token": _csrf(form.text),
        }
        bad = staff.post(edit_url, data={**values, "full_name": " "})
        assert bad.status_code == 422
        assert _field_error(bad.text, "full_name")
        saved = staff.post(edit_url, data=values)
        assert saved.status_code == 303, saved.text
        assert "Đã lưu thông tin người tham dự." in _text(staff.get(saved.headers["location"]).text)
    db.expire_all()
    row = db.get(Participant, participant.id)
    assert row is not None
    assert (row.full_name, row.position, row.email, row.phone) == (
        "Lã Minh Tuấn (sửa)",
        "Phó giám đốc",
        "tuan.la@haisan.example",
        "0903 000 111",
    )
    assert (row.languages, row.role, row.meeting_cap) == (["vi", "ja"], "host", 30)
    assert (row.organisation_id, row.delegation_id) == (org_id, delegation.json()["id"])


def test_withdrawing_a_delegation_asks_first_and_organisers_restore_it(
    app: FastAPI,
    db: Session,
    open_event: int,  # noqa: F811
    organiser: User,
    delegate: User,
) -> None:
    with _browser(app) as staff:
        _log_in(staff, db, organiser)
        url = f"/events/{open_event}/delegations/new"
        assert _post_form(staff, url, url, DELEGATION_FORM).status_code == 303
    delegation = db.exec(select(Delegation)).one()
    edit_url = f"/events/{open_event}/delegations/{delegation.id}/edit"
    body = {
        "arrival_date": "2027-03-15",
        "departure_date": "2027-03-18",
        "languages": "zh, en",
        "status": "withdrawn",
    }
    with _browser(app) as head:
        _log_in(head, db, delegate)
        asked = _post_form(head, edit_url, edit_url, body)
        assert asked.status_code == 200
        text = _text(asked.text)
        assert "Rút đoàn khỏi sự kiện?" in text
        assert "0 thành viên" in text
        db.expire_all()
        assert db.get(Delegation, delegation.id).status == "registered"  # type: ignore[union-attr]
        assert 'name="confirm" value="withdraw"' in asked.text
        confirmed = head.post(
            edit_url, data={**body, "confirm": "withdraw", "csrf_token": _csrf(asked.text)}
        )
        assert confirmed.status_code == 303, confirmed.text
        db.expire_all()
        assert db.get(Delegation, delegation.id).status == "withdrawn"  # type: ignore[union-attr]
        # The head cannot undo it: only the organisers restore a withdrawn delegation.
        form = head.get(edit_url)
        undo = head.post(
            edit_url, data={**body, "status": "registered", "csrf_token": _csrf(form.text)}
        )
        assert undo.status_code == 403
        assert _field_error(undo.text, "status")
    with _browser(app) as staff:
        _log_in(staff, db, organiser)
        page = staff.get(f"/events/{open_event}/delegations/{delegation.id}")
        assert "Khôi phục đoàn" in _text(page.text)
        restored = staff.post(
            f"/events/{open_event}/delegations/{delegation.id}/restore",
            data={"csrf_token": _csrf(page.text)},
        )
        assert restored.status_code == 303, restored.text
        assert "đăng ký trở lại" in _text(staff.get(restored.headers["location"]).text)
    db.expire_all()
    assert db.get(Delegation, delegation.id).status == "registered"  # type: ignore[union-attr]


def test_delegation_languages_come_back_as_typed_after_an_error(
    browser: TestClient,  # noqa: F811
    db: Session,
    open_event: int,  # noqa: F811
    organiser: User,
    delegate: User,
) -> None:
    _log_in(browser, db, organiser)
    url = f"/events/{open_event}/delegations/new"
    refused = _post_form(
        browser,
        url,
        url,
        {**DELEGATION_FORM, "languages": "zh, en, vi", "departure_date": "2027-03-01"},
    )
    assert refused.status_code == 422
    assert _input_value(refused.text, "languages") == "zh, en, vi"
    fixed = browser.post(
        url,
        data={**DELEGATION_FORM, "languages": "zh, en, vi", "csrf_token": _csrf(refused.text)},
    )
    assert fixed.status_code == 303, fixed.text
