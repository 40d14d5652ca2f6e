"""Setting a permanent password (after a temporary one) and changing it."""

from __future__ import annotations

from datetime import UTC, datetime

from auth.login import record_failure
from auth.lookup import login_of
from auth.passwords import check_password_policy
from auth.services import AuthServices
from auth.sessions import revoke_others
from models import Credential, Session, User
from models.errors import DomainError, ErrorCode


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
    user = session.user  # type: ignore[attr-defined]
    check_password_policy(password, repeat, await user_inputs(user))
    await _store(user, await svc.hasher.hash(password))
    await Session.filter(id=session.id).update(must_set_password=False)
    session.must_set_password = False
    await revoke_others(user.id, session.id, "password_set")
    return session


async def change_password(
    session: Session, old: str, new: str, repeat: str, svc: AuthServices
) -> Session:
    user = session.user  # type: ignore[attr-defined]
    credential, _ = await Credential.get_or_create(user=user)
    current = None if credential.permanent_disabled else credential.password_hash
    if not await svc.hasher.verify(current, old[:1024]):
        await record_failure(user)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, field=["oldPassword"])
    check_password_policy(new, repeat, [*await user_inputs(user), old], field="newPassword")
    await _store(user, await svc.hasher.hash(new))
    await revoke_others(user.id, session.id, "password_changed")
    return session


async def _store(user: User, password_hash: str) -> None:
    credential, _ = await Credential.get_or_create(user=user)
    credential.password_hash = password_hash
    credential.permanent_disabled = False
    credential.failed_attempts = 0
    credential.locked_until = None
    credential.password_changed_at = datetime.now(UTC)
    await credential.save()
