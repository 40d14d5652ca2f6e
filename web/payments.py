"""The acquirer's side: its notifications (`POST /payments/webhook`), and in development
a page to land on after paying.

A notification is a hint, never a fact: it only names a payment, which is then read
back from the acquirer's API (jobs.payments.on_notification). That is what YooKassa
advises, and it makes a forged or replayed notification harmless, so the endpoint needs
no secret of its own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateways.acquirer import ACQUIRER_ID, AcquirerRefused, AcquirerUnavailable
from i18n import negotiate, translate
from jobs.payments import on_notification
from services import Services
from web.bodies import body_up_to
from web.pages import page

log = logging.getLogger("linehub.payments")
# a payment object is a couple of kilobytes; nothing the acquirer sends is bigger
MAX_NOTIFICATION_BODY = 64 * 1024


def named_payment(body: Any) -> str | None:
    """The acquirer's payment id a notification names: the object's own id, or for a
    refund the payment it refunds."""
    if not isinstance(body, dict) or body.get("type") != "notification":
        return None
    event, obj = body.get("event"), body.get("object")
    if not isinstance(event, str) or not isinstance(obj, dict):
        return None
    named = obj.get("payment_id") if event.startswith("refund.") else obj.get("id")
    return named if isinstance(named, str) and ACQUIRER_ID.fullmatch(named) else None


def webhook_endpoint(services: Services) -> Callable[[Request], Awaitable[Response]]:
    """200 once the named payment is read back and applied (or is none of ours, so the
    acquirer stops sending it); 503 while the acquirer cannot be asked, so it sends the
    notification again later; 400 for what is not a notification."""

    async def webhook(request: Request) -> Response:
        raw = await body_up_to(request, MAX_NOTIFICATION_BODY)
        try:
            acquirer_id = named_payment(json.loads(raw)) if raw is not None else None
        except (ValueError, RecursionError):
            acquirer_id = None
        if acquirer_id is None:
            return JSONResponse({"error": "INVALID_INPUT"}, status_code=400)
        try:
            await on_notification(services, acquirer_id)
        except AcquirerRefused as exc:
            log.warning("notification names a payment the acquirer denies: %s", exc)
        except AcquirerUnavailable as exc:
            log.warning("notification not checked, acquirer unavailable: %s", exc)
            return JSONResponse({"error": "NOT_AVAILABLE"}, status_code=503)
        return JSONResponse({"ok": True})

    return webhook


async def payment_landing(request: Request) -> Response:
    """Development's return URL: stands in for an app the acquirer sends the browser
    back to. The payment's outcome is read from the API, never from this address."""
    language = negotiate(request.headers.get("accept-language"))
    title = translate("payment_landing_title", language)
    return page(language, title, f"<p>{escape(translate('payment_landing_body', language))}</p>")
