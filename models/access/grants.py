"""Inviting to, answering, revoking and levelling access to a line.

Callers check MANAGE_ACCESS first, except for `respond`, which only the grantee may call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.access import AccessLevel, AuditAction, Grant, GrantStatus, MobileNetworkAccess
from models.access.audit import Actor, record
from models.errors import DomainError, ErrorCode
from models.identity import AuthMethod, Session
from models.line import Line
from models.person import User


@dataclass(frozen=True)
class Invitee:
    """Whom an owner invites: the login as typed, its canonical key, and the person it
    names (None when nobody has that login: the invitation is then a decoy)."""

    login: str
    key: str
    person: User | None


def _who(row: Grant) -> dict[str, Any]:
    """How the audit log names a grant's grantee: by name only once they accepted (or
    asked themselves); until then by the login the owner typed, which is all they know."""
    if row.status is GrantStatus.ACTIVE and row.grantee_id is not None:
        return {"grantee": row.grantee_id}
    return {"login": row.invited_login}


async def _lock_line(line_id: int, conn: BaseDBAsyncClient) -> None:
    # locking the line serialises every grant on it: one live grant per person and login
    await Line.filter(id=line_id).using_db(conn).select_for_update().first()


async def invite(line: Line, invitee: Invitee, level: AccessLevel, actor: Actor) -> Grant:
    """Offer `invitee` access at `level`, or change the level of what they hold or were
    offered. The offer gives nothing until they accept it (`respond`).

    A login nobody has gets a decoy invitation shaped like a real one: the owner learns
    neither that the login exists nor whose it is. The holder already owns the line and
    the line's own user has their own level, so neither can be a delegate of it (the
    owner knows both, so saying so tells them nothing).
    """
    person = invitee.person
    if person is not None and person.id in (line.contract.holder_id, line.user_id):
        raise DomainError(ErrorCode.INVALID_INPUT, "grantee_has_access", field=["grantee"])
    async with in_transaction() as conn:
        await _lock_line(line.id, conn)
        existing = await _offered(line.id, invitee, conn)
        if existing is None:
            created = await Grant.create(
                line_id=line.id,
                grantee_id=person.id if person is not None else None,
                level=level,
                status=GrantStatus.PENDING,
                invited_login=invitee.login,
                invited_key=invitee.key,
                granted_by_id=actor.user_id,
                using_db=conn,
            )
            details = {"login": invitee.login, "level": level, "grant": created.id}
            await record(line.id, actor, AuditAction.GRANT, details, using_db=conn)
            return created
        # a declined offer stays declined: the owner removes it before offering again
        if existing.status is not GrantStatus.DECLINED and existing.level != level:
            before = existing.level
            existing.level = level
            await existing.save(using_db=conn, update_fields=["level"])
            details = {**_who(existing), "from": before, "to": level, "grant": existing.id}
            await record(line.id, actor, AuditAction.LEVEL_CHANGE, details, using_db=conn)
        return existing


async def _offered(line_id: int, invitee: Invitee, conn: BaseDBAsyncClient) -> Grant | None:
    """The live grant an invitation changes: the access the person holds, else the offer
    made earlier to the same login (so another login of the same person is a new offer,
    and says nothing about whose it is)."""
    live = Grant.filter(line_id=line_id, revoked_at__isnull=True).using_db(conn)
    if invitee.person is not None:
        held = await live.filter(grantee_id=invitee.person.id, status=GrantStatus.ACTIVE).first()
        if held is not None:
            return held
    return (
        await live.filter(invited_key=invitee.key)
        .exclude(status=GrantStatus.ACTIVE)
        .select_for_update()
        .first()
    )


async def respond(grant_id: int, grantee_id: int, accept: bool, actor: Actor) -> Grant:
    """The grantee accepts or declines an invitation. Anything but their own pending
    invitation is NOT_FOUND, and only one answer wins a race."""
    row = await Grant.get_or_none(
        id=grant_id, grantee_id=grantee_id, status=GrantStatus.PENDING, revoked_at__isnull=True
    )
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=["grantId"])
    now = datetime.now(UTC)
    status = GrantStatus.ACTIVE if accept else GrantStatus.DECLINED
    async with in_transaction() as conn:
        await _lock_line(row.line_id, conn)
        answered = (
            await Grant.filter(id=row.id, status=GrantStatus.PENDING, revoked_at__isnull=True)
            .using_db(conn)
            .update(status=status, responded_at=now)
        )
        if not answered:
            raise DomainError(ErrorCode.NOT_FOUND, field=["grantId"])
        row.status, row.responded_at = status, now
        if accept:
            # one grant per person and line: the offer accepted replaces what they held
            # and any other offer to another of their logins
            await (
                Grant.filter(line_id=row.line_id, grantee_id=grantee_id, revoked_at__isnull=True)
                .exclude(id=row.id)
                .using_db(conn)
                .update(revoked_at=now)
            )
            details = {"grantee": grantee_id, "level": row.level, "grant": row.id}
            await record(row.line_id, actor, AuditAction.GRANT_ACCEPTED, details, using_db=conn)
        else:
            # no actor either: a "no" must not tell the owner whose login it was
            details = {"login": row.invited_login, "grant": row.id}
            await record(
                row.line_id, Actor(None), AuditAction.GRANT_DECLINED, details, using_db=conn
            )
    return row


async def revoke(grant_row: Grant, actor: Actor) -> Grant:
    """The owner takes a grant back or withdraws an offer; the grantee gives theirs up."""
    async with in_transaction() as conn:
        revoked = (
            await Grant.filter(id=grant_row.id, revoked_at__isnull=True)
            .using_db(conn)
            .update(revoked_at=datetime.now(UTC))
        )
        if not revoked:
            raise DomainError(ErrorCode.NOT_FOUND, field=["grantId"])
        details = {**_who(grant_row), "grant": grant_row.id}
        await record(grant_row.line_id, actor, AuditAction.REVOKE, details, using_db=conn)
    grant_row.revoked_at = datetime.now(UTC)
    return grant_row


async def set_user_level(line: Line, level: AccessLevel, actor: Actor) -> Line:
    """The holder sets what the line's own user (a child) may do."""
    if line.user_id is None or line.user_id == line.contract.holder_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "line_has_no_user", field=["msisdn"])
    if line.user_level != level:
        async with in_transaction() as conn:
            before = line.user_level
            line.user_level = level
            await line.save(using_db=conn, update_fields=["user_level"])
            details = {"user": line.user_id, "from": before, "to": level}
            await record(line.id, actor, AuditAction.USER_LEVEL_CHANGE, details, using_db=conn)
    return line


