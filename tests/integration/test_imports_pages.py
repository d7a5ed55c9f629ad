"""The import page in a browser's shoes: log-in and role checks, upload with CSRF, problems
shown beside their row and cell, apply only when valid, the template and the export links."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from app.auth.models import User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.registration.models import Participant
from app.settings import get_settings

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}
GOOD = (
    "\ufeffHọ và tên,Email,Tổ chức,Lĩnh vực,Ghi chú\r\n"
    "Nguyễn Thị Hạnh,hanh@thucpham-hp.example,Công ty CP Thực phẩm Hải Phòng,"
    '"Chế biến thực phẩm, đồ uống",VIP\r\n'
    "Lin Wei-Ting,lin@tw.example,台灣精密股份有限公司,semiconductors,\r\n"
).encode()
BAD = (
    "Họ và tên;Email;Quốc gia\r\nNguyễn Văn An;an@example.vn;VN\r\n;khong-phai-email;Atlantis\r\n"
).encode()


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers=HTML) as test_client:
        yield test_client


def _log_in(browser: TestClient, db: Session, user: User) -> None:
    key = start_web_session(db, get_settings(), user=user)
    db.commit()
    browser.cookies.set(SESSION_COOKIE, key)


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token"
    return match.group(1)


def _upload(browser: TestClient, event_id: int, data: bytes, name: str = "ds.csv"):  # type: ignore[no-untyped-def]
    page = browser.get(f"/events/{event_id}/import")
    assert page.status_code == 200
    return browser.post(
        f"/events/{event_id}/import",
        data={"csrf_token": _csrf(page.text)},
        files={"file": (name, data, "text/csv")},
    )


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _participants(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Participant)).one()


def test_anonymous_is_sent_to_log_in(browser: TestClient, event_id: int) -> None:
    for url in (f"/events/{event_id}/import", f"/events/{event_id}/import/template.xlsx"):
        response = browser.get(url)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_delegates_and_other_organisers_get_a_403_page(
    browser: TestClient,
    db: Session,
    client: TestClient,
    organiser_headers: dict[str, str],
    delegate: User,
    other_organiser: User,
    event_id: int,
) -> None:
    client.patch(
        f"/api/v1/events/{event_id}",
        json={"status": "registration_open"},
        headers=organiser_headers,
    )
    for user in (delegate, other_organiser):
        _log_in(browser, db, user)
        response = browser.get(f"/events/{event_id}/import")
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert 'enctype="multipart/form-data"' not in response.text


def test_problems_are_shown_next_to_their_row_and_cell_and_nothing_can_be_applied(
    browser: TestClient, db: Session, organiser: User, event_id: int
) -> None:
    _log_in(browser, db, organiser)
    response = _upload(browser, event_id, BAD)
    assert response.status_code == 200
    assert "/apply" not in response.text
    row = re.search(r'<tr id="row-3".*?</tr>', response.text, re.S)
    assert row, "row 3 is not shown"
    cells = dict(re.findall(r'<td[^>]*data-field="(\w+)"[^>]*>(.*?)</td>', row.group(0), re.S))
    assert 'aria-invalid="true" data-field="email"' in row.group(0)
    assert "khong-phai-email" in cells["email"]
    problems = _text(row.group(0).split('class="row-issues"', 1)[1])
    # Vietnamese is the default language of the pages.
    assert "Họ và tên : Nhập họ và tên." in problems
    assert "Email : “khong-phai-email” không phải là địa chỉ e-mail hợp lệ." in problems
    assert "Quốc gia : Quốc gia không xác định: Atlantis." in problems
    assert '<tr id="row-2"' not in response.text  # a good row is not listed among problems
    assert _participants(db) == 0


def test_upload_preview_apply_in_english(
    browser: TestClient, db: Session, organiser: User, event_id: int
) -> None:
    _log_in(browser, db, organiser)
    browser.get("/?lang=en")
    response = _upload(browser, event_id, GOOD)
    assert response.status_code == 200
    text = _text(response.text)
    assert "2 rows read." in text
    assert "Every row is in order." in text
    assert "These columns were not recognised and will not be imported: Ghi chú" in text
    assert "台灣精密股份有限公司" in response.text
    apply = re.search(r'action="(/events/\d+/import/\d+/apply)"', response.text)
    assert apply, "no apply button for a valid file"
    assert _participants(db) == 0
    done = browser.post(apply.group(1), data={"csrf_token": _csrf(response.text)})
    assert done.status_code == 303
    page = browser.get(done.headers["location"])
    assert "2 participants from ds.csv have been added to the event." in _text(page.text)
    assert _participants(db) == 2


def test_apply_without_csrf_is_refused(
    browser: TestClient, db: Session, organiser: User, event_id: int
) -> None:
    _log_in(browser, db, organiser)
    response = _upload(browser, event_id, GOOD)
    apply = re.search(r'action="(/events/\d+/import/\d+/apply)"', response.text)
    assert apply
    refused = browser.post(apply.group(1), data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert _participants(db) == 0


def test_a_file_problem_is_shown_on_the_form(
    browser: TestClient, db: Session, organiser: User, event_id: int
) -> None:
    _log_in(browser, db, organiser)
    response = _upload(browser, event_id, "Tên,Ghi chú\nAn,x\n".encode())
    assert response.status_code == 422
    message = re.search(
        r'<p class="form-error" role="alert" id="file-error">(.*?)</p>', response.text, re.S
    )
    assert message
    assert "Thiếu các cột bắt buộc" in _text(message.group(1))
    assert "“Ghi chú”" in _text(message.group(1))
    too_big = _upload(browser, event_id, b"a" * (6 * 1024 * 1024))
    assert too_big.status_code == 413
    assert "5 MB" in _text(too_big.text)


def test_the_template_has_the_expected_headers_and_lists(
    browser: TestClient, db: Session, organiser: User, event_id: int
) -> None:
    _log_in(browser, db, organiser)
    page = browser.get(f"/events/{event_id}/import")
    assert f'href="/api/v1/events/{event_id}/export?what=participants&amp;format=xlsx"' in page.text
    response = browser.get(f"/events/{event_id}/import/template.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="mau-nhap-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Người tham dự", "Hướng dẫn - Instructions", "Danh mục - Lists"]
    headers = [c.value for c in book["Người tham dự"][1]]
    assert headers[:3] == [
        "Họ và tên / Full name",
        "Tên theo ngôn ngữ gốc / Name in own script",
        "Email",
    ]
    assert "Lĩnh vực / Sectors" in headers
    lists = [[c.value for c in row] for row in book["Danh mục - Lists"].iter_rows(min_row=2)]
    assert [
        "Lĩnh vực / Sectors",
        "automation",
        "Tự động hoá, robot",
        "Automation and robotics",
    ] in lists
    # The template itself, filled in, is a valid import.
    sheet = book["Người tham dự"]
    sheet.append(["Trần Văn Bình", None, "binh@cokhi-hp.example"])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _upload(browser, event_id, buffer.getvalue(), "mau.xlsx")
    assert "/apply" in preview.text
