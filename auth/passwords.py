"""Password hashing (argon2id, off the event loop) and the password policy (zxcvbn)."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from config import Argon2Params
from models.errors import DomainError, ErrorCode

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash"


class Hasher:
    """argon2id with configured cost. Every call runs in a worker thread.

    `dummy_verify` spends the same work as a real check, so an unknown login takes as
    long as a known one with a wrong password.
    """

    def __init__(self, params: Argon2Params) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
            type=Type.ID,
        )
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            await self.dummy_verify(password)
            return False
        return await asyncio.to_thread(self._verify, password_hash, password)

    async def dummy_verify(self, password: str) -> None:
        await asyncio.to_thread(self._verify, self._dummy, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def check_password_policy(
    password: str, repeat: str, user_inputs: list[str], *, field: str = "password"
) -> None:
    """8–128 characters, no composition rules, not guessable; repeat must match.

    Length is checked first so zxcvbn never sees a 10 000-character input.
    """
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            "password_length",
            field=[field],
            min=MIN_LENGTH,
            max=MAX_LENGTH,
        )
    if not secrets.compare_digest(password.encode(), repeat.encode()):
        raise DomainError(ErrorCode.PASSWORD_MISMATCH, field=[f"{field}Repeat"])
    result = zxcvbn(password, user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        hints = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            "password_weak",
            field=[field],
            feedback=[h for h in hints if h],
        )
