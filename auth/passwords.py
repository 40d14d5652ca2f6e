"""Password hashing (argon2id, off the event loop) and the password policy (zxcvbn)."""

from __future__ import annotations

import asyncio
import base64
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ARGON2_VERSION

from config import Argon2Params
from models.errors import DomainError, ErrorCode

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash"


# argon2 runs one hash at a time per process, on a thread of its own. Each hash already
# spreads over `parallelism` lanes (threads of the C library) and 64 MiB: running
# asyncio's default six at once put 24 busy threads against the event loop's one on a
# 2-core machine (a burst of 16 logins kept the loop from a 5 ms tick for 46 ms, every
# other request waiting) and 384 MiB in flight. Queued, the burst takes as long in
# total and the loop stays free.
CONCURRENT_HASHES = 1


class Hasher:
    """argon2id with configured cost. Every call runs on the hashing thread.

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
        self._dummy = unmatchable_hash(self._hasher)
        self._threads = ThreadPoolExecutor(CONCURRENT_HASHES, thread_name_prefix="argon2")

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            await self.dummy_verify(password)
            return False
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._verify, password_hash, password)

    async def dummy_verify(self, password: str) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._threads, self._verify, self._dummy, password)

    def close(self) -> None:
        """Let a running hash finish; no new ones."""
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def unmatchable_hash(hasher: PasswordHasher) -> str:
    """A stored hash with `hasher`'s parameters that no password matches, made without
    hashing.

    Checking a password against it is the same argon2 run as against a real one: the
    work is set by the m, t and p the string carries, and the salt and digest are only
    compared at the end. Hashing a throwaway password for it instead took a 64 MiB
    argon2 run in every process that built `Services` (its peak resident set: the
    worker's, 88 -> 148 MB, though a worker never checks a password).
    """

    def b64(size: int) -> str:
        # the PHC string format: standard base64 without its padding
        return base64.b64encode(secrets.token_bytes(size)).decode().rstrip("=")

    kind = f"argon2{hasher.type.name.lower()}"
    params = f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
    salt, digest = b64(hasher.salt_len), b64(hasher.hash_len)
    return f"${kind}$v={ARGON2_VERSION}${params}${salt}${digest}"


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
    # zxcvbn's word lists are 12 MB once imported: only a process that checks a new
    # password pays them, not every worker (22 ms, once)
    from zxcvbn import zxcvbn

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
