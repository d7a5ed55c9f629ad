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
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the product: every absolute link (e-mails, calendar "
        "feeds, webcal://) starts with it (app.links).",
    )
    # The domain of every calendar UID. Never derived from base_url: a UID that changed with
    # the address would duplicate every meeting in the calendars that subscribed.
    calendar_uid_host: str = "ketnoi.vn"
    var_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Writable folder shared by every worker (print jobs and their PDFs).",
    )
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
    # Outgoing e-mail (app.notifications.sender, ``ketnoi send-mail``). Without a host the
    # messages stay in the outbox, readable on /dev/outbox.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True  # upgrade a plain connection (port 587)
    smtp_ssl: bool = False  # TLS from the first byte (port 465); excludes STARTTLS
    smtp_timeout_s: float = 30.0
    mail_from: str = "Kết Nối <no-reply@ketnoi.vn>"

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
