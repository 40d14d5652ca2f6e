"""Granting, revoking and levelling access to a line. Callers check MANAGE_ACCESS first."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models.access import AccessLevel, AuditAction, Grant, MobileNetworkAccess
from models.access.audit import Actor, record
from models.errors import DomainError, ErrorCode
from models.identity import AuthMethod, Session
from models.line import Line
from models.person import User


async def grant(line: Line, grantee: User, level: AccessLevel, actor: Actor) -> Grant:
    """Give `grantee` access at `level`, or change the level of the grant they have.

    The holder already owns the line and the line's own user has their own level, so
    neither can be a delegate of it.
    """
    holder_id = line.contract.holder_id
    if grantee.id in (holder_id, line.user_id):
        raise DomainError(ErrorCode.INVALID_INPUT, "grantee_has_access", field=["grantee"])
    async with in_transaction() as conn:
        # locking the line serialises every grant on it: no two active grants per person
        await Line.filter(id=line.id).using_db(conn).select_for_update().first()
        existing = (
            await Grant.filter(line_id=line.id, grantee_id=grantee.id, revoked_at__isnull=True)
            .using_db(conn)
            .select_for_update()
            .first()
        )
        if existing is not None:
            if existing.level != level:
                before = existing.level
                existing.level = level
                await existing.save(using_db=conn, update_fields=["level"])
                details = {"grantee": grantee.id, "from": before, "to": level}
                await record(line.id, actor, AuditAction.LEVEL_CHANGE, details, using_db=conn)
            return existing
        created = await Grant.create(
            line_id=line.id,
            grantee_id=grantee.id,
            level=level,
            granted_by_id=actor.user_id,
            using_db=conn,
        )
        details = {"grantee": grantee.id, "level": level, "grant": created.id}
        await record(line.id, actor, AuditAction.GRANT, details, using_db=conn)
    return created


async def revoke(grant_row: Grant, actor: Actor) -> Grant:
    async with in_transaction() as conn:
        revoked = (
            await Grant.filter(id=grant_row.id, revoked_at__isnull=True)
            .using_db(conn)
            .update(revoked_at=datetime.now(UTC))
        )
        if not revoked:
            raise DomainError(ErrorCode.NOT_FOUND, field=["grantId"])
        details = {"grantee": grant_row.grantee_id, "grant": grant_row.id}
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
