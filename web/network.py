"""The operator network's side: USSD requests, authenticated by NETWORK_API_KEY."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from auth.ussd import handle_ussd
from models.errors import DomainError
from services import Services
from web.bodies import body_up_to

# {"msisdn": ..., "code": ...} is a few dozen bytes; the network sends nothing bigger
MAX_USSD_BODY = 4096


def authorized(request: Request, expected: str | None) -> bool:
    header = request.headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    # constant-time: the key must not leak a character at a time
    return bool(expected) and hmac.compare_digest(given.encode(), (expected or "").encode())


def ussd_endpoint(services: Services) -> Callable[[Request], Awaitable[JSONResponse]]:
    """`POST /network/ussd`: the network relays a USSD request from a number."""

    async def ussd(request: Request) -> JSONResponse:
        if not authorized(request, services.settings.network_api_key):
            return JSONResponse({"error": "UNAUTHENTICATED"}, status_code=401)
        raw = await body_up_to(request, MAX_USSD_BODY)
        if raw is None:  # bigger than any real request: refused as malformed, unread
            return JSONResponse({"error": "INVALID_INPUT"}, status_code=400)
        try:
            body = json.loads(raw)
            msisdn, code = str(body["msisdn"]), str(body["code"])
        except (ValueError, KeyError, TypeError, RecursionError):
            return JSONResponse({"error": "INVALID_INPUT"}, status_code=400)
        try:
            text = await handle_ussd(msisdn, code, services)
        except DomainError as exc:
            return JSONResponse({"error": exc.code.value}, status_code=400)
        return JSONResponse({"text": text})

    return ussd
