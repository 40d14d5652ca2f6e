"""In-memory grants: authorization codes, access tokens and seen nonces.

One lock guards everything. Requests may come from uvicorn's event loop and from worker
threads at once, and the check-then-consume of a code must be one step: two concurrent
exchanges of the same code must not both win.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from authlib.oidc.core import AuthorizationCodeMixin


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    """An issued, not yet redeemed code and everything the token request is checked against."""

    code: str
    client_id: str
    subject: str
    # As sent in the authorization request (None when the client relied on its only URI);
    # authlib requires the token request to repeat it exactly when it was sent.
    redirect_uri: str | None
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str | None:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str | None:
        return None

    def get_amr(self) -> list[str] | None:
        return None


@dataclass(frozen=True)
class AccessToken:
    token: str
    client_id: str
    subject: str
    scope: str
    expires_at: float


@dataclass
class MemoryStore:
    """Thread-safe storage for one provider instance.

    Args:
        clock: seconds since the epoch; injectable so expiry is testable without sleeping.
    """

    clock: Callable[[], float] = time.time
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _codes: dict[str, AuthorizationCode] = field(default_factory=dict, init=False)
    # Redeemed codes -> the access token they bought, so a replay can revoke it
    # (RFC 6749 section 4.1.2: a reused code SHOULD revoke what it issued).
    _spent: dict[str, str | None] = field(default_factory=dict, init=False)
    _tokens: dict[str, AccessToken] = field(default_factory=dict, init=False)
    _nonces: set[tuple[str, str]] = field(default_factory=set, init=False)

    def save_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            # Forget codes nobody redeemed in time, so a long-running dev server stays small.
            now = self.clock()
            for stale in [c for c, item in self._codes.items() if item.expires_at < now]:
                del self._codes[stale]
            self._codes[code.code] = code
            if code.nonce:
                self._nonces.add((code.client_id, code.nonce))

    def nonce_seen(self, client_id: str, nonce: str) -> bool:
        with self._lock:
            return (client_id, nonce) in self._nonces

    def redeem_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        """Take a code out for exactly one token request; `None` if it is not redeemable.

        The code is spent here, before the rest of the token request is checked, so a
        failed exchange (bad verifier, wrong redirect_uri) burns it too: the client must
        start over, and an attacker gets one guess per code.
        """
        with self._lock:
            if code in self._spent:
                revoked = self._spent[code]
                if revoked is not None:
                    self._tokens.pop(revoked, None)
                return None
            found = self._codes.get(code)
            if found is None or found.client_id != client_id:
                # Leave another client's code alone: a confused or hostile client must not
                # be able to burn it by presenting it.
                return None
            del self._codes[code]
            self._spent[code] = None
            if found.expires_at < self.clock():
                return None
            return found

    def save_token(self, token: AccessToken, code: str | None) -> None:
        with self._lock:
            self._tokens[token.token] = token
            if code is not None and code in self._spent:
                self._spent[code] = token.token

    def find_token(self, token: str) -> AccessToken | None:
        with self._lock:
            found = self._tokens.get(token)
            if found is None or found.expires_at < self.clock():
                return None
            return found
