"""A bare ASGI app behind app.balance.WorkerBalance, served by ``uvicorn --workers 2`` in
tests/integration/test_worker_balance_served.py: it answers with the id of the process that
served it; ``/hold`` keeps that process's event loop busy for a moment (it takes no new
connection meanwhile)."""

from __future__ import annotations

import os
import time
from typing import Any

from app.balance import WorkerBalance


async def _serve(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/hold":
        time.sleep(1.5)  # blocks this process's event loop on purpose
    body = str(os.getpid()).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


app = WorkerBalance(_serve)
