"""Sessions: opened by a login, rotated by refresh, revoked by logout, password change or reuse.

Every request with an access token reads its session row (by primary key, once per
request), so a revoked session is refused on its very next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from auth.tokens import (
    REFRESH_TTL,
    AccessTokens,
    TokenError,
    hash_refresh_token,
    new_refresh_token,
)
from models import AuthMethod, RefreshToken, Session, User
from models.access import AccessLevel
from models.compiled import Compiled
from models.errors import DomainError, ErrorCode
from models.line import login_disabled

LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ClientInfo:
    user_agent: str
    ip: str | None


@dataclass
class IssuedSession:
    session: Session
    access_token: str
    refresh_token: str


def now() -> datetime:
    return datetime.now(UTC)


async def open_session(
    user: User,
    method: AuthMethod,
    client: ClientInfo,
    tokens: AccessTokens,
    *,
    cap: AccessLevel = AccessLevel.FULL,
    must_set_password: bool = False,
    network_msisdn: str | None = None,
    device_name: str | None = None,
) -> IssuedSession:
    # every way in (password, temporary password, mobile network, social) opens here
    if await login_disabled(user.id):
        raise DomainError(ErrorCode.LOGIN_DISABLED, "login_disabled")
    token, token_hash = new_refresh_token()
    async with in_transaction():
        session = await Session.create(
            user=user,
            auth_method=method,
            access_cap=cap,
            must_set_password=must_set_password,
            network_msisdn=network_msisdn,
            user_agent=client.user_agent[:300],
            device_name=device_name,
            client_ip=client.ip,
            last_seen_at=now(),
            expires_at=now() + timedelta(seconds=REFRESH_TTL),
        )
        await RefreshToken.create(
            session=session, token_hash=token_hash, expires_at=session.expires_at
        )
    return IssuedSession(session, tokens.issue(session.id, user.id), token)


async def rotate(refresh_token: str, tokens: AccessTokens) -> IssuedSession:
    """Spend a refresh token for a new pair. A spent token presented again is theft or a
    replay: the whole session is revoked (RFC 6819 5.2.2.3)."""
    if not refresh_token or len(refresh_token) > 200:
        raise DomainError(ErrorCode.UNAUTHENTICATED, field=["refreshToken"])
    record = await RefreshToken.get_or_none(
        token_hash=hash_refresh_token(refresh_token)
    ).select_related("session")
    if record is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, field=["refreshToken"])
    session = record.session
    if session.revoked_at is not None:
        raise DomainError(ErrorCode.SESSION_REVOKED)
    if record.used_at is not None:
        await revoke(session, "refresh_reuse")
        raise DomainError(ErrorCode.SESSION_REVOKED)
    if record.expires_at <= now():
        raise DomainError(ErrorCode.UNAUTHENTICATED, "session_expired")
    token, token_hash = new_refresh_token()
    async with in_transaction():
        # the conditional UPDATE makes the spend atomic: of two racing refreshes one wins
        spent = await RefreshToken.filter(id=record.id, used_at__isnull=True).update(used_at=now())
        if spent:
            await RefreshToken.create(
                session_id=session.id, token_hash=token_hash, expires_at=session.expires_at
            )
    if not spent:
        await revoke(session, "refresh_reuse")
        raise DomainError(ErrorCode.SESSION_REVOKED)
    return IssuedSession(session, tokens.issue(session.id, session.user_id), token)


# adding a way to log in (a provider account) needs a login this recent: a stolen session
# kept alive by refreshing cannot bind its thief's account, which would outlive the
# victim's password change and the revocation of every session
RECENT_LOGIN = timedelta(minutes=15)


def require_recent_login(session: Session) -> None:
    if session.created_at < now() - RECENT_LOGIN:
        raise DomainError(ErrorCode.FORBIDDEN, "recent_login_required")


async def revoke(session: Session, reason: str) -> None:
    await Session.filter(id=session.id, revoked_at__isnull=True).update(
        revoked_at=now(), revoke_reason=reason
    )
    session.revoked_at = session.revoked_at or now()


async def revoke_others(user_id: int, keep: uuid.UUID, reason: str) -> int:
    return (
        await Session.filter(user_id=user_id, revoked_at__isnull=True)
        .exclude(id=keep)
        .update(revoked_at=now(), revoke_reason=reason)
    )


# every authenticated request reads its session: compiled once (models.compiled); the
# id is bound as text on both databases
_SESSION = Compiled(
    Session,
    lambda session_id: Session.filter(id=session_id).select_related("user"),
    lambda session_id: [str(session_id)],
)


async def authenticate(access_token: str, tokens: AccessTokens) -> Session:
    """The live session an access token names, or UNAUTHENTICATED / SESSION_REVOKED."""
    try:
        claims = tokens.verify(access_token)
    except TokenError:
        raise DomainError(ErrorCode.UNAUTHENTICATED) from None
    found = await _SESSION.run(claims.session_id)
    session = found[0] if found else None
    if session is None or session.user_id != claims.user_id:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if session.revoked_at is not None:
        raise DomainError(ErrorCode.SESSION_REVOKED)
    if session.expires_at <= now():
        raise DomainError(ErrorCode.UNAUTHENTICATED, "session_expired")
    if session.last_seen_at is None or now() - session.last_seen_at > LAST_SEEN_RESOLUTION:
        # written at most once a minute: a busy client does not turn reads into writes
        session.last_seen_at = now()
        await Session.filter(id=session.id).update(last_seen_at=session.last_seen_at)
    return session
