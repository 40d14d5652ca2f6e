"""Setting a permanent password (after a temporary one) and changing it."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from auth.login import locked, record_failure
from auth.lookup import login_of
from auth.passwords import check_password_policy
from auth.services import AuthServices
from auth.sessions import ClientInfo, revoke_others
from auth.throttle import LOGINS_PER_CLIENT, PASSWORD_CHANGES_PER_USER, client_key, enforce
from models import Credential, Session, User
from models.errors import DomainError, ErrorCode
from models.identity import locked_now


async def user_inputs(user: User) -> list[str]:
    """What zxcvbn must treat as guessable for this person: their own data."""
    login = await login_of(user)
    inputs = [login, login[-7:], login[-4:], user.alias or "", user.name]
    inputs += user.name.split()
    if user.birth_year:
        inputs.append(str(user.birth_year))
    return [i for i in inputs if i]


async def set_password(session: Session, password: str, repeat: str, svc: AuthServices) -> Session:
    """The first permanent password, right after a temporary-password login."""
    if not session.must_set_password:
        raise DomainError(ErrorCode.FORBIDDEN, "use_change_password")
    user = session.user
    check_password_policy(password, repeat, await user_inputs(user))
    password_hash = await svc.hasher.hash(password)
    async with in_transaction():
        # claimed in one conditional UPDATE: of two parallel submits, one sets the password
        # and the other is told to use changePassword, instead of silently overwriting it
        if not await Session.filter(id=session.id, must_set_password=True).update(
            must_set_password=False
        ):
            raise DomainError(ErrorCode.FORBIDDEN, "use_change_password")
        credential, _ = await Credential.get_or_create(user=user)
        await Credential.filter(id=credential.id).update(**_new_password(password_hash))
    session.must_set_password = False
    await revoke_others(user.id, session.id, "password_set")
    return session


async def change_password(
    session: Session, old: str, new: str, repeat: str, client: ClientInfo, svc: AuthServices
) -> Session:
    """Checking the old password is an argon2 verify: throttled per person and per
    address (with the logins), and never run while the password login is locked."""
    user = session.user
    await enforce(
        svc.throttle,
        PASSWORD_CHANGES_PER_USER.of(str(user.id)),
        LOGINS_PER_CLIENT.of(client_key(client.ip)),
    )
    credential, _ = await Credential.get_or_create(user=user)
    if locked_now(credential.locked_until):
        raise locked(credential.locked_until)
    current = None if credential.permanent_disabled else credential.password_hash
    if not await svc.hasher.verify(current, old[:1024]):
        await record_failure(user)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, field=["oldPassword"])
    check_password_policy(new, repeat, [*await user_inputs(user), old], field="newPassword")
    new_hash = await svc.hasher.hash(new)
    # stored only over the password that was checked: if a parallel change got there
    # first, the old password given here is no longer the current one
    replaced = await Credential.filter(
        id=credential.id, password_hash=current, permanent_disabled=False
    ).update(**_new_password(new_hash))
    if not replaced:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, field=["oldPassword"])
    await revoke_others(user.id, session.id, "password_changed")
    return session


def _new_password(password_hash: str) -> dict[str, object]:
    """A new permanent password also ends any lockout and turns the password back on."""
    return {
        "password_hash": password_hash,
        "permanent_disabled": False,
        "failed_attempts": 0,
        "locked_until": None,
        "password_changed_at": datetime.now(UTC),
    }
