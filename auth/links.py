"""Download links that are their own credential: signed, expiring, bound to one file.

A browser download carries no bearer token, so the link is the key (API.md section 10):
`<job id>.<expiry>.<MAC>`, the MAC an HMAC-SHA256 over the job id, the expiry and the
file's own random name. Changing any character, or the file being replaced, breaks it;
the link says nothing a person could use beyond that one file. Compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass

_LINK = re.compile(r"^([1-9][0-9]{0,18})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class LinkClaims:
    job_id: int
    expires_at: int


class DownloadLinks:
    def __init__(self, secret_key: str) -> None:
        # a key of its own, derived from the secret: a download MAC is never valid as
        # anything else the secret signs
        self._key = hmac.new(secret_key.encode(), b"linehub download links", "sha256").digest()

    def _mac(self, job_id: int, expires_at: int, file_path: str) -> str:
        message = f"{job_id}.{expires_at}.{file_path}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def sign(self, job_id: int, expires_at: int, file_path: str) -> str:
        return f"{job_id}.{expires_at}.{self._mac(job_id, expires_at, file_path)}"

    @staticmethod
    def parse(token: str) -> LinkClaims | None:
        """What a link claims, unverified (which file to check it against), or None."""
        found = _LINK.match(token)
        if found is None:
            return None
        return LinkClaims(int(found.group(1)), int(found.group(2)))

    def verify(self, token: str, file_path: str, now: float | None = None) -> bool:
        claims = self.parse(token)
        if claims is None or claims.expires_at <= (time.time() if now is None else now):
            return False
        expected = self._mac(claims.job_id, claims.expires_at, file_path)
        return hmac.compare_digest(token.rsplit(".", 1)[1], expected)
