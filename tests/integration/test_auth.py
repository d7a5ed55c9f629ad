"""Log-in for API clients, tokens, rate limiting, accounts and the first organiser, through
HTTP on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.auth.models import ApiToken, LoginAttempt, RateLimit, Role, User
from app.main import create_app
from app.settings import Settings
from app.types import utcnow
from tests.conftest import PASSWORD, make_user, token_for

PROBLEM = "application/problem+json"
TOKEN_URL = "/api/v1/auth/token"


def _login(client: TestClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(TOKEN_URL, data={"username": email, "password": password})


def _failures(db: Session, email: str) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).where(LoginAttempt.email == email, LoginAttempt.success == False)  # noqa: E712
    ).one()


@pytest.fixture(autouse=True)
def fast(request: pytest.FixtureRequest) -> None:
    # Cheap Argon2 parameters keep this file fast; the test about the stored hash format
    # runs with the production hasher.
    if "argon2id" not in request.node.name:
        request.getfixturevalue("fast_password_hashing")


def test_password_login_returns_a_bearer_token_that_identifies_the_user(
    client: TestClient, organiser: User
) -> None:
    response = _login(client, organiser.email, PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert len(body["access_token"]) >= 32
    assert body["expires_in"] > 0
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == "quynh@sokhcn.haiphong.gov.vn"
    assert me.json()["full_name"] == "Phạm Thị Sen Quỳnh"
    assert me.json()["role"] == "organiser"
    assert "password_hash" not in me.json()


def test_login_email_is_case_and_space_insensitive(client: TestClient, organiser: User) -> None:
    assert _login(client, "  Quynh@SoKHCN.HaiPhong.gov.vn ", PASSWORD).status_code == 200


def test_users_me_without_a_token_is_401_problem(client: TestClient) -> None:
    response = client.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"] == "Bearer"


def test_garbage_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/users/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)


def test_wrong_password_is_401_problem(client: TestClient, organiser: User) -> None:
    response = _login(client, organiser.email, "wrong-password-123")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "wrong_e_mail_or_password"
    assert response.json()["detail"] == "Sai thư điện tử hoặc mật khẩu"
    assert "access_token" not in response.json()


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(
    client: TestClient, organiser: User
) -> None:
    wrong_password = _login(client, organiser.email, "wrong-password-123")
    unknown_email = _login(client, "nobody@nowhere.example", "wrong-password-123")
    assert unknown_email.status_code == wrong_password.status_code == 401
    assert unknown_email.json()["detail"] == wrong_password.json()["detail"]
    assert unknown_email.json()["title"] == wrong_password.json()["title"]


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(
    client: TestClient, organiser: User, db: Session
) -> None:
    for attempt in range(5):
        response = _login(client, organiser.email, f"wrong-password-{attempt}")
        assert response.status_code == 401
    # The failures were committed although each request failed: they live in the database,
    # shared by every worker process, not in one process's memory.
    assert _failures(db, organiser.email) == 5
    refused = _login(client, organiser.email, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert int(refused.headers["retry-after"]) > 0
    assert "access_token" not in refused.json()


def test_login_failures_persist_across_app_instances(app, organiser: User, db: Session) -> None:  # type: ignore[no-untyped-def]
    """A second process (here: a second app instance) sees the first one's failures."""
    with TestClient(app) as first:
        for attempt in range(5):
            assert _login(first, organiser.email, f"bad-{attempt}-password").status_code == 401
    with TestClient(create_app(Settings())) as second:
        assert _login(second, organiser.email, PASSWORD).status_code == 429
    assert _failures(db, organiser.email) == 5


def test_rate_limit_is_per_email(client: TestClient, organiser: User, delegate: User) -> None:
    for attempt in range(5):
        _login(client, organiser.email, f"wrong-password-{attempt}")
    assert _login(client, delegate.email, PASSWORD).status_code == 200


def test_old_failures_outside_the_window_do_not_count(
    client: TestClient, organiser: User, db: Session
) -> None:
    for attempt in range(5):
        _login(client, organiser.email, f"wrong-password-{attempt}")
    for row in db.exec(select(LoginAttempt)).all():
        row.at = utcnow() - timedelta(hours=1)
        db.add(row)
    for counter in db.exec(select(RateLimit)).all():
        counter.window_start = utcnow() - timedelta(hours=1)
        counter.blocked_until = utcnow() - timedelta(minutes=30)
        db.add(counter)
    db.commit()
    assert _login(client, organiser.email, PASSWORD).status_code == 200


def test_logout_revokes_the_token(client: TestClient, organiser: User) -> None:
    headers = token_for(client, organiser.email)
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/v1/users/me", headers=headers)
    assert after.status_code == 401
    assert after.headers["content-type"].startswith(PROBLEM)


def test_logout_revokes_only_that_token(client: TestClient, organiser: User) -> None:
    first = token_for(client, organiser.email)
    second = token_for(client, organiser.email)
    client.post("/api/v1/auth/logout", headers=first)
    assert client.get("/api/v1/users/me", headers=second).status_code == 200


