"""Settings come from KETNOI_* environment variables, with safe defaults."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.settings import PROJECT_ROOT, Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No KETNOI_* variables and no .env file: only what the test sets."""
    import os

    for name in list(os.environ):
        if name.startswith("KETNOI_"):
            monkeypatch.delenv(name)
    return monkeypatch


def _settings(**kwargs: Any) -> Settings:
    return Settings(_env_file=None, **kwargs)


def test_default_database_is_an_sqlite_file_under_var(clean_env: pytest.MonkeyPatch) -> None:
    settings = _settings()
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'ketnoi.sqlite3'}"
    assert settings.is_sqlite
    assert settings.default_locale == "vi"
    assert settings.default_timezone == "Asia/Ho_Chi_Minh"
    assert settings.admin_email is None
    assert settings.admin_password is None


def test_values_come_from_ketnoi_prefixed_environment_variables(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("KETNOI_BASE_URL", "https://ketnoi.haiphong.gov.vn")
    clean_env.setenv("KETNOI_ADMIN_EMAIL", "admin@haiphong.gov.vn")
    clean_env.setenv("KETNOI_ADMIN_PASSWORD", "s3cret-admin-pw")
    clean_env.setenv("KETNOI_LOGIN_MAX_FAILURES", "3")
    clean_env.setenv("KETNOI_SECURE_COOKIES", "true")
    clean_env.setenv("BASE_URL", "http://wrong.example")  # no prefix: ignored
    settings = _settings()
    assert settings.base_url == "https://ketnoi.haiphong.gov.vn"
    assert settings.admin_email == "admin@haiphong.gov.vn"
    assert settings.admin_password is not None
    assert settings.admin_password.get_secret_value() == "s3cret-admin-pw"
    assert "s3cret-admin-pw" not in repr(settings)
    assert settings.login_max_failures == 3
    assert settings.secure_cookies is True


def test_unprefixed_variables_are_ignored(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", "postgresql://elsewhere/db")
    assert _settings().is_sqlite


@pytest.mark.parametrize(
    "url",
    [
        "postgres://ketnoi:pw@db.example:5432/ketnoi",
        "postgresql://ketnoi:pw@db.example:5432/ketnoi",
    ],
)
def test_libpq_postgres_urls_get_the_psycopg_driver(
    clean_env: pytest.MonkeyPatch, url: str
) -> None:
    clean_env.setenv("KETNOI_DATABASE_URL", url)
    settings = _settings()
    assert settings.database_url == "postgresql+psycopg://ketnoi:pw@db.example:5432/ketnoi"
    assert not settings.is_sqlite


def test_explicit_driver_is_kept(clean_env: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://ketnoi:pw@127.0.0.1/ketnoi"
    assert _settings(database_url=url).database_url == url


def test_english_default_locale_is_accepted(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("KETNOI_DEFAULT_LOCALE", "en")
    assert _settings().default_locale == "en"


@pytest.mark.parametrize("locale", ["fr", "VI-VN", "", "zh"])
def test_unknown_default_locale_is_rejected(clean_env: pytest.MonkeyPatch, locale: str) -> None:
    clean_env.setenv("KETNOI_DEFAULT_LOCALE", locale)
    with pytest.raises(ValidationError) as error:
        _settings()
    assert "default_locale" in str(error.value)


def test_non_numeric_limit_is_rejected(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("KETNOI_LOGIN_MAX_FAILURES", "five")
    with pytest.raises(ValidationError) as error:
        _settings()
    assert "login_max_failures" in str(error.value)
