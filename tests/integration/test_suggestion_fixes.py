"""Suggestions that say how good they are (issue 17): weak matches are marked and set
apart, every card offers to request a meeting, English pages list no Vietnamese keywords."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.matchmaking.suggest import WEAK_BELOW, strength
from tests.integration.test_profiles_api import World
from tests.integration.test_profiles_pages import (
    browser,  # noqa: F401 - a fixture
    log_in,
    world,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_a_weak_suggestion_is_one_under_the_floor() -> None:
    assert strength(WEAK_BELOW - 0.01) == "weak"
    assert strength(WEAK_BELOW) == "strong"


def test_suggestions_are_marked_by_strength_and_offer_a_meeting_request(
    browser: TestClient,  # noqa: F811
    db: Session,
    world: World,  # noqa: F811
    client: TestClient,
) -> None:
    log_in(browser, db, world.users["tuan"])
    page = html.unescape(browser.get(f"/events/{world.event_id}/suggestions").text)
    cards = re.findall(r'data-testid="suggestion-(\d+)"', page)
    assert cards
    for participant_id in cards:
        assert f"/meeting-requests/new?to={participant_id}&profile=" in page
    assert page.count("Đề nghị gặp") >= len(cards)
    api = client.get(world.suggestions("tuan"), headers=world.headers["tuan"]).json()
    weak = [s for s in api if s["strength"] == "weak"]
    assert all(s["score"] < WEAK_BELOW for s in weak)
    assert all(s["score"] >= WEAK_BELOW for s in api if s["strength"] == "strong")
    if weak:
        assert "Phù hợp yếu" in page
        section = page.split('data-testid="weak-suggestions"', 1)[1]
        for s in weak:
            assert f'data-testid="suggestion-{s["participant"]["id"]}"' in section


def test_english_suggestions_list_no_vietnamese_keywords(
    browser: TestClient,  # noqa: F811
    db: Session,
    world: World,  # noqa: F811
) -> None:
    log_in(browser, db, world.users["tuan"])
    english = html.unescape(browser.get(f"/events/{world.event_id}/suggestions?lang=en").text)
    reasons = re.findall(r"<li>(keywords[^<]*)</li>", english)
    assert reasons
    assert "keywords: packaging, robot" in reasons
    for reason in reasons:
        assert "đóng gói" not in reason
        assert reason.isascii(), reason
    assert "Request a meeting" in english
