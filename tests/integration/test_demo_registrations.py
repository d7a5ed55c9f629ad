"""The demo registrations of the Hải Phòng event (app.demo.data, loaded by ``ketnoi demo``):
delegations with heads who can log in, approved, pending and rejected participants, offers
and requests across the seeds' sectors, and a second load that changes nothing."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.auth.models import User
from app.checkin.models import Checkin
from app.cli import app as cli
from app.demo import (
    DEMO_DELEGATE_EMAIL,
    DEMO_DELEGATE_PASSWORD,
    DEMO_ORGANISER_EMAIL,
    HAI_PHONG_TITLE,
    UPCOMING_TITLE,
    demo_day,
)
from app.demo.data import DELEGATION_HEAD_PASSWORD, DELEGATIONS, PEOPLE, PROFILES
from app.demo.registrations import load_registrations
from app.demo.survey import SURVEY_PEOPLE
from app.events.models import Event
from app.matchmaking.models import Profile, ProfileSector
from app.registration import delegations as delegation_service
from app.registration import service as registration
from app.registration.models import (
    Delegation,
    DelegationOrganisation,
    Organisation,
    Participant,
    Unavailability,
)
from app.text import fold
from app.vocab import SECTORS, ProfileKind
from tests.conftest import token_for
from tests.demo_snapshot import demo_event, load_demo

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HAN = re.compile(r"[\u4e00-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
HEBREW = re.compile(r"[\u0590-\u05ff]")


def _load(db: Session) -> Event:
    return demo_event(db)


def _command(db: Session) -> Event:
    """The demo through the command itself, for what measures the command."""
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    return db.exec(select(Event).where(Event.title_vi == HAI_PHONG_TITLE)).one()


def _counts(db: Session) -> dict[str, int]:
    db.expire_all()
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in (
            User,
            Organisation,
            Delegation,
            DelegationOrganisation,
            Participant,
            Unavailability,
            Profile,
            ProfileSector,
            AuditEntry,
        )
    }


def _participants(db: Session, event: Event) -> list[Participant]:
    return list(db.exec(select(Participant).where(Participant.event_id == event.id)).all())


def test_the_demo_event_has_about_eighty_approved_participants_and_an_approval_queue(
    db: Session,
) -> None:
    event = _load(db)
    people = _participants(db, event)
    by_status = Counter(p.status for p in people)
    assert by_status["approved"] >= 75
    assert by_status["pending"] >= 3
    assert by_status["rejected"] == 1
    rejected = next(p for p in people if p.status == "rejected")
    assert rejected.rejection_reason.strip()
    emails = [p.email for p in people]
    assert None not in emails
    assert len(emails) == len(set(emails)), "every participant has an e-mail of their own"
    assert {p.role for p in people} >= {"delegate", "interpreter", "staff"}


def test_each_foreign_delegation_has_a_head_with_an_account_and_members(db: Session) -> None:
    event = _load(db)
    delegations = db.exec(select(Delegation).where(Delegation.event_id == event.id)).all()
    assert {d.country for d in delegations} >= {"TW", "JP", "KR", "IL", "NL"}
    for delegation in delegations:
        assert delegation.head_user_id is not None
        head = db.get(User, delegation.head_user_id)
        assert head is not None
        assert head.email.endswith("@ketnoi.demo")
        members = delegation_service.delegation_members(db, delegation.id or 0, approved_only=True)
        assert len(members) >= 4, delegation.name
        # The head's own registration is one of the members, linked by the account's e-mail.
        own = registration.participant_for_user(db, event_id=event.id or 0, user=head)
        assert own is not None
        assert own.delegation_id == delegation.id
        assert own.status == "approved"
        assert delegation.arrival_date is not None
        assert delegation.departure_date is not None
        assert delegation.arrival_date <= event.start_date <= delegation.departure_date
        assert delegation.languages
        organisations = delegation_service.delegation_organisation_ids(db, delegation.id or 0)
        assert delegation.leading_organisation_id in organisations
        assert len(organisations) >= 4


def test_names_in_their_own_scripts(db: Session) -> None:
    event = _load(db)
    local = [p.name_local for p in _participants(db, event) if p.name_local]
    assert any(HAN.search(n) for n in local)  # 林薇婷
    assert any(HANGUL.search(n) for n in local)  # 김민준
    assert any(HEBREW.search(n) for n in local)
    japanese_orgs = db.exec(select(Organisation).where(Organisation.country == "JP")).all()
    assert any(KANA.search(o.name_local) for o in japanese_orgs)  # 株式会社 and kana names
    names = [p.full_name for p in _participants(db, event)]
    assert sum(fold(n) != n.lower() for n in names) >= 30  # Vietnamese names keep their accents


def test_offers_and_requests_cover_the_seeds_sectors_in_three_scripts(db: Session) -> None:
    event = _load(db)
    profiles = db.exec(select(Profile).where(Profile.event_id == event.id)).all()
    assert len(profiles) >= 55
    assert all(p.status == "published" for p in profiles)
    sectors = set(
        db.exec(
            select(ProfileSector.sector).where(
                col(ProfileSector.profile_id).in_([p.id for p in profiles])
            )
        ).all()
    )
    assert len(sectors) >= 10
    assert sectors <= SECTORS.keys()
    assert {
        "mechanics",
        "electronics",
        "it",
        "digital_transformation",
        "food_processing",
        "biotech",
        "agriculture",
        "aquaculture",
        "renewable_energy",
        "semiconductors",
        "iot",
        "supporting_industries",
    } <= sectors
    # Vietnamese titles carry their diacritics; every title has an English twin.
    assert all(p.title_vi and fold(p.title_vi) != p.title_vi.lower() for p in profiles)
    assert all(p.title_en for p in profiles)
    assert {p.kind for p in profiles} == {k.value for k in ProfileKind}
    # Foreign suppliers also write in their own language.
    by_language = Counter(p.local_language for p in profiles if p.title_local)
    assert set(by_language) >= {"zh", "ja", "ko", "he", "nl"}
    assert any(HAN.search(p.title_local) for p in profiles if p.local_language == "zh")
    assert any(KANA.search(p.title_local) for p in profiles if p.local_language == "ja")
    assert any(HANGUL.search(p.title_local) for p in profiles if p.local_language == "ko")
    for profile in profiles:
        assert profile.trl is None or 1 <= profile.trl <= 9
        assert profile.partnership_types
        assert profile.keywords
        owner = db.get(Participant, profile.participant_id)
        assert owner is not None
        assert owner.status == "approved"
        assert profile.organisation_id == owner.organisation_id


def test_tu_dong_hoa_finds_the_packaging_line_offer(db: Session) -> None:
    """Journey 3: typing without accents finds 'Tự động hoá dây chuyền đóng gói'."""
    event = _load(db)
    found = db.exec(
        select(Profile).where(
            Profile.event_id == event.id,
            col(Profile.search_text).contains("tu dong hoa day chuyen dong goi"),
        )
    ).all()
    assert any(p.kind == "technology_offer" for p in found)


def test_the_demo_delegate_is_a_hai_phong_enterprise_with_requests(
    db: Session, client: TestClient
) -> None:
    event = _load(db)
    delegate = db.exec(select(User).where(User.email == DEMO_DELEGATE_EMAIL)).one()
    own = registration.participant_for_user(db, event_id=event.id or 0, user=delegate)
    assert own is not None
    assert own.status == "approved"
    assert own.delegation_id is None
    org = db.get(Organisation, own.organisation_id)
    assert org is not None
    assert (org.country, org.province) == ("VN", "Hải Phòng")
    requests = db.exec(select(Profile).where(Profile.participant_id == own.id)).all()
    assert {p.kind for p in requests} == {"technology_request"}
    # His registration is linked to his account: he publishes offers as himself (no 403).
    assert own.user_id == delegate.id
    heads = db.exec(select(Delegation)).all()
    for delegation in heads:
        head = db.get(User, delegation.head_user_id)
        mine = registration.participant_for_user(db, event_id=event.id or 0, user=head)
        assert mine is not None
        assert mine.user_id == delegation.head_user_id
    headers = token_for(client, DEMO_DELEGATE_EMAIL, DEMO_DELEGATE_PASSWORD)
    offer = client.post(
        f"/api/v1/events/{event.id}/profiles",
        json={
            "participant_id": own.id,
            "kind": "technology_offer",
            "title_vi": "Kinh nghiệm vận hành kho lạnh chế biến thủy sản",
            "sectors": ["food_processing"],
        },
        headers=headers,
    )
    assert offer.status_code == 201, offer.text


def test_the_demo_day_is_played_through_in_the_past_and_another_event_is_open(
    db: Session, client: TestClient
) -> None:
    event = _load(db)
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert event.start_date == demo_day(today) < today
    assert event.status == "published"
    assert event.registration_closes_at is not None
    assert event.registration_closes_at.date() < event.start_date
    for delegation in db.exec(select(Delegation).where(Delegation.event_id == event.id)):
        assert delegation.arrival_date is not None
        assert delegation.arrival_date <= event.start_date
    zone = ZoneInfo(event.timezone)
    times = [
        c.checked_in_at.astimezone(zone)
        for c in db.exec(select(Checkin).where(Checkin.event_id == event.id))
    ]
    assert times
    assert all(t.date() == event.start_date and 7 <= t.hour < 9 for t in times)
    upcoming = db.exec(select(Event).where(Event.title_vi == UPCOMING_TITLE)).one()
    assert upcoming.start_date > today
    assert upcoming.status == "registration_open"
    registration.check_registration_window(upcoming)  # open now: no error
    home = client.get("/", headers={"Accept": "text/html"})
    assert UPCOMING_TITLE in home.text


def test_some_people_have_blocked_slots_in_the_b2b_session(db: Session) -> None:
    event = _load(db)
    ids = [p.id for p in _participants(db, event)]
    rows = db.exec(select(Unavailability).where(col(Unavailability.participant_id).in_(ids))).all()
    assert len({r.participant_id for r in rows}) >= 4


def test_loading_twice_changes_nothing(db: Session) -> None:
    load_demo(db)  # exactly what the command wrote the first time
    after_first = _counts(db)
    assert after_first["User"] == 3 + len(DELEGATIONS)  # and the check-in desk
    # The Hải Phòng day's people, and those answering the upcoming event's survey.
    survey_profiles = [p for p in PROFILES if p.owner in SURVEY_PEOPLE]
    assert after_first["Participant"] == len(PEOPLE) + len(SURVEY_PEOPLE)
    assert after_first["Profile"] == len(PROFILES) + len(survey_profiles)

    second = CliRunner().invoke(cli, ["demo"])
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert _counts(db) == after_first  # not even an audit entry

    # And the loader on its own reports that it created nothing.
    event = db.exec(select(Event).where(Event.title_vi == HAI_PHONG_TITLE)).one()
    organiser = db.exec(select(User).where(User.email == DEMO_ORGANISER_EMAIL)).one()
    assert set(load_registrations(db, organiser=organiser, event=event).values()) == {0}


def test_delegation_heads_can_log_in(db: Session, client: TestClient) -> None:
    load_demo(db)  # the command's printed logins: test_cli_and_health.py
    for delegation in DELEGATIONS:
        headers = token_for(client, delegation.head_email, DELEGATION_HEAD_PASSWORD)
        me = client.get("/api/v1/users/me", headers=headers).json()
        assert me["role"] == "delegate"


def test_every_demo_participant_has_a_login_or_a_pending_invitation(db: Session) -> None:
    from app.accounts.service import invitation_states

    event = _load(db)
    people = list(db.exec(select(Participant).where(Participant.event_id == event.id)).all())
    states = Counter(s.state for s in invitation_states(db, people).values())
    assert states["joined"] >= 1 + len(DELEGATIONS)  # the delegate and the heads
    assert states["invited"] >= 50
    assert states["not_invited"] == 0
