"""Two uvicorn workers, a crowd that connected to one of them: within a few seconds each
serves about half (app.balance.WorkerBalance), where without it they stay where they landed."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
UVICORN = (sys.executable, "-m", "uvicorn", "tests.balance_app:app", "--log-level", "warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _crowd(base: str) -> Counter[str]:
    """While one worker is held busy, 20 clients connect (all to the other); then each asks
    again and again for 4 s. Which worker served each client at the end."""
    holder = httpx.AsyncClient(base_url=base, timeout=10)
    held = asyncio.create_task(holder.get("/hold"))
    await asyncio.sleep(0.3)  # the holding worker's event loop is blocked now
    clients = [
        httpx.AsyncClient(base_url=base, timeout=10, limits=httpx.Limits(max_connections=1))
        for _ in range(CLIENTS)
    ]
    last: dict[int, str] = {}
    stop = time.monotonic() + 4.0

    async def ask(i: int) -> None:
        while time.monotonic() < stop:
            answer = await clients[i].get("/")
            last[i] = answer.text
            await asyncio.sleep(0.02)

    try:
        await asyncio.gather(*(ask(i) for i in range(CLIENTS)))
        await held
    finally:
        await asyncio.gather(holder.aclose(), *(c.aclose() for c in clients))
    return Counter(last.values())


def test_a_crowd_that_connected_to_one_worker_spreads_over_both() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [*UVICORN, "--port", str(port), "--workers", "2"],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        pids: set[str] = set()
        while len(pids) < 2 and time.monotonic() < deadline:  # both workers up
            try:
                with httpx.Client(timeout=2) as client:  # a new connection each time
                    pids.add(client.get(f"http://127.0.0.1:{port}/").text)
            except httpx.HTTPError:
                time.sleep(0.2)
        assert len(pids) == 2, "the two workers did not start"
        # in a thread of its own: a test before may have left an event loop running in this one
        with ThreadPoolExecutor(1) as thread:
            served = thread.submit(asyncio.run, _crowd(f"http://127.0.0.1:{port}")).result()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert sum(served.values()) == CLIENTS
    assert len(served) == 2, served  # without the balance: all 20 on one worker
    assert min(served.values()) >= CLIENTS // 2 - 3, served
