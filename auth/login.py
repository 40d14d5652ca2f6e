"""Password login: temporary or permanent password, with lockout after 10 wrong in a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth import temporary
from auth.lookup import find_user, login_key
from auth.services import AuthServices
from auth.sessions import ClientInfo, IssuedSession, open_session
from auth.throttle import LOGINS_PER_CLIENT, Limit, enforce
from models import AuthMethod, Credential, User
from models.errors import DomainError, ErrorCode

MAX_FAILURES = 10
LOCK_TIME = timedelta(hours=1)
# argon2 of a 10 000-character guess costs the same, but there is no need to pay it
MAX_PASSWORD_INPUT = 1024
# unknown logins lock like real ones, so lockout cannot tell which numbers exist
UNKNOWN_LOGIN_LOCK = Limit("lockout-unknown", MAX_FAILURES, int(LOCK_TIME.total_seconds()))


def _now() -> datetime:
    return datetime.now(UTC)


def locked(until: datetime) -> DomainError:
    return DomainError(ErrorCode.LOCKED, locked_until=until.replace(microsecond=0))


async def password_login(
    login: str, password: str, client: ClientInfo, svc: AuthServices
) -> IssuedSession:
    await enforce(svc.throttle, client.ip or "-", LOGINS_PER_CLIENT)
    key = login_key(login)
    if not password or len(password) > MAX_PASSWORD_INPUT:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS)
    user = await find_user(key)
    if user is None:
        await _unknown_login(key, password, svc)
    assert user is not None
    credential, _ = await Credential.get_or_create(user=user)
    if credential.locked_until and credential.locked_until > _now():
        raise locked(credential.locked_until)

    waiting = await temporary.reserve_try(await temporary.active_temporary(user.id))
    permanent = None if credential.permanent_disabled else credential.password_hash
    # always two verifications: which of them could succeed must not show in the timing
    temporary_ok = await svc.hasher.verify(waiting.password_hash if waiting else None, password)
    permanent_ok = await svc.hasher.verify(permanent, password)

    if temporary_ok and waiting is not None and await temporary.consume(waiting):
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


async def _unknown_login(key: str, password: str, svc: AuthServices) -> None:
    await svc.hasher.dummy_verify(password)
    await svc.hasher.dummy_verify(password)
    if await svc.throttle.hit(key, UNKNOWN_LOGIN_LOCK) > MAX_FAILURES:
        raise locked(_now() + LOCK_TIME)
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
    """Count a wrong password under a row lock; the 11th in a row locks for an hour and
    turns the permanent password off until a temporary one is used."""
    async with in_transaction() as conn:
        credential = await Credential.select_for_update().using_db(conn).get(user_id=user.id)
        already_locked = bool(credential.locked_until and credential.locked_until > _now())
        if not already_locked:
            credential.failed_attempts += 1
            if credential.failed_attempts > MAX_FAILURES:
                credential.failed_attempts = 0
                credential.locked_until = _now() + LOCK_TIME
                credential.permanent_disabled = True
            await credential.save(using_db=conn)
    # raised after the commit: an exception inside the block would roll the lock back
    if credential.locked_until and credential.locked_until > _now():
        raise locked(credential.locked_until)
