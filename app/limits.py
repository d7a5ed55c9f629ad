"""Limits on requests.

Body size, checked while the body streams in (before the multipart parser spools a whole
upload to disk): a declared Content-Length over the limit is refused before any byte is read,
a chunked body as soon as it passes the limit. Routes keep their own, smaller limits
(documents, imports); this one bounds what any request can make the server store.

And how many requests are inside the application at once (``InFlightLimit``)."""

from __future__ import annotations

from anyio import Semaphore
from anyio.lowlevel import RunVar
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    # An HTTPException, so that FastAPI's body parsing lets it through and the problem
    # handlers answer 413 (problem+json for the API, an error page for pages).
    def __init__(self, limit: int) -> None:
        size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
        super().__init__(
            status_code=413, detail=f"the request is larger than the {size} this server accepts"
        )


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = 0
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
        received = 0
        limit = self.max_bytes

        async def limited() -> Message:
            nonlocal received
            if declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


class InFlightLimit:
    """At most ``limit`` requests inside the application at once per process; the rest wait
    here, in the event loop, holding nothing.

    A request holds its database connection from its first query to its end, across several
    hand-offs to the thread pool (each dependency, then the route). Without this door, more
    requests than connections could each hold one while waiting for a thread, and the
    threads could all be waiting for a connection: nothing moves until the pool's timeout
    (10 s, then 503s). With at most ``limit`` (= the pool size = the thread pool) inside,
    every request has a thread and a connection to go on with."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.door: RunVar[Semaphore] = RunVar("ketnoi_in_flight")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            door = self.door.get()
        except LookupError:  # one per event loop
            door = Semaphore(self.limit)
            self.door.set(door)
        async with door:
            await self.app(scope, receive, send)
