"""The e-mails of registration (read back from the outbox), re-applying after a rejection,
and a delegation head acting for members through the pages (``?as=``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.notifications.models import Outbox
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Participant
from app.registration.schemas import ParticipantCreate
from app.settings import get_settings
from app.types import pk
from tests.conftest import make_user
from tests.integration.conftest import (
    add_delegation,
    add_organisation,
    add_person,
    add_session,
    event_organiser,
    make_event,
)
from tests.integration.test_registration_pages import (
    REGISTRATION,
    _browser,
    _csrf,
    _log_in,
    _post_form,
    _text,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PUBLIC = "https://ketnoi.haiphong.example.vn"


@pytest.fixture
def open_event(client: TestClient, organiser_headers: dict[str, str]) -> int:
    event_id = make_event(client, organiser_headers, status="registration_open")
    add_session(client, organiser_headers, event_id)
    return event_id


@pytest.fixture
def public_address(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KETNOI_BASE_URL", PUBLIC + "/")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("KETNOI_BASE_URL", raising=False)
    get_settings.cache_clear()


def _mails(db: Session, kind: str) -> list[Outbox]:
    db.expire_all()
    return list(db.exec(select(Outbox).where(Outbox.kind == kind).order_by(col(Outbox.id))).all())


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@pytest.mark.usefixtures("public_address")
def test_received_rejected_reapplied_and_approved_each_send_one_email_in_the_persons_language(
    app: FastAPI, db: Session, open_event: int, organiser: User, delegate: User
) -> None:
    with _browser(app) as browser:
        _log_in(browser, db, delegate)
        url = f"/events/{open_event}/register"
        assert _post_form(browser, url, url, REGISTRATION).status_code == 303
        db.expire_all()
        me = db.exec(select(Participant).where(Participant.user_id == delegate.id)).one()

        (received,) = _mails(db, "registration_received")
        assert (received.locale, received.to_email) == ("vi", delegate.email)
        assert received.subject.startswith("Đã nhận đăng ký của anh/chị")
        assert "đang chờ ban tổ chức duyệt" in received.body_text
        assert _links(received.body_text) == [f"{PUBLIC}/events/{open_event}/me"]

        registration.decide(
            db,
            actor=organiser,
            event_id=open_event,
            participant_id=pk(me),
            status=ApprovalStatus.rejected,
            reason="Thiếu hồ sơ năng lực của doanh nghiệp",
        )
        db.commit()
        (rejected,) = _mails(db, "registration_rejected")
        assert rejected.locale == "vi"
        assert "Thiếu hồ sơ năng lực của doanh nghiệp" in rejected.body_text
        assert f"{PUBLIC}/events/{open_event}/me" in rejected.body_text

        # The registrant corrects the details and sends the registration again.
        page = browser.get(f"/events/{open_event}/me")
        assert "Gửi lại đăng ký" in page.text
        again = browser.post(
            f"/events/{open_event}/me/reapply", data={"csrf_token": _csrf(page.text)}
        )
        assert again.status_code == 303, again.text
        shown = browser.get(again.headers["location"])
        assert "Đăng ký của bạn đã được gửi lại" in _text(shown.text)
        assert "Chờ duyệt" in _text(shown.text)
        db.expire_all()
        assert db.get(Participant, pk(me)).status == "pending"  # type: ignore[union-attr]
        assert len(_mails(db, "registration_received")) == 2
        # Only a rejected registration goes back to the queue.
        twice = browser.post(
            f"/events/{open_event}/me/reapply", data={"csrf_token": _csrf(page.text)}
        )
        assert twice.status_code == 409
        assert "chỉ đăng ký bị từ chối mới gửi lại được" in twice.text

    # An English speaker hears in English.
    registration.update_participant(
        db,
        actor=organiser,
        event_id=open_event,
        participant_id=pk(me),
        data=registration.ParticipantUpdate(languages=["en"]),
    )
    registration.decide(
        db,
        actor=organiser,
        event_id=open_event,
        participant_id=pk(me),
        status=ApprovalStatus.approved,
    )
    # Deciding the same again sends nothing more.
    registration.decide(
        db,
        actor=organiser,
        event_id=open_event,
        participant_id=pk(me),
        status=ApprovalStatus.approved,
    )
    db.commit()
    (approved,) = _mails(db, "registration_approved")
    assert approved.locale == "en"
    assert approved.subject == (
        "Your registration is approved – Vietnam – Taiwan Technology Supply–Demand Connection"
        " Session"
    )
    assert "Publish a technology offer or request" in approved.body_text
    assert _links(approved.body_text) == [
        f"{PUBLIC}/events/{open_event}/profiles/new",
        f"{PUBLIC}/events/{open_event}/profiles",
        f"{PUBLIC}/events/{open_event}/meetings/mine",
        f"{PUBLIC}/events/{open_event}/me",
    ]
    assert "Publish a technology offer" in approved.body_html


def _delegation(db: Session, event_id: int, head: User, *, leading: int) -> int:
    return add_delegation(
        db,
        event_id,
        "Đoàn doanh nghiệp Đài Loan (Trung Quốc)",
        country="TW",
        status="registered",
        head=head,
        leading_organisation_id=leading,
    )


def test_head_adds_members_with_an_organisation_they_are_emailed_and_removable_while_pending(
    app: FastAPI, db: Session, open_event: int, delegate: User
) -> None:
    leading = add_organisation(db, "Formosa Precision Machinery", country="TW")
    other = add_organisation(db, "Taichung Smart Packaging", country="TW")
    delegation = _delegation(db, open_event, delegate, leading=leading)
    # The head's own registration; announce=False: the members' e-mails are counted below.
    add_person(
        db,
        open_event,
        delegate.full_name,
        user=delegate,
        organisation_id=leading,
        delegation_id=delegation,
        announce=False,
    )
    page_url = f"/events/{open_event}/delegations/{delegation}"
    with _browser(app) as head:
        _log_in(head, db, delegate)
        page = head.get(page_url)
        assert "Formosa Precision Machinery" in page.text  # the default organisation
        base = {
            "name_local": "",
            "position": "Kỹ sư",
            "phone": "",
            "role": "delegate",
            "csrf_token": _csrf(page.text),
        }
        first = head.post(
            f"{page_url}/members",
            data={
                **base,
                "full_name": "Chen Mei-Ling",
                "languages": ["zh", "en"],
                "email": "meiling@formosa.example.tw",
                "organisation_id": "",
            },
        )
        assert first.status_code == 303, first.text
        second = head.post(
            f"{page_url}/members",
            data={
                **base,
                "full_name": "Lin Chih-Hao",
                "languages": ["zh"],
                "email": "",
                "organisation_id": str(other),
            },
        )
        assert second.status_code == 303, second.text
        db.expire_all()
        chen = db.exec(select(Participant).where(Participant.full_name == "Chen Mei-Ling")).one()
        lin = db.exec(select(Participant).where(Participant.full_name == "Lin Chih-Hao")).one()
        assert chen.organisation_id == leading
        assert lin.organisation_id == other
        lin_id = pk(lin)

        (added,) = _mails(db, "delegation_member_added")  # Lin has no e-mail address
        assert (added.locale, added.to_email) == ("en", "meiling@formosa.example.tw")
        assert "Đoàn doanh nghiệp Đài Loan (Trung Quốc)" in added.subject
        assert "waiting for the organisers' approval" in added.body_text
        assert "Lã Minh Tuấn registered you" in added.body_text
        assert "http://127.0.0.1:8000/events/" in added.body_text  # the default base URL

        # The head edits a pending member's details on their behalf...
        me_url = f"/events/{open_event}/me?as={lin.id}"
        own = head.get(me_url)
        assert own.status_code == 200
        assert "Bạn đang thao tác thay cho Lin Chih-Hao." in _text(own.text)
        assert "Đăng ký của Lin Chih-Hao" in _text(own.text)
        saved = head.post(
            me_url,
            data={
                "full_name": "Lin Chih-Hao",
                "name_local": "林志豪",
                "position": "Trưởng phòng kỹ thuật",
                "phone": "",
                "languages": ["zh", "en"],
                "meeting_cap": "",
                "csrf_token": _csrf(own.text),
            },
        )
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].startswith(me_url)
        db.expire_all()
        assert db.get(Participant, lin.id).name_local == "林志豪"  # type: ignore[union-attr]

        # ...and removes one while pending.
        page = head.get(page_url)
        removed = head.post(
            f"{page_url}/members/{lin.id}/remove", data={"csrf_token": _csrf(page.text)}
        )
        assert removed.status_code == 303, removed.text
        assert "Đã xoá thành viên khỏi đoàn." in _text(head.get(removed.headers["location"]).text)
        db.expire_all()
        assert db.get(Participant, lin_id) is None

        registration.decide(
            db,
            actor=event_organiser(db, open_event),
            event_id=open_event,
            participant_id=pk(chen),
            status=ApprovalStatus.approved,
        )
        db.commit()
        refused = head.post(
            f"{page_url}/members/{chen.id}/remove", data={"csrf_token": _csrf(page.text)}
        )
        assert refused.status_code == 409
        assert "chỉ xoá được đăng ký đang chờ duyệt" in _text(refused.text)


@pytest.mark.parametrize(
    "page",
    [
        "/events/{e}/me?as={p}",
        "/events/{e}/meetings/mine?as={p}",
        "/events/{e}/profiles/new?as={p}",
        "/events/{e}/meeting-requests/new?as={p}",
    ],
)
def test_only_the_head_acts_for_a_member_and_every_page_says_so(
    app: FastAPI, db: Session, open_event: int, delegate: User, page: str
) -> None:
    leading = add_organisation(db, "Formosa Precision Machinery", country="TW")
    delegation = _delegation(db, open_event, delegate, leading=leading)
    member = registration.create_participant(
        db,
        actor=delegate,
        event_id=open_event,
        data=ParticipantCreate(full_name="Chen Mei-Ling", delegation_id=delegation, for_self=False),
    )
    registration.decide(
        db,
        actor=event_organiser(db, open_event),
        event_id=open_event,
        participant_id=pk(member),
        status=ApprovalStatus.approved,
    )
    db.commit()
    stranger = make_user(db, "hanh@thucpham-hp.example", Role.delegate, name="Nguyễn Thị Hạnh")
    url = page.format(e=open_event, p=member.id)
    with _browser(app) as head:
        _log_in(head, db, delegate)
        shown = head.get(url)
        assert shown.status_code == 200, shown.text
        assert 'data-testid="acting-for"' in shown.text
        assert "Bạn đang thao tác thay cho Chen Mei-Ling." in _text(shown.text)
        en = head.get(url + "&lang=en")
        assert "You are acting on behalf of Chen Mei-Ling." in _text(en.text)
        assert head.get(page.format(e=open_event, p="x1")).status_code == 404
    with _browser(app) as other:
        _log_in(other, db, stranger)
        assert other.get(url).status_code == 403


def test_head_sees_every_members_agenda_on_one_page(
    app: FastAPI, db: Session, open_event: int, delegate: User
) -> None:
    leading = add_organisation(db, "Formosa Precision Machinery", country="TW")
    delegation = _delegation(db, open_event, delegate, leading=leading)
    names = ["Chen Mei-Ling", "Lin Chih-Hao"]
    for name in names:
        registration.create_participant(
            db,
            actor=delegate,
            event_id=open_event,
            data=ParticipantCreate(full_name=name, delegation_id=delegation, for_self=False),
        )
    db.commit()
    stranger = make_user(db, "hanh@thucpham-hp.example", Role.delegate, name="Nguyễn Thị Hạnh")
    url = f"/events/{open_event}/delegations/{delegation}/agenda"
    with _browser(app) as head:
        _log_in(head, db, delegate)
        page = head.get(url)
        assert page.status_code == 200
        text = _text(page.text)
        assert "Lịch gặp của các thành viên" in text
        assert all(name in text for name in names)
        assert text.count("Thao tác thay") == 2
    with _browser(app) as other:
        _log_in(other, db, stranger)
        assert other.get(url).status_code == 403
