"""The routes a crowd calls (app.db.one_thread: a delegate's agenda, their meetings through the
API, booking) run at most ``Settings.crowd_threads`` at once per process, the others waiting
their turn, beside the thread pool every other route uses: Python runs one thread at a time,
so a few threads taken in turn answer a crowd sooner and more evenly than twenty at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio
import anyio.to_thread
import pytest
from sqlmodel import Session, create_engine

from app.db import one_thread
from app.settings import get_settings


@pytest.fixture
def two_crowd_threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KETNOI_CROWD_THREADS", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("two_crowd_threads")
def test_a_crowd_is_served_a_few_at_a_time_while_other_routes_go_on() -> None:
    engine = create_engine("sqlite://")
    lock = threading.Lock()
    inside = most = 0
    started: list[int] = []
    started_when_organiser_ran: list[int] = []

    def request(i: int) -> int:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
            started.append(i)
        time.sleep(0.03)  # a request at work
        with lock:
            inside -= 1
        return i

    def organiser_page() -> None:
        with lock:
            started_when_organiser_ran.append(len(started))

    async def crowd() -> list[int]:
        answers: list[int] = []

        async def one(i: int) -> None:
            answers.append(await one_thread(Session(engine), lambda: request(i)))

        async with anyio.create_task_group() as group:
            for i in range(8):
                group.start_soon(one, i)
                await anyio.sleep(0.006)  # they arrive one after another
            # any other route gets a thread at once, not after the crowd's waiting ones
            await anyio.to_thread.run_sync(organiser_page)
        return answers

    # In a thread of its own: a browser test may have left an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        answers = thread.submit(anyio.run, crowd).result()
    assert sorted(answers) == list(range(8))  # everyone served
    assert most == 2
    assert sorted(started[:2]) == [0, 1]  # the first two at once, the others in turn
    assert started_when_organiser_ran[0] < 8
