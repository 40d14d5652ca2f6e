"""Password login: temporary or permanent password, with lockout after 10 wrong in a row."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth import temporary
from auth.lookup import find_user, login_key
from auth.services import AuthServices
from auth.sessions import ClientInfo, IssuedSession, open_session
from auth.throttle import LOGINS_PER_CLIENT, client_key, enforce
from models import AuthMethod, Credential, LoginLock, User
from models.errors import DomainError, ErrorCode
from models.identity import locked_now

MAX_FAILURES = 10
LOCK_TIME = timedelta(hours=1)
# argon2 of a 10 000-character guess costs the same, but there is no need to pay it
MAX_PASSWORD_INPUT = 1024


def _now() -> datetime:
    return datetime.now(UTC)


def locked(until: datetime) -> DomainError:
    """LOCKED with the moment (told in the reader's language) and the wait in seconds."""
    wait = max(1, math.ceil((until - _now()).total_seconds()))
    return DomainError(
        ErrorCode.LOCKED, locked_until=until.replace(microsecond=0), retry_after=wait
    )


async def password_login(
    login: str, password: str, client: ClientInfo, svc: AuthServices
) -> IssuedSession:
    await enforce(svc.throttle, LOGINS_PER_CLIENT.of(client_key(client.ip)))
    key = login_key(login)
    if not password or len(password) > MAX_PASSWORD_INPUT:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    user = await find_user(key)
    if user is None:
        await _unknown_login(key[:64], password, svc)
    credential, _ = await Credential.get_or_create(user=user)
    if locked_now(credential.locked_until):
        raise locked(credential.locked_until)

    waiting = await temporary.reserve_try(await temporary.active_temporary(user.id))
    # with none waiting, the one used last: a double submit of the right password is told
    # so and is not counted as a wrong one
    used = None if waiting else await temporary.recently_used(user.id)
    candidate = waiting or used
    permanent = None if credential.permanent_disabled else credential.password_hash
    # always two verifications: which of them could succeed must not show in the timing
    temporary_ok = await svc.hasher.verify(candidate.password_hash if candidate else None, password)
    permanent_ok = await svc.hasher.verify(permanent, password)

    if temporary_ok and not permanent_ok:
        if waiting is None or not await temporary.consume(waiting):
            # the right password, spent a moment ago (a double submit): not a guess
            raise DomainError(ErrorCode.INVALID_CREDENTIALS, "temporary_used")
        await _succeed(user)
        return await open_session(
            user, AuthMethod.TEMPORARY_PASSWORD, client, svc.tokens, must_set_password=True
        )
    if permanent_ok:
        if waiting is not None:
            await temporary.give_back_try(waiting)
        await _succeed(user)
        return await open_session(user, AuthMethod.PASSWORD, client, svc.tokens)
    if waiting is not None:
        await temporary.void_if_spent(waiting)
    await record_failure(user)
    raise DomainError(ErrorCode.INVALID_CREDENTIALS)


async def _unknown_login(key: str, password: str, svc: AuthServices) -> NoReturn:
    """Answer exactly as for a real login with a wrong password: the same hashing, the
    same count in a row, the same lock after ten, no hashing while locked."""
    counter, created = await LoginLock.get_or_create(key=key)
    if created:
        # sprayed logins leave rows behind: forget those quiet for two days
        stale = _now() - timedelta(days=2)
        quiet = Q(locked_until__isnull=True) | Q(locked_until__lte=_now())
        await LoginLock.filter(quiet, updated_at__lt=stale).delete()
    if locked_now(counter.locked_until):
        raise locked(counter.locked_until)
    await svc.hasher.dummy_verify(password)
    await svc.hasher.dummy_verify(password)
    await _count_failure(LoginLock, {"key": key})
    raise DomainError(ErrorCode.INVALID_CREDENTIALS)


async def _succeed(user: User) -> None:
    """Reset the failure count, unless a racing wrong try locked the account meanwhile."""
    reset = await Credential.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=_now()), user_id=user.id
    ).update(failed_attempts=0, locked_until=None)
    if not reset:
        credential = await Credential.get(user_id=user.id)
        raise locked(credential.locked_until or _now())


async def record_failure(user: User) -> None:
    """Count a wrong password; the 11th in a row locks for an hour and turns the
    permanent password off until a temporary one is used."""
    await _count_failure(Credential, {"user_id": user.id})


async def _count_failure(model: type[Credential] | type[LoginLock], where: dict) -> None:
    """One more failure, under a row lock so racing tries are counted one by one."""
    async with in_transaction() as conn:
        row = await model.select_for_update().using_db(conn).get(**where)
        already_locked = locked_now(row.locked_until)
        if not already_locked:
            row.failed_attempts += 1
            if row.failed_attempts > MAX_FAILURES:
                row.failed_attempts = 0
                row.locked_until = _now() + LOCK_TIME
                if isinstance(row, Credential):
                    row.permanent_disabled = True
            await row.save(using_db=conn)
    # raised after the commit: an exception inside the block would roll the lock back
    if locked_now(row.locked_until):
        raise locked(row.locked_until)
