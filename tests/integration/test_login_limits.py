"""Log-in guesses are limited without letting strangers lock the owner out: per account and
client address with exponential back-off, per account only slowed, per client address loose;
counted atomically, so concurrent guesses cannot slip past the limit."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import ratelimit
from app.auth.models import RateLimit, User
from app.auth.security import PASSWORD_HASH_PARAMETERS, hash_password, verify_password
from app.auth.service import authenticate
from app.db import get_engine
from app.errors import TooManyRequests, Unauthorized
from app.settings import get_settings
from app.types import utcnow
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"
ATTACKER = ("203.0.113.66", 40000)
OWNER = ("198.51.100.7", 50000)


@pytest.fixture(autouse=True)
def fast(request: pytest.FixtureRequest) -> None:
    if "argon2" not in request.node.name:
        request.getfixturevalue("fast_password_hashing")


def _from(app: FastAPI, address: tuple[str, int]) -> TestClient:
    return TestClient(app, client=address)


def _guess(client: TestClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(TOKEN_URL, data={"username": email, "password": password})


def test_a_stranger_guessing_cannot_lock_the_owner_out(app: FastAPI, organiser: User) -> None:
    with _from(app, ATTACKER) as attacker:
        codes = [_guess(attacker, organiser.email, f"guess-{n}-xyz").status_code for n in range(30)]
        # Five guesses are checked; then the attacker's address waits (exponential back-off).
        assert codes[:5] == [401] * 5
        assert set(codes[5:]) == {429}
        refused = _guess(attacker, organiser.email, PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert 55 <= int(refused.headers["retry-after"]) <= 60
        assert "access_token" not in refused.json()
    with _from(app, OWNER) as owner:
        assert _guess(owner, organiser.email, PASSWORD).status_code == 200


def test_back_off_doubles_after_each_checked_guess(db: Session) -> None:
    key = "test:back-off"
    start = utcnow()
    decisions = [
        ratelimit.hit(db, key, 2, 900, backoff_s=60, now=start + timedelta(seconds=n))
        for n in range(3)
    ]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[2].retry_after_s == 60
    # After the wait one more guess is checked; the next waits twice as long, then 4 times.
    later = start + timedelta(seconds=62)
    assert ratelimit.hit(db, key, 2, 900, backoff_s=60, now=later).allowed
    blocked = ratelimit.hit(db, key, 2, 900, backoff_s=60, now=later + timedelta(seconds=1))
    assert (blocked.allowed, blocked.retry_after_s) == (False, 119)
    later += timedelta(seconds=121)
    assert ratelimit.hit(db, key, 2, 900, backoff_s=60, now=later).allowed
    blocked = ratelimit.hit(db, key, 2, 900, backoff_s=60, now=later + timedelta(seconds=1))
    assert (blocked.allowed, blocked.retry_after_s) == (False, 239)
    db.commit()


def test_guesses_from_many_addresses_only_slow_the_account_down(
    app: FastAPI, organiser: User
) -> None:
    limit = get_settings().login_account_max
    for n in range(limit):
        with _from(app, (f"203.0.113.{n + 1}", 40000)) as stranger:
            assert _guess(stranger, organiser.email, "wrong-password-x").status_code == 401
    with _from(app, ("203.0.113.200", 40000)) as stranger:
        slowed = _guess(stranger, organiser.email, "wrong-password-y")
        assert slowed.status_code == 429
        wait = int(slowed.headers["retry-after"])
        assert wait <= get_settings().login_account_delay_s
    with _from(app, OWNER) as owner:
        time.sleep(wait)
        assert _guess(owner, organiser.email, PASSWORD).status_code == 200


def test_a_successful_log_in_does_not_use_up_the_venue_budget(
    app: FastAPI, organiser: User, db: Session
) -> None:
    with _from(app, OWNER) as venue:
        for _ in range(3):
            assert _guess(venue, organiser.email, PASSWORD).status_code == 200
    db.expire_all()
    counters = {c.key: c.count for c in db.exec(select(RateLimit)).all()}
    assert counters[f"login:client:{OWNER[0]}"] == 0
    assert f"login:account-client:{organiser.email}|{OWNER[0]}" not in counters


def test_sixty_concurrent_guesses_are_not_all_checked(organiser: User) -> None:
    settings = get_settings()
    start = threading.Barrier(60)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def guess(n: int) -> None:
        with Session(get_engine()) as session:
            start.wait()
            try:
                authenticate(
                    session,
                    settings,
                    email=organiser.email,
                    password=f"concurrent-guess-{n}",
                    ip="192.0.2.10",
                )
                result = "ok"
            except Unauthorized:
                session.commit()
                result = "checked"
            except TooManyRequests:
                result = "429"
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes["ok"] == 0
    assert outcomes["checked"] == settings.login_max_failures
    assert outcomes["429"] == 60 - settings.login_max_failures


def test_the_log_in_page_says_when_to_try_again_in_vietnamese(
    app: FastAPI, organiser: User
) -> None:
    with _from(app, ATTACKER) as browser:
        page = browser.get("/login?lang=vi")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        for n in range(6):
            response = browser.post(
                "/login",
                data={"email": organiser.email, "password": f"sai-{n}-abc", "csrf_token": token},
                follow_redirects=False,
            )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert "Quá nhiều lần đăng nhập sai" in response.text
    assert "1 phút" in response.text


def test_argon2id_parameters_meet_owasp_and_old_hashes_are_upgraded_at_log_in(
    client: TestClient, db: Session, organiser: User
) -> None:
    from argon2 import PasswordHasher

    assert PASSWORD_HASH_PARAMETERS == {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    # An account hashed with the older, slower profile still logs in and is re-hashed.
    user = db.get(User, organiser.id)
    assert user is not None
    user.password_hash = PasswordHasher().hash(PASSWORD)
    db.add(user)
    db.commit()
    assert client.post(TOKEN_URL, data={"username": user.email, "password": PASSWORD}).is_success
    db.expire_all()
    upgraded = db.get(User, organiser.id)
    assert upgraded is not None
    assert upgraded.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(upgraded.password_hash, PASSWORD)
