"""50 clients at once: the product's throughput as a ratio of a bare FastAPI "hello world".

    python bench/load_bench.py                  # 300 people, 1,200 meetings, 10 s per scenario
    python bench/load_bench.py --full --seconds 20 --runs 3   # the size of issue 20

Both servers run the same way, in the same run: ``uvicorn --workers 2`` on this machine, the
product on PostgreSQL (a throw-away database on the server of ``KETNOI_TEST_POSTGRES_URL`` or
``scripts/postgres-test-db.sh``; SQLite when there is none, said in the output). The event is
built with bench/scale_builder.py, in self-booking mode, with 50 delegates who have accounts.
A load generator (asyncio with httpx, or aiohttp with ``--client aiohttp``; one connection per
client, each signed in once) keeps 50 requests in flight for 2 s (not measured: the start)
and then ``--seconds`` per scenario:

- ``hello``: GET / of bench/hello_app.py;
- ``event page``: the public event page, anonymous;
- ``my meetings``: each client is a delegate reading "My meetings" (the page, signed in),
  then the same list through the API (``GET /api/v1/events/{id}/meetings``, bearer token);
- ``book``: each delegate books one of their meetings into a random slot of its session
  (POST .../book; a move when booked). 409s (the slot is taken for someone) are answers, not
  errors; afterwards the database is checked: no person twice in a slot, no table twice.

Printed per scenario: requests/s, the ratio to hello, p50 and p99 in ms, other failures, and
the generator's own processor time per answer (it runs on the same two cores: what it takes,
the servers do not get). The median of ``--runs`` runs is kept; each run's ratio and p99
follow. Targets (issue 20): event page and my meetings
≥ 0.3 × hello, book ≥ 0.15 ×, p99 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLIENTS = 50


def _postgres_server() -> str | None:
    url = os.environ.get("KETNOI_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        out = subprocess.run(
            ["bash", str(ROOT / "scripts/postgres-test-db.sh")],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


_TMP = Path(tempfile.mkdtemp(prefix="ketnoi-load-"))
_SERVER = _postgres_server()
_DB_NAME = f"ketnoi_load_{uuid.uuid4().hex[:10]}"
if _SERVER:
    from sqlalchemy.engine import make_url

    URL = make_url(_SERVER).set(database=_DB_NAME).render_as_string(hide_password=False)
else:
    URL = f"sqlite:///{_TMP / 'load.sqlite3'}"
os.environ["KETNOI_DATABASE_URL"] = URL
os.environ["KETNOI_VAR_DIR"] = str(_TMP / "var")
os.environ.setdefault("KETNOI_SECRET_KEY", "bench-secret-key-" + "x" * 32)

import aiohttp  # noqa: E402
import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from app.auth.models import Role, User, UserCreate  # noqa: E402
from app.auth.service import create_user, issue_api_token, start_web_session  # noqa: E402
from app.db import get_engine  # noqa: E402
from app.deps import SESSION_COOKIE  # noqa: E402
from app.events.models import BookingMode, Slot  # noqa: E402
from app.main import create_app  # noqa: E402
from app.meetings import rules as meeting_rules  # noqa: E402
from app.meetings.models import Meeting, MeetingParticipant  # noqa: E402
from app.meetings.schemas import MeetingSettingsUpdate  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.registration.models import Participant  # noqa: E402
from app.settings import get_settings  # noqa: E402
from app.types import pk  # noqa: E402
from bench.scale_builder import build  # noqa: E402

PASSWORD = "correct-horse-battery-staple"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _create_database() -> None:
    if not _SERVER:
        return
    server = create_engine(_SERVER, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{_DB_NAME}"'))
    server.dispose()


def _drop_database() -> None:
    if not _SERVER:
        return
    get_engine().dispose()
    server = create_engine(_SERVER, isolation_level="AUTOCOMMIT")
    for _ in range(20):
        try:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{_DB_NAME}"'))
            break
        except Exception:
            time.sleep(0.5)
    server.dispose()


@dataclass
class Stage:
    event_id: int
    cookies: list[str]  # one signed-in web session per delegate
    tokens: list[str]  # one API token per delegate
    bookings: list[tuple[int, list[int]]]  # per delegate: a meeting and its session's slots


def _stage(full: bool) -> Stage:
    size = (
        {"people": 1500, "meetings": 6000, "requests": 1000, "tables": 250, "slots": 16}
        if full
        else {"people": 300, "meetings": 1200, "requests": 200, "tables": 50, "slots": 16}
    )
    upgrade(get_settings().database_url)
    app = create_app(get_settings())
    client = TestClient(app, follow_redirects=False)
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as db:
        organiser = create_user(
            db,
            data=UserCreate(
                email="load@ketnoi.example",
                full_name="Load Organiser",
                password=PASSWORD,
                role=Role.organiser,
            ),
        )
        db.commit()
        headers = {"Authorization": f"Bearer {issue_api_token(db, settings, user=organiser)}"}
        db.commit()
        scale = build(client, db, headers, **size)
        meeting_rules.update_settings(
            db,
            actor=organiser,
            event_id=scale.event_id,
            data=MeetingSettingsUpdate(booking_mode=BookingMode.self_service),
        )
        slots_of: dict[int, list[int]] = {}
        for s in db.exec(select(Slot).where(col(Slot.session_id).in_(scale.session_ids))):
            slots_of.setdefault(s.session_id, []).append(pk(s))
        cookies, tokens, bookings = [], [], []
        for i, participant_id in enumerate(scale.participant_ids[:CLIENTS]):
            user = User(
                email=f"delegate{i:02d}@load.example",
                full_name=f"Delegate {i:02d}",
                password_hash="!",  # never logs in with a password: sessions are made below
                role=Role.delegate.value,
            )
            db.add(user)
            db.flush()
            person = db.get(Participant, participant_id)
            assert person is not None
            person.user_id = user.id
            db.add(person)
            meeting = db.exec(
                select(Meeting)
                .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
                .where(MeetingParticipant.participant_id == participant_id)
                .order_by(col(Meeting.id))
            ).first()
            assert meeting is not None
            assert meeting.session_id is not None
            bookings.append((pk(meeting), slots_of[meeting.session_id]))
            cookies.append(start_web_session(db, settings, user=user))
            tokens.append(issue_api_token(db, settings, user=user))
        db.commit()
    if not get_settings().is_sqlite:
        # A live server's autovacuum gathers the planner's statistics within a minute of a
        # bulk load; the bench measures right after building, so it gathers them itself.
        with get_engine().connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return Stage(scale.event_id, cookies, tokens, bookings)


def _serve(target: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            target,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
            *(["--factory"] if target.endswith("create_app") else []),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{target} did not start on port {port}")


@dataclass
class Result:
    ok: int = 0
    refused: int = 0  # 409: an answer (the slot was taken), not a failure
    failed: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu_ms: float = 0.0  # the load generator's processor time per answer

    @property
    def rate(self) -> float:
        return (self.ok + self.refused) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


Call = tuple[str, str, Any]  # method, path, JSON body (None: none)
Request = Callable[[int], Call]  # client i's next request


Signing = Callable[[int], dict[str, str]]  # client i's own headers (who it is)


def _anonymous(i: int) -> dict[str, str]:
    return {}


RAMP = 2.0  # seconds of load before the measured ones


async def _load(
    base: str,
    make: Request,
    seconds: float,
    signing: Signing = _anonymous,
    client: str = "httpx",
) -> Result:
    """``seconds`` of ``make`` by each of the clients at once, measured after ``RAMP`` seconds
    of the same load: the requests that start within the measured seconds are counted and
    timed. Before, the run was timed from the moment the clients were made: opening 50
    connections and 50 requests arriving in the same millisecond are the load generator's
    start, not the server's steady state, and made the first half second's answers look
    0.6-1.5 s slow — which was the p99. Likewise the generator's own garbage collections
    (this process holds the whole app and the staged event) paused all 50 clients at once for
    ~360 ms: the objects made before the run are frozen out of them. Each client carries its
    own sign-in (a cookie or a bearer token), set once, as a browser does, on one connection
    of its own (kept alive unless the server asks it to reconnect).

    ``client``: httpx (as issue 20 measured) or aiohttp (its parser is C). The generator
    shares the two cores with the servers and PostgreSQL: httpx spent 0.8-1.7 ms of
    processor per answer, aiohttp 0.1-0.5 ms (``Result.client_cpu_ms``, measured), and hello,
    which costs the server least, is the most held back by it."""
    result = Result()
    send = _httpx_sender(base, signing) if client == "httpx" else _aiohttp_sender(base, signing)
    begin = time.perf_counter() + RAMP
    stop = begin + seconds

    async def client_loop(i: int) -> None:
        while (started := time.perf_counter()) < stop:
            try:
                status = await send.call(i, *make(i))
            except (TimeoutError, OSError, httpx.HTTPError, aiohttp.ClientError):
                if started >= begin:
                    result.failed += 1
                continue
            if started < begin:
                continue
            result.latencies.append(time.perf_counter() - started)
            if status < 400:
                result.ok += 1
            elif status == 409:
                result.refused += 1
            else:
                result.failed += 1

    gc.collect()
    gc.freeze()  # the generator's own collections paused every client (all at once)
    cpu = 0.0
    try:
        cpu = time.process_time()
        await asyncio.gather(*(client_loop(i) for i in range(CLIENTS)))
        cpu = time.process_time() - cpu
    finally:
        gc.unfreeze()
        await send.close()
    result.seconds = seconds
    answered = result.ok + result.refused + result.failed
    result.client_cpu_ms = 1000 * cpu * seconds / (seconds + RAMP) / max(answered, 1)
    return result


class _Sender:
    """One connection per client, each with its own sign-in headers."""

    async def call(self, i: int, method: str, path: str, body: Any) -> int:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class _httpx_sender(_Sender):  # noqa: N801 - named after the client it drives
    def __init__(self, base: str, signing: Signing) -> None:
        self.clients = [
            httpx.AsyncClient(base_url=base, timeout=30, headers=signing(i)) for i in range(CLIENTS)
        ]

    async def call(self, i: int, method: str, path: str, body: Any) -> int:
        response = await self.clients[i].request(method, path, json=body)
        return response.status_code

    async def close(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self.clients))


class _aiohttp_sender(_Sender):  # noqa: N801
    def __init__(self, base: str, signing: Signing) -> None:
        self.sessions = [
            aiohttp.ClientSession(
                base,
                headers=signing(i),
                connector=aiohttp.TCPConnector(limit=1),
                timeout=aiohttp.ClientTimeout(total=30),
            )
            for i in range(CLIENTS)
        ]

    async def call(self, i: int, method: str, path: str, body: Any) -> int:
        async with self.sessions[i].request(method, path, json=body) as response:
            await response.read()
            return response.status

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sessions))


def _double_booked() -> tuple[int, int]:
    """(people in two meetings of one slot, tables holding two meetings of one slot)."""
    with get_engine().connect() as connection:
        people = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT m.slot_id, mp.participant_id FROM meeting m "
                "JOIN meeting_participant mp ON mp.meeting_id = m.id "
                "WHERE m.slot_id IS NOT NULL AND m.status IN ('proposed', 'confirmed') "
                "GROUP BY m.slot_id, mp.participant_id HAVING count(*) > 1) d"
            )
        ).scalar_one()
        tables = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT slot_id, table_id FROM meeting "
                "WHERE slot_id IS NOT NULL AND status IN ('proposed', 'confirmed') "
                "GROUP BY slot_id, table_id HAVING count(*) > 1) d"
            )
        ).scalar_one()
    return int(people), int(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1,500 people, 6,000 meetings")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--client",
        choices=("httpx", "aiohttp"),
        default="httpx",
        help="the load generator's HTTP client (httpx: as issue 20 measured; aiohttp: lighter)",
    )
    args = parser.parse_args(argv)
    _create_database()
    product = hello = None
    try:
        print(
            f"load bench: {'PostgreSQL' if _SERVER else 'SQLite (no PostgreSQL found)'}, "
            f"{CLIENTS} clients ({args.client}), 2 workers each, "
            f"{args.seconds:.0f} s × {args.runs} run(s)"
        )
        started = time.perf_counter()
        stage = _stage(args.full)
        print(f"  event built in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        product_port, hello_port = _free_port(), _free_port()
        product = _serve("app.main:create_app", product_port, env)
        hello = _serve("bench.hello_app:app", hello_port, env)
        rng = random.Random(20)
        event_path = f"/events/{stage.event_id}"
        mine_path = f"/events/{stage.event_id}/meetings/mine"

        def say_hello(i: int) -> Call:
            return ("GET", "/", None)

        def event_page(i: int) -> Call:
            return ("GET", event_path, None)

        def my_meetings(i: int) -> Call:
            return ("GET", mine_path, None)

        def my_meetings_api(i: int) -> Call:
            return ("GET", f"/api/v1/events/{stage.event_id}/meetings", None)

        def book(i: int) -> Call:
            meeting_id, slots = stage.bookings[i]
            path = f"/api/v1/events/{stage.event_id}/meetings/{meeting_id}/book"
            return ("POST", path, {"slot_id": rng.choice(slots)})

        def cookie(i: int) -> dict[str, str]:
            return {"Cookie": f"{SESSION_COOKIE}={stage.cookies[i]}"}

        def bearer(i: int) -> dict[str, str]:
            return {"Authorization": f"Bearer {stage.tokens[i]}"}

        hello_base, product_base = (
            f"http://127.0.0.1:{hello_port}",
            f"http://127.0.0.1:{product_port}",
        )
        scenarios: list[tuple[str, str, Request, Signing, float]] = [
            ("hello (bare FastAPI)", hello_base, say_hello, _anonymous, 0.0),
            ("public event page", product_base, event_page, _anonymous, 0.3),
            ("a delegate's meetings", product_base, my_meetings, cookie, 0.3),
            ("… the same, API (JSON)", product_base, my_meetings_api, bearer, 0.3),
            ("book a meeting (API)", product_base, book, bearer, 0.15),
        ]
        runs: dict[str, list[Result]] = {name: [] for name, *_ in scenarios}
        for _ in range(args.runs):
            for name, base, make, signing, _target in scenarios:
                runs[name].append(
                    asyncio.run(_load(base, make, args.seconds, signing, args.client))
                )
        best = {name: sorted(rs, key=lambda r: r.rate)[len(rs) // 2] for name, rs in runs.items()}
        hello_rate = best[scenarios[0][0]].rate
        print(
            f"  {'scenario':<24} {'req/s':>8} {'× hello':>8} {'target':>7} "
            f"{'p50 ms':>7} {'p99 ms':>7} {'409':>6} {'failed':>6} {'gen ms':>6}  "
            "each run (× hello, p99 ms)"
        )
        for name, _base, _make, _signing, target in scenarios:
            r = best[name]
            ratio = r.rate / hello_rate if hello_rate else float("nan")
            print(
                f"  {name:<24} {r.rate:8.1f} {ratio:8.3f} "
                f"{(f'≥ {target:.2f}') if target else '':>7} {r.percentile(0.5):7.1f} "
                f"{r.percentile(0.99):7.1f} {r.refused:6d} {r.failed:6d} "
                f"{r.client_cpu_ms:6.2f}  "
                + " ".join(
                    (f"{run.rate / hello.rate:.3f}" if hello.rate else "-")
                    + f" {run.percentile(0.99):.0f}"
                    for run, hello in zip(runs[name], runs[scenarios[0][0]], strict=True)
                )
            )
        people, tables = _double_booked()
        print(f"  afterwards: {people} people and {tables} tables double booked (must be 0 and 0)")
        return 0 if people == 0 and tables == 0 else 1
    finally:
        for process in (product, hello):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        _drop_database()


if __name__ == "__main__":
    raise SystemExit(main())
