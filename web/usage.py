"""`POST /network/usage`: the network's usage records, as JSON lines (API.md section 10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from models.ingest import ingest_lines
from services import Services
from web.bodies import body_up_to
from web.network import authorized

# a batch of about 100 000 records; the network sends bigger days in several batches
MAX_USAGE_BODY = 32 * 1024 * 1024
# a batch full of mistakes is answered with the first ones and how many there were
MAX_ERRORS_SHOWN = 1_000


def usage_endpoint(services: Services) -> Callable[[Request], Awaitable[JSONResponse]]:
    """200 with what was kept: valid records are stored (a record seen before is a
    duplicate, not an error), each invalid one is named by its line; 400 for a body
    that is not JSON lines at all; 413 over MAX_USAGE_BODY, unread."""

    async def usage(request: Request) -> JSONResponse:
        if not authorized(request, services.settings.network_api_key):
            return JSONResponse({"error": "UNAUTHENTICATED"}, status_code=401)
        raw = await body_up_to(request, MAX_USAGE_BODY)
        if raw is None:
            return JSONResponse({"error": "PAYLOAD_TOO_LARGE"}, status_code=413)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"error": "INVALID_INPUT", "message": "not UTF-8"}, 400)
        outcome = await ingest_lines(text.splitlines())
        parsed = outcome.accepted + outcome.duplicates
        if not parsed and outcome.errors and all(e.code == "INVALID_JSON" for e in outcome.errors):
            return JSONResponse({"error": "INVALID_INPUT", "message": "not JSON lines"}, 400)
        return JSONResponse(
            {
                "accepted": outcome.accepted,
                "duplicates": outcome.duplicates,
                "errors": [
                    {"line": e.line, "code": e.code, "message": e.message}
                    for e in outcome.errors[:MAX_ERRORS_SHOWN]
                ],
                "errorCount": len(outcome.errors),
            }
        )

    return usage
