"""The offers-and-requests pages over HTTP: browsing and accent-insensitive search, the
profile form with CSRF and messages next to fields, withdrawal and suggestions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.events import service as events
from app.events.models import EventCreate
from app.matchmaking.models import Profile
from app.settings import get_settings
from tests.conftest import HAI_PHONG_EVENT
from tests.integration.test_profiles_api import World, build_world

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def world(client: TestClient, db: Session, organiser: User, delegate: User) -> World:
    return build_world(client, db, organiser, delegate)


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers=HTML) as test_client:
        yield test_client


def log_in(browser: TestClient, db: Session, user: User) -> None:
    key = start_web_session(db, get_settings(), user=user)
    db.commit()
    browser.cookies.set(SESSION_COOKIE, key)


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="{name}-error"[^>]*>(.*?)</p>', page, re.S)
    assert match, f"no message next to {name!r}"
    return html.unescape(match.group(1)).strip()


def card_titles(page: str) -> list[str]:
    # Without the <mark> of the words a search matched.
    return [
        html.unescape(re.sub(r"</?mark>", "", t)).strip()
        for t in re.findall(r'<h3><a href="/events/\d+/profiles/\d+">(.*?)</a></h3>', page, re.S)
    ]


FORM = {
    "kind": "technology_request",
    "title_vi": "Hệ thống truy xuất nguồn gốc chè",
    "title_en": "",
    "title_local": "",
    "local_language": "",
    "description_vi": "Tem QR cho từng lô chè xuất khẩu.",
    "description_en": "",
    "description_local": "",
    "keywords": "truy xuất, QR code, truy xuất",
    "trl": "",
    "ip_status": "",
    "status": "published",
}


# ---- browse and search --------------------------------------------------------------------


def test_public_browse_page_shows_cards_in_vietnamese(browser: TestClient, world: World) -> None:
    page = browser.get(f"/events/{world.event_id}/profiles")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert card_titles(page.text) == [
        "Tự động hoá dây chuyền đóng gói chè",
        "Robotic packaging line for tea and coffee",
        "Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu",
        "Giám sát chuỗi lạnh bằng cảm biến IoT",
        "Công nghệ sản xuất đường hữu cơ từ mía",
    ]
    assert "5 chào bán và nhu cầu" in text
    assert "Chào bán công nghệ" in text  # the kind, in Vietnamese
    assert "Tự động hoá, robot" in text  # a sector label
    assert "TRL 8" in text
    assert re.search(r"<span>Formosa Automation</span>\s*<span>· Đài Loan \(Trung Quốc\)", text)
    assert "茶葉與咖啡自動包裝機器人" in text  # the delegation's own title, below
    # Drafts and a pending company's profile stay out of the public list.
    assert "Chế phẩm vi sinh" not in text
    assert "Máy đóng gói chè túi lọc" not in text
    assert "/profiles/new" not in text


def test_english_page_shows_english_titles_and_labels(browser: TestClient, world: World) -> None:
    page = html.unescape(browser.get(f"/events/{world.event_id}/profiles?lang=en").text)
    assert "Automating a tea packaging line" in card_titles(page)
    assert "Automation and robotics" in page
    assert "5 offers and requests" in page


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tu dong hoa day chuyen", ["Tự động hoá dây chuyền đóng gói chè"]),
        ("DUONG", ["Công nghệ sản xuất đường hữu cơ từ mía"]),
        (
            "chuoi lanh",
            [
                "Giải pháp chuỗi lạnh cho thuỷ sản xuất khẩu",
                "Giám sát chuỗi lạnh bằng cảm biến IoT",
            ],
        ),
    ],
)
def test_search_box_ignores_accents(
    browser: TestClient, world: World, q: str, expected: list[str]
) -> None:
    page = browser.get(f"/events/{world.event_id}/profiles", params={"q": q})
    assert card_titles(page.text) == expected
    assert f'value="{q}"' in page.text  # the box keeps what was typed


def test_filters_on_the_page(browser: TestClient, world: World) -> None:
    page = browser.get(
        f"/events/{world.event_id}/profiles",
        params={"country": "TW", "sector": "logistics", "trl_min": "6"},
    )
    assert card_titles(page.text) == ["Giám sát chuỗi lạnh bằng cảm biến IoT"]
    assert '<option value="TW" selected>' in page.text
    bad = browser.get(f"/events/{world.event_id}/profiles", params={"kind": "gift", "trl_min": "x"})
    assert bad.status_code == 200  # a hand-edited address is ignored, not an error
    assert len(card_titles(bad.text)) == 5


def test_nothing_found_says_so(browser: TestClient, world: World) -> None:
    page = browser.get(f"/events/{world.event_id}/profiles", params={"q": "vệ tinh"})
    assert "Không có kết quả phù hợp" in page.text
    assert card_titles(page.text) == []


def test_profile_page_shows_the_details(browser: TestClient, world: World) -> None:
    page = browser.get(f"/events/{world.event_id}/profiles/{world.ids['robot_offer']}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<h1>Robotic packaging line for tea and coffee</h1>" in text
    assert "Đã được cấp bằng sáng chế" in text
    assert "Chuyển giao công nghệ · Hợp đồng cung ứng" in text
    assert "Lin Wei-Ting" in text
    assert "/edit" not in text  # the public cannot change it


def test_draft_profile_page_is_404_for_the_public(browser: TestClient, world: World) -> None:
    page = browser.get(f"/events/{world.event_id}/profiles/{world.ids['lan_draft']}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Chế phẩm vi sinh" not in page.text


# ---- the form -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_from_the_form(browser: TestClient, world: World) -> None:
    for url in (
        f"/events/{world.event_id}/profiles/new",
        f"/events/{world.event_id}/profiles/{world.ids['tea_request']}/edit",
        f"/events/{world.event_id}/suggestions",
    ):
        response = browser.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login?next=")


def test_someone_not_registered_gets_a_403_page_that_leads_to_the_registration(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["outsider"])
    event = world.event_id
    for url in (
        f"/events/{event}/profiles/new",
        f"/events/{event}/suggestions",
        f"/events/{event}/agreements",
        f"/events/{event}/meeting-requests/new?to={world.ids['tuan']}",
    ):
        response = browser.get(url)
        assert response.status_code == 403, url
        assert response.headers["content-type"].startswith("text/html")
        main = response.text.split("</header>", 1)[-1]
        assert "<form" not in main
        # not a dead end: the registration form, and the event, one click away
        assert f'href="/events/{event}/register">Đăng ký tham dự</a>' in main, url
        assert f'href="/events/{event}">Quay lại sự kiện</a>' in main, url
    # the personal agenda of someone without a registration: none, and the way to one
    calendar = browser.get(f"/events/{event}/calendar")
    assert calendar.status_code == 404
    assert re.search(r"<h1>\s*Hãy đăng ký tham dự sự kiện trước\s*</h1>", calendar.text)
    assert f'href="/events/{event}/register">Đăng ký tham dự</a>' in calendar.text
    english = browser.get(f"/events/{event}/suggestions?lang=en").text
    assert f'href="/events/{event}/register">Register to attend</a>' in english
    assert f'href="/events/{event}">Back to the event</a>' in english


def test_the_event_page_offers_a_person_only_what_opens_for_them(
    browser: TestClient, db: Session, world: World
) -> None:
    event = world.event_id
    participant_only = (
        f'href="/events/{event}/suggestions"',
        f'href="/events/{event}/agreements"',
        f'href="/events/{event}/calendar"',
    )
    log_in(browser, db, world.users["outsider"])
    page = browser.get(f"/events/{event}").text
    assert f'href="/events/{event}/register"' in page
    for link in participant_only:
        assert link not in page, link
    directory = browser.get(f"/events/{event}/profiles").text
    assert f'href="/events/{event}/suggestions"' not in directory
    assert f'href="/events/{event}/register">Đăng ký tham dự</a>' in directory
    offer = f"/events/{event}/profiles/{world.ids['cold_offer']}"
    profile = browser.get(offer).text
    assert "meeting-requests/new" not in profile
    assert f'href="/events/{event}/register">Đăng ký tham dự</a>' in profile
    assert "Hãy đăng ký tham dự sự kiện này để đề nghị gặp" in profile
    # registered and waiting for approval: suggestions, but no agreements yet, and the
    # agreements page does not ask them to register again
    log_in(browser, db, world.users["pending"])
    page = browser.get(f"/events/{event}").text
    assert f'href="/events/{event}/suggestions"' in page
    # registered: "My registration" is the main button, not "Register to attend" again
    assert f'href="/events/{event}/register"' not in page.split("</header>", 1)[-1]
    assert f'<a class="button primary" href="/events/{event}/me">' in page
    assert f'href="/events/{event}/agreements"' not in page
    refused = browser.get(f"/events/{event}/agreements")
    assert refused.status_code == 403
    assert f'href="/events/{event}/register"' not in refused.text.split("</header>", 1)[-1]
    log_in(browser, db, world.users["tuan"])
    page = browser.get(f"/events/{event}").text
    for link in participant_only:
        assert link in page, link
    assert f'href="/events/{event}/suggestions"' in browser.get(f"/events/{event}/profiles").text
    assert f"/events/{event}/meeting-requests/new?to=" in browser.get(offer).text


def test_delegate_cannot_edit_someone_elses_profile(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["tuan"])
    url = f"/events/{world.event_id}/profiles/{world.ids['cold_request']}/edit"
    assert browser.get(url).status_code == 403
    token = csrf(browser.get(f"/events/{world.event_id}/profiles/new").text)
    posted = browser.post(url, data={**FORM, "csrf_token": token})
    assert posted.status_code == 403


def test_form_without_csrf_token_is_refused(browser: TestClient, db: Session, world: World) -> None:
    log_in(browser, db, world.users["tuan"])
    browser.get(f"/events/{world.event_id}/profiles/new")
    response = browser.post(f"/events/{world.event_id}/profiles/new", data=FORM)
    assert response.status_code == 403
    assert db.exec(select(Profile).where(Profile.title_vi == FORM["title_vi"])).first() is None


def test_delegate_publishes_through_the_form(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["tuan"])
    form = browser.get(f"/events/{world.event_id}/profiles/new")
    assert form.status_code == 200
    assert f'<option value="{world.ids["tuan"]}" selected>' in form.text
    response = browser.post(
        f"/events/{world.event_id}/profiles/new",
        data={
            **FORM,
            "participant_id": str(world.ids["tuan"]),
            "sectors": ["food_processing", "it"],
            "partnership_types": ["technology_transfer"],
            "budget": "500m_2b",
            "csrf_token": csrf(form.text),
        },
    )
    assert response.status_code == 303, response.text
    page = browser.get(response.headers["location"])
    text = html.unescape(page.text)
    assert "<h1>Hệ thống truy xuất nguồn gốc chè</h1>" in text
    # the request's budget range, as a Vietnamese reader writes it
    assert re.search(r"<dt>Ngân sách dự kiến</dt><dd>500 triệu – 2 tỷ đồng</dd>", text)
    # Sectors are listed in the vocabulary's order, whatever the order ticked.
    assert "Công nghệ thông tin, phần mềm · Chế biến thực phẩm, đồ uống" in text
    assert "truy xuất, QR code" in text  # the repeat is gone
    assert "Sửa" in text  # the owner may edit
    found = browser.get(f"/events/{world.event_id}/profiles", params={"q": "truy xuat"})
    assert card_titles(found.text) == ["Hệ thống truy xuất nguồn gốc chè"]
    assert 'data-testid="hidden-until-approved"' not in page.text  # approved: others see it
    # Awaiting approval, the owner is told that others do not see it yet (session 29's walk:
    # "Published: visible to all participants", and others got a 404).
    from app.registration.models import Participant

    tuan = db.get(Participant, world.ids["tuan"])
    assert tuan is not None
    tuan.status = "pending"
    db.add(tuan)
    db.commit()
    page = browser.get(response.headers["location"])
    assert 'data-testid="hidden-until-approved"' in page.text
    assert "sau khi ban tổ chức duyệt đăng ký của bạn" in html.unescape(page.text)


def test_errors_are_shown_next_to_their_fields(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["tuan"])
    token = csrf(browser.get(f"/events/{world.event_id}/profiles/new").text)
    response = browser.post(
        f"/events/{world.event_id}/profiles/new",
        data={**FORM, "title_vi": "  ", "csrf_token": token},
    )
    assert response.status_code == 422
    assert field_error(response.text, "title_vi") == "hãy nhập tên ít nhất bằng một ngôn ngữ"
    assert 'name="description_vi"' in response.text
    assert "Tem QR cho từng lô chè xuất khẩu." in response.text  # what was typed is kept
    too_many = ", ".join(f"từ {i}" for i in range(21))
    response = browser.post(
        f"/events/{world.event_id}/profiles/new",
        data={**FORM, "keywords": too_many, "csrf_token": token},
    )
    assert response.status_code == 422
    assert field_error(response.text, "keywords") == "tối đa 20 từ khoá"
    kept = re.search(r'id="keywords"[^>]*value="([^"]*)"', response.text)
    assert kept
    assert html.unescape(kept[1]) == too_many


def test_organiser_publishes_on_behalf_of_a_participant(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["organiser"])
    form = browser.get(f"/events/{world.event_id}/profiles/new?participant_id={world.ids['chen']}")
    assert f'<option value="{world.ids["chen"]}" selected>' in form.text
    assert "Đỗ Hương Giang (đang chờ duyệt)" in form.text
    response = browser.post(
        f"/events/{world.event_id}/profiles/new",
        data={**FORM, "participant_id": str(world.ids["chen"]), "csrf_token": csrf(form.text)},
    )
    assert response.status_code == 303
    profile = db.exec(select(Profile).where(Profile.title_vi == FORM["title_vi"])).one()
    assert profile.participant_id == world.ids["chen"]


def test_owner_edits_and_withdraws(browser: TestClient, db: Session, world: World) -> None:
    log_in(browser, db, world.users["tuan"])
    base = f"/events/{world.event_id}/profiles/{world.ids['tea_request']}"
    form = browser.get(f"{base}/edit")
    assert form.status_code == 200
    assert 'value="Tự động hoá dây chuyền đóng gói chè"' in form.text
    assert 'value="automation" checked' in form.text
    saved = browser.post(
        f"{base}/edit",
        data={
            **FORM,
            "title_vi": "Tự động hoá đóng gói chè túi lọc",
            "sectors": ["automation"],
            "trl": "4",
            "csrf_token": csrf(form.text),
        },
    )
    assert saved.status_code == 303
    page = html.unescape(browser.get(base).text)
    assert "<h1>Tự động hoá đóng gói chè túi lọc</h1>" in page
    assert "TRL 4" in page
    withdrawn = browser.post(f"{base}/withdraw", data={"csrf_token": csrf(page)})
    assert withdrawn.status_code == 303
    assert '<span class="badge status-withdrawn">Đã rút</span>' in browser.get(base).text
    browser.cookies.clear()
    assert browser.get(base).status_code == 404


# ---- suggestions --------------------------------------------------------------------------


def test_delegate_sees_suggestions_with_reasons(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["tuan"])
    page = browser.get(f"/events/{world.event_id}/suggestions")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<h1>Gợi ý cho bạn</h1>" in text
    first = re.search(r'data-testid="suggestion-(\d+)"', text)
    assert first
    assert int(first.group(1)) == world.ids["lin"]
    assert "cùng lĩnh vực: tự động hoá, robot" in text
    assert "từ khoá: đóng gói, packaging, robot" in text
    english = html.unescape(browser.get(f"/events/{world.event_id}/suggestions?lang=en").text)
    assert "<h1>Suggested for you</h1>" in english
    assert "same sector: automation and robotics" in english


def test_organiser_picks_whose_suggestions_to_see(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["organiser"])
    picker = browser.get(f"/events/{world.event_id}/suggestions")
    assert picker.status_code == 200
    assert 'name="participant_id"' in picker.text
    page = browser.get(f"/events/{world.event_id}/suggestions?participant_id={world.ids['hanh']}")
    text = html.unescape(page.text)
    assert "Dành cho Nguyễn Thị Hạnh" in text
    first = re.search(r'data-testid="suggestion-(\d+)"', text)
    assert first
    assert first[1] == str(world.ids["chen"])


def test_organiser_of_an_event_without_participants_sees_an_empty_suggestions_page(
    browser: TestClient, db: Session, organiser: User
) -> None:
    event = events.create_event(
        db,
        actor=organiser,
        data=EventCreate.model_validate({**HAI_PHONG_EVENT, "title_vi": "Sự kiện chưa có ai"}),
    )
    db.commit()
    log_in(browser, db, organiser)
    page = browser.get(f"/events/{event.id}/suggestions")
    assert page.status_code == 200  # not "register first": the organiser runs the event
    assert 'data-testid="no-participants"' in page.text
    assert "Chưa có ai đăng ký tham dự sự kiện này" in page.text
    assert f'href="/events/{event.id}/register"' not in page.text


def test_delegate_cannot_see_someone_elses_suggestions(
    browser: TestClient, db: Session, world: World
) -> None:
    log_in(browser, db, world.users["tuan"])
    page = browser.get(f"/events/{world.event_id}/suggestions?participant_id={world.ids['hanh']}")
    assert page.status_code == 403
