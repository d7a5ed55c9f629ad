"""A real server (uvicorn in a subprocess, its own SQLite file) and a real Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ORGANISER_EMAIL = "to-chuc@sokhcn.haiphong.gov.vn"
ORGANISER_PASSWORD = "mat-khau-rat-dai-2027"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = {
        **os.environ,
        "KETNOI_DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "KETNOI_ADMIN_EMAIL": ORGANISER_EMAIL,
        "KETNOI_ADMIN_PASSWORD": ORGANISER_PASSWORD,
        "KETNOI_SECRET_KEY": "e2e-secret-" + "y" * 32,
    }
    subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"], env=env, check=True, capture_output=True
    )
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine takes long to import the app
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.terminate()
        raise RuntimeError("the server did not start: " + (folder / "server.log").read_text())
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def expect_signed_in(page: Page, log_out: str = "Đăng xuất") -> None:
    """The "Log out" button is in the top bar on a desktop and inside the "Menu" on a phone:
    look where a person would. First wait for the signed-in page to be there at all: right
    after "Log in" is pressed the browser may still be between pages, where neither is visible."""
    expect(
        page.locator(".topbar-right, .menu-compact-items")
        .get_by_role("button", name=log_out, include_hidden=True)
        .first
    ).to_be_attached()
    menu = page.locator("details.menu-compact > summary")
    if menu.is_visible():
        menu.click()
        expect(
            page.locator(".menu-compact-items").get_by_role("button", name=log_out)
        ).to_be_visible()
        menu.click()
    else:
        expect(page.locator(".topbar-right").get_by_role("button", name=log_out)).to_be_visible()
