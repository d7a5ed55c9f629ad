"""Settings from the environment (prefix ``KETNOI_``), one object for the whole process."""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KETNOI_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'ketnoi.sqlite3'}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user:pw@host/db",
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="'production' refuses to start without a real KETNOI_SECRET_KEY.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Signs CSRF tokens and feedback links. Required in production; in "
        "development a random one is generated once and kept in var/secret_key.",
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
        description="Writable folder for backups, logs and the development secret key.",
    )
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    default_locale: str = "vi"
    default_timezone: str = "Asia/Ho_Chi_Minh"
    session_max_age_s: int = 14 * 24 * 3600
    token_max_age_s: int = 30 * 24 * 3600
    secure_cookies: bool = False
    # Log-in guesses (app.auth.service.authenticate): per account and client address, then
    # exponential back-off from login_backoff_s; per account from every address, only
    # slowed to one check each login_account_delay_s; per client address (a venue's Wi-Fi
    # shares one), a loose budget with back-off. Successful log-ins do not use the budgets.
    login_max_failures: int = 5
    login_window_s: int = 15 * 60
    login_backoff_s: int = 60
    login_account_max: int = 20
    login_account_delay_s: int = 2
    login_client_max: int = 100
    debug: bool = False
    # Any request body (uploads included), checked while it streams in (app.limits).
    max_request_bytes: int = 25 * 1024 * 1024
    check_migrations: bool = True
    # Requests one web process works on at once (its thread pool) and database connections it
    # keeps open: more threads than connections only queue for the pool; more connections
    # than threads sit idle. PostgreSQL's max_connections must cover processes × (this + 10).
    db_pool_size: int = Field(default=20, ge=2, le=200)
    # How many of those requests are of the routes a crowd calls at once on the day (a
    # delegate's agenda, their meetings through the API, booking: app.db.one_thread); the
    # others wait their turn. Python runs one thread at a time, so a few threads in turn
    # answer a crowd sooner and more evenly than many at once (bench/load_bench.py).
    crowd_threads: int = Field(default=4, ge=1, le=200)
    # Where a print job runs once asked for (app.exports.jobs.start):
    #   process - a separate short-lived process (``ketnoi print-job ID``) with at most
    #             print_memory_limit_mb of address space: the web worker never grows;
    #   worker  - only queued: a ``ketnoi worker`` (on any machine) claims it;
    #   thread  - inside the web process, after the response (development, tests).
    print_jobs: Literal["process", "worker", "thread"] = "process"
    print_memory_limit_mb: int = Field(default=3072, ge=256)
    # Processes that lay out a long print (agendas, table sheets) side by side, a part of
    # at most 100 pages' documents each; 1 lays everything out in the printing process.
    print_processes: int = Field(default=2, ge=1, le=16)
    # Public pages that anonymous visitors read (the event page) are kept this many seconds
    # per process and language and served again without the database: under a crowd they
    # answer several times faster, and are at most this old. 0 turns it off.
    public_page_seconds: float = Field(default=10.0, ge=0, le=300)
    # A signed-in delegate's "My meetings" is kept per process while nothing of theirs changes
    # (their meetings and requests, app.meetings.queries.agenda_stamp) and for at most this many
    # seconds (other people's changes: a table renamed, a slot another delegate took); their
    # own form token is put in on every answer. 0 turns it off.
    private_page_seconds: float = Field(default=10.0, ge=0, le=120)
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

    @model_validator(mode="after")
    def _real_secret_key(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if key and key not in KNOWN_WEAK_KEYS and len(key) >= MIN_SECRET_KEY_LENGTH:
            return self
        if self.environment != "development":
            raise ValueError(
                "KETNOI_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production (for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`); "
                "the server refuses to start without it."
            )
        if key:  # development, but a short or published key: say so rather than use it
            raise ValueError(
                f"KETNOI_SECRET_KEY is too short or a published value; use at least "
                f"{MIN_SECRET_KEY_LENGTH} random characters, or unset it in development"
            )
        self.secret_key = SecretStr(development_secret_key(self.var_dir))
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


MIN_SECRET_KEY_LENGTH = 32
# The default of earlier versions: anyone could forge feedback links with it.
KNOWN_WEAK_KEYS = frozenset({"dev-only-change-me-" + "0" * 32})


def development_secret_key(var_dir: Path) -> str:
    """The key kept in ``var/secret_key`` (mode 0600), created on first use, so that the
    demo works without setup and its sessions survive a restart. Workers that start at once
    agree: the file appears atomically (written aside, then hard-linked into place)."""
    path = var_dir / "secret_key"
    try:
        existing = path.read_text().strip()
    except FileNotFoundError:
        existing = ""
    if len(existing) >= MIN_SECRET_KEY_LENGTH:
        return existing
    var_dir.mkdir(parents=True, exist_ok=True)
    aside = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    try:
        if existing:  # a truncated file from a crash: replace it
            os.replace(aside, path)
        else:
            with contextlib.suppress(FileExistsError):  # another worker won: use its key
                os.link(aside, path)
    finally:
        aside.unlink(missing_ok=True)
    return path.read_text().strip()


def settings_problem(exc: Exception) -> str:
    """A configuration error as one readable line per problem (no pydantic boilerplate)."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    lines = []
    for error in errors():
        where = ".".join(str(p) for p in error.get("loc", ()))
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        lines.append(f"{('KETNOI_' + where.upper() + ': ') if where else ''}{message}")
    return "\n".join(lines)


@lru_cache
def get_settings() -> Settings:
    return Settings()
