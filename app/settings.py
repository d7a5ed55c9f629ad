"""Settings from the environment (prefix ``KETNOI_``), one object for the whole process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KETNOI_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'ketnoi.sqlite3'}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user:pw@host/db",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("dev-only-change-me-" + "0" * 32),
        description="Signs nothing by itself; used to derive token digests. Set it in production.",
    )
    base_url: str = "http://127.0.0.1:8000"
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    default_locale: str = "vi"
    default_timezone: str = "Asia/Ho_Chi_Minh"
    session_max_age_s: int = 14 * 24 * 3600
    token_max_age_s: int = 30 * 24 * 3600
    secure_cookies: bool = False
    login_max_failures: int = 5
    login_window_s: int = 15 * 60
    debug: bool = False
    check_migrations: bool = True

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres_driver(cls, value: str) -> str:
        # Operators paste libpq URLs; SQLAlchemy needs the psycopg 3 driver named.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("must be 'vi' or 'en'")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