def test_expired_token_is_rejected(client: TestClient, organiser: User, db: Session) -> None:
    headers = token_for(client, organiser.email)
    row = db.exec(select(ApiToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 401
    assert "hết hạn" in response.json()["detail"]


def test_tokens_are_stored_only_as_digests(
    client: TestClient, organiser: User, db: Session
) -> None:
    headers = token_for(client, organiser.email)
    token = headers["Authorization"].removeprefix("Bearer ")
    stored = db.exec(select(ApiToken)).one()
    assert stored.token_hash != token
    assert token not in stored.token_hash


def test_deactivated_account_cannot_use_its_token_or_log_in(
    client: TestClient, organiser: User, db: Session
) -> None:
    headers = token_for(client, organiser.email)
    user = db.get(User, organiser.id)
    assert user is not None
    user.is_active = False
    db.add(user)
    db.commit()
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401
    assert _login(client, organiser.email, PASSWORD).status_code == 401


def test_passwords_are_stored_as_argon2id_hashes(db: Session) -> None:
    user = make_user(db, "hash-check@ketnoi.example", Role.delegate)
    db.expire_all()
    stored = db.get(User, user.id)
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_admin_from_environment_is_created_at_start_up_and_can_log_in(db: Session) -> None:
    settings = Settings(admin_email="Admin@Ketnoi.example", admin_password="first-admin-pw-2026")
    with TestClient(create_app(settings)) as client:
        headers = token_for(client, "admin@ketnoi.example", "first-admin-pw-2026")
        me = client.get("/api/v1/users/me", headers=headers).json()
    assert me["role"] == "organiser"
    assert me["is_admin"] is True


def test_admin_from_environment_is_not_duplicated_on_restart(db: Session) -> None:
    settings = Settings(admin_email="admin@ketnoi.example", admin_password="first-admin-pw-2026")
    for _ in range(2):
        with TestClient(create_app(settings)) as client:
            assert client.get("/healthz").status_code == 200
    count = db.exec(select(func.count()).where(User.email == "admin@ketnoi.example")).one()
    assert count == 1


def test_restart_with_another_admin_password_does_not_reset_the_password(db: Session) -> None:
    first = Settings(admin_email="admin@ketnoi.example", admin_password="first-admin-pw-2026")
    second = Settings(admin_email="admin@ketnoi.example", admin_password="other-admin-pw-2026")
    with TestClient(create_app(first)):
        pass
    with TestClient(create_app(second)) as client:
        assert _login(client, "admin@ketnoi.example", "first-admin-pw-2026").status_code == 200
        assert _login(client, "admin@ketnoi.example", "other-admin-pw-2026").status_code == 401


NEW_ORGANISER = {
    "email": "lan@sokhcn.haiphong.gov.vn",
    "full_name": "Nguyễn Thị Lan",
    "password": "organiser-pw-2026",
    "role": "organiser",
}
NEW_DELEGATE = {
    "email": "chen@itri.example.tw",
    "full_name": "陳志明 (Chen Chih-ming)",
    "password": "delegate-pw-2026",
    "role": "delegate",
    "locale": "en",
}


def test_admin_creates_an_organiser_who_can_log_in(client: TestClient, admin: User) -> None:
    response = client.post(
        "/api/v1/users", json=NEW_ORGANISER, headers=token_for(client, admin.email)
    )
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "organiser"
    assert response.json()["is_admin"] is False
    assert "password" not in response.json()
    assert "password_hash" not in response.json()
    token_for(client, NEW_ORGANISER["email"], NEW_ORGANISER["password"])


def test_plain_organiser_cannot_create_organisers(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/users", json=NEW_ORGANISER, headers=organiser_headers)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)


def test_organiser_creates_a_delegate_account(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/users", json=NEW_DELEGATE, headers=organiser_headers)
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "delegate"
    assert response.json()["full_name"] == "陳志明 (Chen Chih-ming)"
    assert response.json()["locale"] == "en"
    headers = token_for(client, NEW_DELEGATE["email"], NEW_DELEGATE["password"])
    assert client.get("/api/v1/users/me", headers=headers).json()["role"] == "delegate"


def test_delegate_cannot_create_accounts(
    client: TestClient, delegate_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/users", json=NEW_DELEGATE, headers=delegate_headers)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)


def test_anonymous_cannot_create_accounts(client: TestClient) -> None:
    assert client.post("/api/v1/users", json=NEW_DELEGATE).status_code == 401


def test_duplicate_email_is_409_naming_the_email_field(
    client: TestClient, organiser_headers: dict[str, str], delegate: User
) -> None:
    response = client.post(
        "/api/v1/users",
        json={**NEW_DELEGATE, "email": delegate.email.upper()},
        headers=organiser_headers,
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [e["field"] for e in response.json()["errors"]] == ["email"]