async def set_user_login(line: Line, enabled: bool, actor: Actor) -> Line:
    """The holder switches the line's own user's login off (a child's) or on again. Off
    ends every session of that person at once; their right password then answers
    LOGIN_DISABLED (auth.sessions.open_session)."""
    if line.user_id is None or line.user_id == line.contract.holder_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "line_has_no_user", field=["msisdn"])
    if line.user_login_enabled != enabled:
        async with in_transaction() as conn:
            line.user_login_enabled = enabled
            await line.save(using_db=conn, update_fields=["user_login_enabled"])
            if not enabled:
                await (
                    Session.filter(user_id=line.user_id, revoked_at__isnull=True)
                    .using_db(conn)
                    .update(revoked_at=datetime.now(UTC), revoke_reason="login_disabled")
                )
            details = {"user": line.user_id, "enabled": enabled}
            await record(line.id, actor, AuditAction.USER_LOGIN_CHANGE, details, using_db=conn)
    return line


async def set_network_access(line: Line, level: MobileNetworkAccess, actor: Actor) -> Line:
    """The owner's choice for logins by this number's network header. It holds for the
    sessions already open too, from their next request: DISABLED ends them, a level
    becomes their cap."""
    if line.mobile_network_access != level:
        async with in_transaction() as conn:
            before = line.mobile_network_access
            line.mobile_network_access = level
            await line.save(using_db=conn, update_fields=["mobile_network_access"])
            opened = Session.filter(
                auth_method=AuthMethod.MOBILE_NETWORK,
                network_msisdn=line.msisdn,
                revoked_at__isnull=True,
            ).using_db(conn)
            if level == MobileNetworkAccess.DISABLED:
                now = datetime.now(UTC)
                await opened.update(revoked_at=now, revoke_reason="network_access_disabled")
            else:
                await opened.update(access_cap=AccessLevel(level.value))
            details = {"from": before, "to": level}
            await record(line.id, actor, AuditAction.NETWORK_ACCESS_CHANGE, details, using_db=conn)
    return line
