"""The secret key signs CSRF tokens and feedback links: production refuses to start without a
real one; development makes one once and keeps it under var/."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.settings import Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("KETNOI_"):
            monkeypatch.delenv(name)
    return monkeypatch


def _settings(**kwargs: Any) -> Settings:
    return Settings(_env_file=None, **kwargs)


def test_production_without_a_key_refuses_with_the_reason(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("KETNOI_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="KETNOI_SECRET_KEY must be set"):
        _settings(var_dir=tmp_path)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("key", ["dev-only-change-me-" + "0" * 32, "short-key"])
def test_production_refuses_the_old_default_and_short_keys(
    clean_env: pytest.MonkeyPatch, tmp_path: Path, key: str
) -> None:
    clean_env.setenv("KETNOI_ENVIRONMENT", "production")
    clean_env.setenv("KETNOI_SECRET_KEY", key)
    with pytest.raises(ValidationError, match="KETNOI_SECRET_KEY"):
        _settings(var_dir=tmp_path)


def test_production_accepts_a_real_key(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("KETNOI_ENVIRONMENT", "production")
    clean_env.setenv("KETNOI_SECRET_KEY", "k" * 48)
    assert _settings(var_dir=tmp_path).secret_key.get_secret_value() == "k" * 48


def test_development_generates_one_key_kept_private_under_var(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = _settings(var_dir=tmp_path).secret_key.get_secret_value()
    second = _settings(var_dir=tmp_path).secret_key.get_secret_value()
    assert len(first) >= 32
    assert first == second
    assert first != "dev-only-change-me-" + "0" * 32
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Another folder, another key: no value is shared between installations.
    assert _settings(var_dir=tmp_path / "other").secret_key.get_secret_value() != first


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "app.cli", "serve", "--port", "1"],
        [sys.executable, "-m", "app.cli", "migrate"],
    ],
    ids=["serve", "migrate"],
)
def test_the_server_will_not_start_in_production_without_a_key(
    tmp_path: Path, command: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETNOI_")}
    env |= {
        "KETNOI_ENVIRONMENT": "production",
        "KETNOI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "KETNOI_VAR_DIR": str(tmp_path / "var"),
    }
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0
    assert "Kết Nối cannot start" in done.stderr
    assert "KETNOI_SECRET_KEY must be set" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.sqlite3").exists()
