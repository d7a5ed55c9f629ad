"""The demo's upcoming event (app.demo.survey, loaded by ``ketnoi demo``): its demand survey is
open with answers from Hải Phòng enterprises towards the visiting Taiwanese and Korean
companies, so the organiser's matching board is not empty, the demo delegate sees his own
answers, and a second load changes nothing."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.auth.service import get_user_by_email, start_web_session
from app.cli import app as cli
from app.demo import DEMO_DELEGATE_EMAIL, DEMO_ORGANISER_EMAIL, UPCOMING_TITLE
from app.deps import SESSION_COOKIE
from app.events.models import Event
from app.matchmaking.models import Profile
from app.registration.models import Participant
from app.settings import get_settings
from app.survey.models import MeetingWish, WishSurvey
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _load(db: Session) -> Event:
    load_demo(db)
    return db.exec(select(Event).where(Event.title_vi == UPCOMING_TITLE)).one()


def test_the_upcoming_events_survey_is_open_with_answers_on_the_board(
    db: Session, app: FastAPI
) -> None:
    event = _load(db)
    survey = db.get(WishSurvey, event.id)
    assert survey is not None
    assert survey.open
    wishes = db.exec(select(MeetingWish).where(MeetingWish.event_id == event.id)).all()
    assert len(wishes) >= 10
    organiser = get_user_by_email(db, DEMO_ORGANISER_EMAIL)
    delegate = get_user_by_email(db, DEMO_DELEGATE_EMAIL)
    assert organiser is not None
    assert delegate is not None
    with TestClient(app, follow_redirects=False, headers={"Accept": "text/html"}) as browser:
        browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
        db.commit()
        board = browser.get(f"/events/{event.id}/wishes/board")
        assert board.status_code == 200
        pairs = re.findall(r'data-testid="pair-(\d+-\d+)"', board.text)
        assert len(pairs) >= 8
        first = board.text.split('data-testid="pair-', 2)[1]
        assert first.count("Bắt buộc gặp") == 2  # a mutual "must meet" leads the board
        # The visiting companies' offers name the topics, with names as written.
        assert "Tự động hoá dây chuyền đóng gói thực phẩm và thuỷ sản" in board.text
        assert "Lã Minh Tuấn" in board.text
        assert "Park Seo-yeon" in board.text

        browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=delegate))
        db.commit()
        mine = browser.get(f"/events/{event.id}/wishes")
        assert mine.status_code == 200
        assert "Hsieh Ming-Che" in mine.text
    me = db.exec(
        select(Participant).where(
            Participant.event_id == event.id, Participant.email == DEMO_DELEGATE_EMAIL
        )
    ).one()
    assert me.user_id == delegate.id
    assert db.exec(select(Profile).where(Profile.event_id == event.id)).first() is not None


def test_a_second_load_writes_no_survey_rows(db: Session) -> None:
    event = _load(db)

    def counts() -> tuple[int, ...]:
        db.expire_all()
        return tuple(
            db.exec(select(func.count()).select_from(model)).one()
            for model in (MeetingWish, Participant, Profile, AuditEntry)
        )

    before = counts()
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert counts() == before
    assert db.get(WishSurvey, event.id) is not None
