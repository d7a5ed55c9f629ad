"""At most ``limit`` requests inside the application at once (app.limits.InFlightLimit): the
rest wait at the door, so that no more requests hold database connections than the pool and
the thread pool can serve (more would wait for each other until the pool's timeout)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
from starlette.types import Receive, Scope, Send

from app.limits import InFlightLimit


def test_no_more_than_the_limit_are_inside_at_once() -> None:
    inside = 0
    most = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await anyio.sleep(0.02)  # a request at work (a query, a page)
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def crowd() -> list[int]:
        transport = httpx.ASGITransport(app=InFlightLimit(app, limit=3))
        codes: list[int] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def one() -> None:
                codes.append((await client.get("/")).status_code)

            async with anyio.create_task_group() as group:
                for _ in range(12):
                    group.start_soon(one)
        return codes

    # In a thread of its own: a browser test may have left an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        codes = thread.submit(anyio.run, crowd).result()
    assert codes == [200] * 12  # everyone served, in turn
    assert most == 3
