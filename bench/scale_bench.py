"""Every important page at the size of a real event: time and SQL statements.

    python bench/scale_bench.py          # 1,500 people, 6,000 meetings, 2 × 16 slots × 250 tables
    python bench/scale_bench.py --quick         # 300 people, 1,200 meetings, 50 tables
    KETNOI_BENCH_DATABASE_URL=postgresql+psycopg://…/scratch python bench/scale_bench.py --reset

The event is built through the API (event, sessions) and in bulk (people, meetings, seats,
requests; bench/scale_builder.py), then each page is requested in process through the ASGI app
(median of 5, signed in as the organiser) while a ``before_cursor_execute`` listener counts its
SQL statements. "Schedule all" is applied to a second event of the same size whose meetings
have no time yet. On PostgreSQL the database is emptied first (``--reset`` is required, so
that the bench never drops a schema by mistake); SQLite uses a new file.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_TMP = Path(tempfile.mkdtemp(prefix="ketnoi-bench-"))
URL = os.environ.get("KETNOI_BENCH_DATABASE_URL") or f"sqlite:///{_TMP / 'bench.sqlite3'}"
os.environ["KETNOI_DATABASE_URL"] = URL
os.environ["KETNOI_VAR_DIR"] = str(_TMP / "var")
os.environ.setdefault("KETNOI_SECRET_KEY", "bench-secret-key-" + "x" * 32)
# Time the pages as they are built, not as remembered (bench/load_bench.py measures that).
os.environ["KETNOI_PRIVATE_PAGE_SECONDS"] = "0"
os.environ["KETNOI_PUBLIC_PAGE_SECONDS"] = "0"

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.auth.models import Role, UserCreate  # noqa: E402
from app.auth.service import create_user, start_web_session  # noqa: E402
from app.db import get_engine  # noqa: E402
from app.deps import SESSION_COOKIE  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.settings import get_settings  # noqa: E402
from bench.scale_builder import ScaleEvent, build  # noqa: E402

PASSWORD = "correct-horse-battery-staple"
TARGET_MS = 300


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, *args: Any) -> None:
        self.n += 1


def _measure(fn: Callable[[], Any], runs: int) -> tuple[float, int]:
    """Median seconds of ``runs`` calls and the statements of the last one."""
    counter = Counter()
    engine = get_engine()
    times = []
    for _ in range(runs):
        counter.n = 0
        event.listen(engine, "before_cursor_execute", counter)
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
    return statistics.median(times), counter.n


def _get(client: TestClient, path: str, headers: dict[str, str] | None = None) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path, headers=headers or {})
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
        return response

    return call


def _reset() -> None:
    engine = get_engine()
    if URL.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    upgrade(URL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the size")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-apply", action="store_true", help="skip 'schedule all'")
    args = parser.parse_args(argv)
    if URL.startswith("postgresql") and not args.reset:
        parser.error("on PostgreSQL, pass --reset: the bench empties the database first")
    size = (
        {"people": 300, "meetings": 1200, "requests": 200, "tables": 50, "slots": 16}
        if args.quick
        else {"people": 1500, "meetings": 6000, "requests": 1000, "tables": 250, "slots": 16}
    )
    _reset()
    writing = _time_placements()
    app = create_app(get_settings())
    client = TestClient(app, follow_redirects=False)
    with Session(get_engine(), expire_on_commit=False) as db:
        organiser = create_user(
            db,
            data=UserCreate(
                email="bench@ketnoi.example",
                full_name="Bench Organiser",
                password=PASSWORD,
                role=Role.organiser,
            ),
        )
        db.commit()
        rows: list[tuple[str, float, int | str]] = []  # name, seconds, statements

        def login() -> Any:
            response = client.post(
                "/api/v1/auth/token",
                data={"username": organiser.email, "password": PASSWORD},
            )
            if response.status_code != 200:
                raise SystemExit(f"log-in: {response.status_code} {response.text[:200]}")
            return response

        login_s, login_n = _measure(login, 3)
        web_login_s, web_login_n = _measure(_web_login(app, organiser.email), 3)
        headers = {"Authorization": f"Bearer {login().json()['access_token']}"}
        started = time.perf_counter()
        scale = build(client, db, headers, **size)
        built_s = time.perf_counter() - started
        browser = TestClient(app, follow_redirects=False)
        browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
        db.commit()
        # As a served process does once started (app.main): what lives on is kept out of the
        # collector's full passes, which would otherwise pause some of the timed requests.
        gc.collect()
        gc.freeze()
        rows.append(("log-in (API token, Argon2id)", login_s, login_n))
        rows.append(("log-in (web form, page to signed-in redirect)", web_login_s, web_login_n))
        for name, call in _pages(client, browser, headers, scale):
            call()  # warm
            seconds, statements = _measure(call, args.runs)
            rows.append((name, seconds, statements))
        if not args.no_apply:
            unscheduled = build(client, db, headers, **size, booked=False)
            first = min(size["meetings"], size["slots"] * size["tables"])
            counts = [first, size["meetings"] - first]
            for number, session_id in enumerate(unscheduled.session_ids, start=1):
                writing.clear()
                seconds, statements = _measure(_apply(browser, unscheduled.event_id, session_id), 1)
                label = f"'schedule all', session {number} ({counts[number - 1]:,} meetings)"
                rows.append((f"apply {label}: click to page", seconds, statements))
                rows.append(("  of which writing the placements", sum(writing), "—"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    database = "PostgreSQL" if URL.startswith("postgresql") else "SQLite"
    print(
        f"\n{database}: {size['people']:,} people, {size['meetings']:,} meetings, "
        f"2 sessions × {size['slots']} slots × {size['tables']} tables "
        f"(built in {built_s:.1f} s); median of {args.runs}, target < {TARGET_MS} ms\n"
    )
    print("| page or endpoint | time | SQL statements |")
    print("|---|---|---|")
    for name, seconds, statements in rows:
        flag = "" if seconds * 1000 < TARGET_MS or not isinstance(statements, int) else " ⚠"
        flag = "" if "schedule all" in name else flag
        print(f"| {name} | {seconds * 1000:,.0f} ms{flag} | {statements} |")
    print(f"\npeak RSS of the bench process: {peak_mb:,.0f} MB")
    return 0


def _pages(
    client: TestClient, browser: TestClient, headers: dict[str, str], scale: ScaleEvent
) -> list[tuple[str, Callable[[], Any]]]:
    e, s = scale.event_id, scale.session_ids[0]
    api = f"/api/v1/events/{e}"
    return [
        ("grid page", _get(browser, f"/events/{e}/sessions/{s}/grid")),
        ("schedule page", _get(browser, f"/events/{e}/sessions/{s}/schedule")),
        ("meetings API, 50 per page", _get(client, f"{api}/meetings?limit=50", headers)),
        ("meetings API, 100 per page", _get(client, f"{api}/meetings?limit=100", headers)),
        ("meeting requests API", _get(client, f"{api}/meeting-requests?limit=50", headers)),
        ("participants list page", _get(browser, f"/events/{e}/participants")),
        (
            "check-in name search",
            _get(client, f"{api}/check-in/search?q=Nguy%E1%BB%85n&limit=50", headers),
        ),
        ("stats API", _get(client, f"{api}/stats", headers)),
        ("report page", _get(browser, f"/events/{e}/report")),
        # The report's rows (XLSX) and PDF are print jobs (pdf_bench times long prints).
        (
            "a delegate's My meetings (built)",
            _get(browser, f"/events/{e}/meetings/mine?as={scale.participant_ids[0]}"),
        ),
        ("public event page (built)", _get(browser, f"/events/{e}")),
    ]


def _web_login(app: Any, email: str) -> Callable[[], Any]:
    import re

    def call() -> Any:
        browser = TestClient(app, follow_redirects=False)
        page = browser.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit("log-in page: no CSRF token")
        response = browser.post(
            "/login", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD}
        )
        if response.status_code not in (302, 303):
            raise SystemExit(f"web log-in: {response.status_code} {response.text[:200]}")
        return response

    return call


def _time_placements() -> list[float]:
    """Seconds spent in meetings.commands.apply_placements (the write, beside the search)."""
    from app.meetings import commands as meetings

    spent: list[float] = []
    inner = meetings.apply_placements

    def timed(*args: Any, **kwargs: Any) -> int:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    meetings.apply_placements = timed  # type: ignore[assignment]
    return spent


def _apply(browser: TestClient, event_id: int, session_id: int) -> Callable[[], Any]:
    """The organiser's click: post the form, follow the redirect to the schedule page."""
    import re

    path = f"/events/{event_id}/sessions/{session_id}/schedule"

    def call() -> Any:
        page = browser.get(path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit("schedule page: no CSRF token")
        response = browser.post(path, data={"csrf_token": token.group(1), "action": "apply"})
        if response.status_code not in (302, 303):
            raise SystemExit(f"apply: {response.status_code} {response.text[:300]}")
        return browser.get(response.headers["location"])

    return call


if __name__ == "__main__":
    raise SystemExit(main())
