"""Small leaks of issue 15: calendar tokens in the access log, line breaks in names reaching
e-mails, NUL characters in text."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role, User, UserCreate
from app.auth.service import create_user
from app.errors import Invalid
from app.main import create_app
from app.settings import get_settings


def test_calendar_tokens_are_redacted_in_the_access_log(
    migrated: str, caplog: pytest.LogCaptureFixture
) -> None:
    create_app(get_settings())
    logger = logging.getLogger("uvicorn.access")
    secret = "Zq3-very-secret-feed-token_abc"
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        # The access log line exactly as uvicorn writes it.
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "203.0.113.5:5123",
            "GET",
            f"/api/v1/events/1/participants/7/calendar.ics?token={secret}&lang=vi",
            "1.1",
            200,
        )
    assert secret not in caplog.text
    assert "token=[redacted]&lang=vi" in caplog.text


def test_line_breaks_in_names_are_collapsed_before_storing(db: Session) -> None:
    user = create_user(
        db,
        data=UserCreate(
            email="hoa@thucpham-hp.example",
            full_name="Nguyễn Thị Hoa\r\nBcc: victim@example.com",
            password="mat-khau-rat-dai",
            role=Role.delegate,
        ),
    )
    db.commit()
    db.expire_all()
    stored = db.get(User, user.id)
    assert stored is not None
    assert stored.full_name == "Nguyễn Thị Hoa Bcc: victim@example.com"


def test_nul_characters_are_refused_naming_the_field(db: Session) -> None:
    with pytest.raises(Invalid) as refused:
        create_user(
            db,
            data=UserCreate(
                email="nul@thucpham-hp.example",
                full_name="Hoa\x00",
                password="mat-khau-rat-dai",
                role=Role.delegate,
            ),
        )
    db.rollback()
    assert refused.value.status == 422
    assert refused.value.errors[0].field == "full_name"


def test_nul_in_an_api_body_is_a_422_problem(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    from tests.conftest import HAI_PHONG_EVENT

    response = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "venue": "Trung tâm\x00Hội nghị"},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "venue"
