"""Reading a small request body without reading a large one."""

from __future__ import annotations

from starlette.requests import Request


async def body_up_to(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` (read no further)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body
