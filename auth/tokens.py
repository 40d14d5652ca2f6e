"""Access tokens (JWT, HS256, 15 minutes) and opaque refresh tokens (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

ACCESS_TTL = 15 * 60
REFRESH_TTL = 30 * 24 * 3600
ALGORITHM = "HS256"
ISSUER = "linehub"


@dataclass(frozen=True)
class AccessClaims:
    session_id: uuid.UUID
    user_id: int
    expires_at: int


class TokenError(Exception):
    """The token is not one we issued, or no longer valid."""


class AccessTokens:
    """Signs and checks access tokens. Only HS256 with our key is accepted: `alg: none`,
    other algorithms and other keys are refused by joserfc's algorithm allow-list."""

    def __init__(self, secret_key: str) -> None:
        self._key = OctKey.import_key(hashlib.sha256(secret_key.encode()).digest())

    def issue(self, session_id: uuid.UUID, user_id: int) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": str(user_id),
            "sid": str(session_id),
            "iat": now,
            "exp": now + ACCESS_TTL,
            "typ": "access",
        }
        return jwt.encode({"alg": ALGORITHM}, claims, self._key, algorithms=[ALGORITHM])

    def verify(self, token: str) -> AccessClaims:
        if not token or len(token) > 4096:
            raise TokenError("malformed")
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
        except (JoseError, ValueError, TypeError) as exc:
            raise TokenError(str(exc)) from None
        claims = decoded.claims
        try:
            expires_at = int(claims["exp"])
            if claims.get("iss") != ISSUER or claims.get("typ") != "access":
                raise TokenError("not an access token")
            if expires_at <= int(time.time()):
                raise TokenError("expired")
            return AccessClaims(uuid.UUID(claims["sid"]), int(claims["sub"]), expires_at)
        except (KeyError, ValueError, TypeError):
            raise TokenError("bad claims") from None


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, hash for the database)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
