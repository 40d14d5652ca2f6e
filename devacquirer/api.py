"""The /v3 endpoints a YooKassa client calls: HTTP Basic auth, JSON in and out.

Every call goes through the same gate, in the order a real deployment has them: an outage
(`Behaviour.down`) answers before anything is checked, then the shop is authenticated,
then the work is done, and only then does `Behaviour.slow_seconds` hold the answer back.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devacquirer.acquirer import Acquirer
from devacquirer.config import AcquirerConfig, Shop
from devacquirer.errors import ApiError, outage
from devacquirer.validation import idempotence_key, json_body

Handler = Callable[[Request, Shop], Awaitable[Response]]

_BAD_CREDENTIALS = (
    "Basic authentication failed: check the shopId and the secret key "
    "(Authorization: Basic base64(shopId:secretKey))"
)


def authenticate(request: Request, config: AcquirerConfig) -> Shop:
    """The shop named by the Basic credentials; `ApiError` 401 for anything else."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise ApiError(401, "invalid_credentials", _BAD_CREDENTIALS)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(401, "invalid_credentials", _BAD_CREDENTIALS) from exc
    shop_id, _, secret = decoded.partition(":")
    shop = config.shop(shop_id)
    if shop is None or not secrets.compare_digest(
        secret.encode("utf-8"), shop.secret_key.encode("utf-8")
    ):
        raise ApiError(401, "invalid_credentials", _BAD_CREDENTIALS)
    return shop


def api_routes(acquirer: Acquirer) -> list[Route]:
    """The /v3 routes, for `create_acquirer_app`."""
    config = acquirer.config

    def gate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            behaviour = config.behaviour.snapshot()
            if behaviour.down is not None:
                return outage(behaviour.down)
            try:
                response = await handler(request, authenticate(request, config))
            except ApiError as error:
                response = error.response()
            if behaviour.slow_seconds > 0:
                # Done, just late: a client that gave up has still made the payment, and
                # must find it again with the same idempotence key.
                await asyncio.sleep(behaviour.slow_seconds)
            return response

        return endpoint

    async def create_payment(request: Request, shop: Shop) -> Response:
        key = idempotence_key(request.headers.get("idempotence-key"))
        body = json_body(await request.body())
        payment = await acquirer.create_payment(shop.shop_id, key, body)
        return JSONResponse(payment.to_json(acquirer.base_url))

    async def get_payment(request: Request, shop: Shop) -> Response:
        payment = await acquirer.payment(request.path_params["payment_id"], shop.shop_id)
        if payment is None:
            raise ApiError(404, "not_found", "Payment doesn't exist or access denied")
        return JSONResponse(payment.to_json(acquirer.base_url))

    async def create_refund(request: Request, shop: Shop) -> Response:
        key = idempotence_key(request.headers.get("idempotence-key"))
        body = json_body(await request.body())
        refund = await acquirer.create_refund(shop.shop_id, key, body)
        return JSONResponse(refund.to_json())

    async def get_refund(request: Request, shop: Shop) -> Response:
        refund = acquirer.store.refund(request.path_params["refund_id"], shop.shop_id)
        if refund is None:
            raise ApiError(404, "not_found", "Refund doesn't exist or access denied")
        return JSONResponse(refund.to_json())

    async def me(request: Request, shop: Shop) -> Response:
        # A cheap credentials check for clients, as YooKassa offers.
        return JSONResponse(
            {
                "account_id": shop.shop_id,
                "test": True,
                "fiscalization_enabled": False,
                "payment_methods": ["bank_card"],
                "status": "enabled",
            }
        )

    return [
        Route("/v3/payments", gate(create_payment), methods=["POST"]),
        Route("/v3/payments/{payment_id}", gate(get_payment), methods=["GET"]),
        Route("/v3/refunds", gate(create_refund), methods=["POST"]),
        Route("/v3/refunds/{refund_id}", gate(get_refund), methods=["GET"]),
        Route("/v3/me", gate(me), methods=["GET"]),
    ]
