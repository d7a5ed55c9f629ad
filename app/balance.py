"""The crowd spread evenly over the web processes of one server.

The processes of ``ketnoi serve --workers N`` (uvicorn's) share one listening socket, and
whichever is awake takes the connections waiting: when a crowd connects at once (50 clients
in the same few milliseconds), one process often takes most of them (34 and 16 of 50, or
43 and 7, measured), and keeps them as long as their clients stay connected. Python runs one
thread at a time, so a process does about one core's work however many people it holds: the
people on the fuller process wait two to six times as long, all day, while the other process
has time to spare.

``WorkerBalance`` makes each process count the connections that asked it something in the
last second, write that count to a small file every quarter of a second and read its
siblings' (one folder per server, in the temporary directory, named after the supervising
process). A process holding more than its fair share (the total divided by the
processes, plus one) asks that many of its clients to reconnect: ``Connection: close`` on the
next responses, each a whole response, nothing cut. The client's next request opens a new
connection, which either process may take; a process still over its share sends it on again
a quarter of a second later. Within a second or two each process holds its share, and a
client pays one new TCP connection (a fraction of a millisecond on a network).

Only in a process started by a supervisor (``multiprocessing``, as uvicorn's workers are); a
single process (``ketnoi serve`` without workers, the tests) has no sibling and never asks.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLISH_S = 0.25  # how often a process writes its count and reads its siblings'
ACTIVE_S = 1.0  # a connection counts while it asked something within this
STALE_S = 2.0  # a sibling's count older than this is of a process gone (or stuck)
FORGET_S = 60.0  # and its file is removed after this
FOLDER_PREFIX = "ketnoi-workers-"


def _sweep(temporary: Path) -> None:
    """The folders of servers stopped long ago (no count written for FORGET_S), removed."""
    wall = time.time()
    for folder in temporary.glob(f"{FOLDER_PREFIX}*"):
        try:
            files = list(folder.iterdir())
            if all(wall - f.stat().st_mtime > FORGET_S for f in files):
                for f in files:
                    f.unlink()
                folder.rmdir()
        except OSError:  # another process swept it first, or wrote to it meanwhile
            continue


def sibling_folder() -> Path | None:
    """Where the processes of this server share their counts; None for a process that was
    not started by a supervisor."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return None
    return Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{parent.pid}"


class WorkerBalance:
    def __init__(
        self,
        app: ASGIApp,
        *,
        folder: Path | None = None,
        name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        ticking: bool = True,
    ) -> None:
        self.app = app
        self.folder = folder  # found at start-up unless given
        self.name = name or str(os.getpid())
        self.clock = clock
        self.ticking = ticking  # recount every PUBLISH_S on the event loop (tests count by hand)
        self.started = False
        self.seen: dict[tuple[str, int], float] = {}  # connection -> its last request
        self.to_send_on = 0  # connections to ask to reconnect before the next count

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.started:
            self._start()
        client = scope.get("client")
        if scope["type"] != "http" or not client or self.folder is None:
            await self.app(scope, receive, send)
            return
        key = (client[0], client[1])
        self.seen[key] = self.clock()
        if self.to_send_on <= 0:
            await self.app(scope, receive, send)
            return
        self.to_send_on -= 1
        del self.seen[key]

        async def reconnect(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, reconnect)

    def _start(self) -> None:
        """At start-up (the lifespan's first message, else the first request): find the
        siblings' folder and count every PUBLISH_S from then on, also while no one asks this
        process anything (an idle process's count is what sends the crowd to it)."""
        self.started = True
        if self.folder is None:
            self.folder = sibling_folder()
        if self.folder is not None and self.ticking:
            _sweep(self.folder.parent)
            self._tick(asyncio.get_running_loop())

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self.recount()
        finally:  # counting goes on whatever one count met
            loop.call_later(PUBLISH_S, self._tick, loop)

    def recount(self) -> None:
        """Write this process's count, read its siblings': how many connections over its
        share it holds are asked to reconnect before the next count (none when the counts
        cannot be read)."""
        assert self.folder is not None
        now = self.clock()
        self.seen = {k: t for k, t in self.seen.items() if t > now - ACTIVE_S}
        mine = len(self.seen)
        counts = [mine]
        try:
            self.folder.mkdir(exist_ok=True)
            (self.folder / self.name).write_text(str(mine))
            wall = time.time()
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    if entry.name == self.name:
                        continue
                    age = wall - entry.stat().st_mtime
                    if age > FORGET_S:
                        Path(entry.path).unlink(missing_ok=True)
                    elif age <= STALE_S:
                        counts.append(int(Path(entry.path).read_text() or 0))
        except (OSError, ValueError):
            self.to_send_on = 0
            return
        share = -(-sum(counts) // len(counts))  # rounded up
        self.to_send_on = max(0, mine - share - 1)
