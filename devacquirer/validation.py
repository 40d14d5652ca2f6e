"""Checking request bodies the way YooKassa does: each refusal names the parameter.

YooKassa's own limits where it documents them (description length, metadata size);
unknown fields are ignored, as fields this subset does not implement (`receipt`,
`payment_method_data`, `client_ip`, ...) would otherwise break a client that sends them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from devacquirer.errors import ApiError, invalid
from devacquirer.objects import money

MAX_IDEMPOTENCE_KEY = 64
MAX_DESCRIPTION = 128
MAX_REFUND_DESCRIPTION = 250
MAX_METADATA_KEYS = 16
MAX_METADATA_KEY = 32
MAX_METADATA_VALUE = 512
MAX_URL = 2048
CURRENCIES = frozenset({"RUB"})

_VALUE = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


@dataclass(frozen=True)
class PaymentRequest:
    """A valid `POST /v3/payments` body: either `return_url` or `method_id` is set."""

    amount: str
    currency: str
    description: str | None
    metadata: dict[str, str]
    return_url: str | None
    method_id: str | None
    save_method: bool


@dataclass(frozen=True)
class RefundRequest:
    """A valid `POST /v3/refunds` body."""

    payment_id: str
    amount: str
    currency: str
    description: str | None


def idempotence_key(value: str | None) -> str:
    if not value:
        raise invalid("Idempotence-Key", "Idempotence-Key header is missing")
    if len(value) > MAX_IDEMPOTENCE_KEY:
        raise invalid(
            "Idempotence-Key", f"Idempotence-Key is longer than {MAX_IDEMPOTENCE_KEY} characters"
        )
    return value


def _object(body: Any, parameter: str | None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid(parameter, f"{parameter or 'The request body'} must be a JSON object")
    return body


def parse_amount(body: Any, parameter: str = "amount") -> tuple[str, str]:
    """`{"value": "150.00", "currency": "RUB"}` as (`"150.00"`, `"RUB"`)."""
    amount = _object(body, parameter)
    value = amount.get("value")
    # A string, as YooKassa documents it: a float in JSON would already be rounded.
    if not isinstance(value, str) or not _VALUE.match(value) or Decimal(value) <= 0:
        raise invalid(
            f"{parameter}.value",
            "Amount value must be a string with a positive number and at most 2 decimals",
        )
    currency = amount.get("currency")
    if currency not in CURRENCIES:
        raise invalid(f"{parameter}.currency", f"Currency must be one of {sorted(CURRENCIES)}")
    return money(Decimal(value)), str(currency)


def _optional_text(body: dict[str, Any], name: str, limit: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(name, f"{name} must be a string of at most {limit} characters")
    return value


def _metadata(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_METADATA_KEYS:
        raise invalid("metadata", f"metadata must be an object of at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if (
            len(key) > MAX_METADATA_KEY
            or not isinstance(item, str)
            or len(item) > MAX_METADATA_VALUE
        ):
            raise invalid(
                "metadata",
                f"metadata keys are at most {MAX_METADATA_KEY} characters and values strings "
                f"of at most {MAX_METADATA_VALUE}",
            )
    return dict(value)


def _return_url(confirmation: Any) -> str:
    body = _object(confirmation, "confirmation")
    if body.get("type") != "redirect":
        raise invalid("confirmation.type", "The dev acquirer supports confirmation type redirect")
    url = body.get("return_url")
    if not isinstance(url, str) or not re.match(r"^https?://", url) or len(url) > MAX_URL:
        raise invalid("confirmation.return_url", "return_url must be an http(s) URL")
    return url


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise invalid(name, f"{name} must be a boolean")
    return value


def parse_payment(raw: Any) -> PaymentRequest:
    """Check a payment request; `ApiError` (400) at the first thing wrong."""
    body = _object(raw, None)
    amount, currency = parse_amount(body.get("amount"))
    if body.get("capture") is not True:
        # Two-stage payments (waiting_for_capture) are outside this subset.
        raise invalid("capture", "The dev acquirer makes one-stage payments only: capture: true")
    method_id = body.get("payment_method_id")
    if method_id is not None and (not isinstance(method_id, str) or not method_id):
        raise invalid("payment_method_id", "payment_method_id must be a string")
    # With a saved method the confirmation is not needed (nor used): no customer is there.
    return_url = None if method_id else _return_url(body.get("confirmation"))
    return PaymentRequest(
        amount=amount,
        currency=currency,
        description=_optional_text(body, "description", MAX_DESCRIPTION),
        metadata=_metadata(body.get("metadata")),
        return_url=return_url,
        method_id=method_id,
        save_method=_flag(body, "save_payment_method"),
    )


def parse_refund(raw: Any) -> RefundRequest:
    """Check a refund request; `ApiError` (400) at the first thing wrong."""
    body = _object(raw, None)
    payment_id = body.get("payment_id")
    if not isinstance(payment_id, str) or not payment_id:
        raise invalid("payment_id", "payment_id must be a string")
    amount, currency = parse_amount(body.get("amount"))
    description = _optional_text(body, "description", MAX_REFUND_DESCRIPTION)
    return RefundRequest(payment_id, amount, currency, description)


def json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "invalid_request", "The request body is not valid JSON") from exc
