"""app.balance.WorkerBalance: a web process holding more than its share of the connections
asks some to reconnect; one holding its share, or alone, never does."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from app.balance import FOLDER_PREFIX, WorkerBalance, _sweep


async def _answer(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _round(worker: WorkerBalance, clients: Iterable[int]) -> list[bool]:
    """One request from each client (a connection each): which were asked to reconnect."""

    async def run() -> list[bool]:
        asked = []
        for port in clients:
            sent: list[Any] = []

            async def send(message: Any, sent: list[Any] = sent) -> None:
                sent.append(message)

            async def receive() -> Any:
                return {"type": "http.request", "body": b""}

            scope = {"type": "http", "client": ("10.0.0.9", port), "server": ("h", 80)}
            await worker(scope, receive, send)
            (start, _body) = sent
            assert start["status"] == 200
            asked.append((b"connection", b"close") in start["headers"])
        return asked

    # in a thread of its own: a test before may have left an event loop running in this one
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()


def test_the_fuller_process_asks_the_connections_over_its_share_to_reconnect(
    tmp_path: Path,
) -> None:
    clock = Clock()
    full = WorkerBalance(_answer, folder=tmp_path, name="1", clock=clock, ticking=False)
    light = WorkerBalance(_answer, folder=tmp_path, name="2", clock=clock, ticking=False)
    # a crowd connected at once: 10 connections on one process, 2 on the other
    assert not any(_round(light, range(2)))
    assert not any(_round(full, range(100, 110)))
    clock.now = 0.25  # each process writes its count and reads the other's
    light.recount()
    full.recount()
    light.recount()
    assert not any(_round(light, range(2)))  # 2 of 12: under its share of 6
    asked = _round(full, range(100, 110))
    # 10 of 12: 4 over its share of 6, one more allowed: three are sent on, once each
    assert sum(asked) == 3
    assert not any(_round(full, range(100, 110)))  # not twice before the next count
    # the three reconnected (new connections) to the other process: once the connections
    # gone have asked nothing for a second, nobody is over
    clock.now = 1.5
    assert not any(_round(light, [0, 1, 200, 201, 202]))
    assert not any(_round(full, range(103, 110)))
    light.recount()
    full.recount()
    assert not any(_round(full, range(103, 110)))
    assert (tmp_path / "1").read_text() == "7"
    assert (tmp_path / "2").read_text() == "5"


def test_an_idle_process_draws_the_crowd_to_it(tmp_path: Path) -> None:
    # the other process has been asked nothing at all: its count (0) still goes out
    clock = Clock()
    full = WorkerBalance(_answer, folder=tmp_path, name="1", clock=clock, ticking=False)
    idle = WorkerBalance(_answer, folder=tmp_path, name="2", clock=clock, ticking=False)
    idle.recount()
    assert not any(_round(full, range(20)))
    full.recount()
    assert sum(_round(full, range(20))) == 9  # share 10, one more allowed


def test_the_count_of_a_process_gone_is_not_counted_and_its_file_removed(tmp_path: Path) -> None:
    clock = Clock()
    worker = WorkerBalance(_answer, folder=tmp_path, name="1", clock=clock, ticking=False)
    gone = tmp_path / "2"
    gone.write_text("0")
    os.utime(gone, (0, 0))  # written long ago: that process stopped
    for now in (0.0, 0.25, 0.5):
        clock.now = now
        _round(worker, range(10))
        worker.recount()
        # all 10 on the one process left: its share, nobody is sent on
        assert not any(_round(worker, range(10)))
    assert not gone.exists()
    assert (tmp_path / "1").read_text() == "10"


def test_a_single_process_never_asks_anyone_to_reconnect() -> None:
    # not started by a supervisor (multiprocessing): no siblings, no folder, no header
    clock = Clock()
    worker = WorkerBalance(_answer, clock=clock)
    for now in (0.0, 0.25, 0.5, 0.75):
        clock.now = now
        assert not any(_round(worker, range(30)))
    assert worker.folder is None


def test_the_folders_of_servers_stopped_long_ago_are_swept(tmp_path: Path) -> None:
    old, live = tmp_path / f"{FOLDER_PREFIX}100", tmp_path / f"{FOLDER_PREFIX}200"
    for folder in (old, live):
        folder.mkdir()
        (folder / "1").write_text("3")
    os.utime(old / "1", (0, 0))
    _sweep(tmp_path)
    assert not old.exists()
    assert (live / "1").read_text() == "3"
