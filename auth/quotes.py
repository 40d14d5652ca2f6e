"""Signed quotes: a price the server stated, handed back by the client to act on it.

`<base64url JSON claims>.<HMAC-SHA256>`, with a key derived for this use only. The
claims are not secret (they say what the client was shown); they cannot be changed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

MAX_TOKEN = 1000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class QuoteTokens:
    def __init__(self, secret_key: str, purpose: str = "tariff quote") -> None:
        self._key = hmac.new(secret_key.encode(), f"linehub {purpose}".encode(), "sha256").digest()

    def sign(self, claims: dict[str, Any]) -> str:
        body = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode())
        return f"{body}.{_b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())}"

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this server signed, or None."""
        if not token or len(token) > MAX_TOKEN or token.count(".") != 1:
            return None
        body, mac = token.split(".")
        expected = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(mac, expected):
            return None
        try:
            claims = json.loads(_unb64(body))
        except (binascii.Error, ValueError):
            return None
        return claims if isinstance(claims, dict) else None
