"""Request body size, checked while the body streams in (before the multipart parser spools
a whole upload to disk): a declared Content-Length over the limit is refused before any byte
is read, a chunked body as soon as it passes the limit. Routes keep their own, smaller
limits (documents, imports); this one bounds what any request can make the server store."""

from __future__ import annotations

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
