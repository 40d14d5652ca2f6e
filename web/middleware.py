"""Pure ASGI middleware: request ids (and a JSON 500 under them), request body limits."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from i18n import negotiate, translate
from web.graphql import JSON, response_media_type
from web.logs import request_id_var

log = logging.getLogger("linehub.http")

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def send_json_error(scope: Scope, send: Send, status: int, error: dict[str, object]) -> None:
    """Answer with `{"errors": [error]}` in the media type the client asked for."""
    body = json.dumps({"errors": [error]}, ensure_ascii=False).encode()
    media_type = response_media_type(_header(scope, b"accept")) or JSON
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", f"{media_type}; charset=utf-8".encode()),
                (b"content-length", str(len(body)).encode()),
                (b"vary", b"Accept, Accept-Language"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestIdMiddleware:
    """Take `X-Request-ID` when it is sane, else make one; echo it and log with it.

    An exception that escapes the app is logged here with its traceback and the request
    id, and the client gets a JSON `INTERNAL` error carrying the same id: this is the
    outermost place that still knows the id, and clients never get plain text.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER) or ""
        # fullmatch: `$` would let a trailing newline through into logs and headers
        request_id = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] in ("http.response.start", "websocket.accept"):
                started = True
                headers = list(message.get("headers") or [])
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if scope["type"] != "http" or started:
                raise
            log.exception(
                "unhandled error in %s %s (request %s)",
                scope.get("method"),
                scope.get("path"),
                request_id,
                extra={"request_id": request_id},
            )
            language = negotiate(_header(scope, b"accept-language"))
            await send_json_error(
                scope,
                send_with_id,
                500,
                {
                    "message": translate("INTERNAL", language, request_id=request_id),
                    "extensions": {"code": "INTERNAL", "requestId": request_id},
                },
            )
        finally:
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuse a request body (or GET query string) over `max_bytes` with 413, unread.

    The GraphQL answer is a JSON error with `extensions.code: QUERY_TOO_LARGE`, so a
    client sees the same shape as for any other refused query.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, path_prefix: str = "/graphql") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_prefix = path_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.path_prefix):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if len(scope.get("query_string", b"")) > self.max_bytes or (
            declared is not None and declared.isdigit() and int(declared) > self.max_bytes
        ):
            await self._refuse(scope, send)
            return
        received = 0
        refused = started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            # once refused, whatever the app answers (it may have caught _TooLarge and
            # made its own error) is dropped: the client gets the 413 below
            if refused and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):  # answered just below
            await self.app(scope, limited_receive, guarded_send)
        if refused and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        language = negotiate(_header(scope, b"accept-language"))
        await send_json_error(
            scope,
            send,
            413,
            {
                "message": translate("http.too_large", language, max_bytes=self.max_bytes),
                "extensions": {"code": "QUERY_TOO_LARGE", "maxBytes": self.max_bytes},
            },
        )


class _TooLarge(Exception):
    pass
