"""grantLineAccess, respondToGrant, revokeLineAccess, setLineUserAccess, setMobileNetworkAccess."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.lookup import find_user, login_key
from auth.policy import AccountData, Capability, may_revoke, sees_grantee
from auth.throttle import GRANTS_PER_HOUR, enforce
from models import AccessLevel, Grant, MobileNetworkAccess, Session, User
from models.access import grants
from models.access.audit import Actor
from models.errors import DomainError, ErrorCode
from resolvers.access import requires
from resolvers.access.lines import LineView, access_loader, line_for_mutation
from resolvers.guard import require_session

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


def actor_of(session: Session) -> Actor:
    return Actor(user_id=session.user_id, session_id=session.id)


@requires(Capability.MANAGE_ACCESS)
async def resolve_grant_line_access(
    info: Info[Context, None], need: Capability, msisdn: str, grantee: str, level: AccessLevel
) -> Grant:
    """An invitation the grantee accepts; for a login nobody has, one nobody can accept."""
    line, _, session = await line_for_mutation(info, msisdn, need)
    await enforce(info.context.services.throttle, GRANTS_PER_HOUR.of(str(session.user_id)))
    try:
        key = login_key(grantee)
    except DomainError:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_login", field=["grantee"]) from None
    invitee = grants.Invitee(login=grantee.strip(), key=key, person=await find_user(key))
    return await grants.invite(line, invitee, level, actor_of(session))


async def resolve_respond_to_grant(
    info: Info[Context, None], grant_id: int | None, accept: bool
) -> Grant:
    """The grantee answers an invitation: taking on access to someone's number is an
    account-wide change, which a LIMITED session may not make."""
    session = await require_session(info, changes=AccountData.INVITATIONS)
    return await grants.respond(grant_id or 0, session.user_id, accept, actor_of(session))


async def resolve_grantee(info: Info[Context, None], row: Grant) -> User | None:
    """Who holds a grant, by name: see auth.policy.sees_grantee."""
    session = await info.context.current_session()
    viewer_id = session.user_id if session is not None else None
    if row.grantee_id is None or not sees_grantee(row.status, row.grantee_id, viewer_id):
        return None
    return await info.context.loaders.user_by_id.load(row.grantee_id)


async def resolve_granted_by(info: Info[Context, None], row: Grant) -> User | None:
    """Who offered it: what the grantee needs to decide, and the holder knows anyway."""
    if row.granted_by_id is None:
        return None
    return await info.context.loaders.user_by_id.load(row.granted_by_id)


@requires(Capability.MANAGE_ACCESS)
async def resolve_revoke_line_access(
    info: Info[Context, None], need: Capability, grant_id: int | None
) -> Grant:
    """The owner revokes a grant; the grantee may also give up their own."""
    session, loader = await access_loader(info)
    row = await Grant.get_or_none(id=grant_id or 0, revoked_at__isnull=True)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=["grantId"])
    access = await loader.load(row.line_id)
    own_grant = row.grantee_id == session.user_id
    # a refusal answers exactly like a grant that never existed (see may_revoke)
    if not may_revoke(access, own_grant, need):
        raise DomainError(ErrorCode.NOT_FOUND, field=["grantId"])
    return await grants.revoke(row, actor_of(session))


@requires(Capability.MANAGE_ACCESS)
async def resolve_set_line_user_access(
    info: Info[Context, None], need: Capability, msisdn: str, level: AccessLevel
) -> LineView:
    line, access, session = await line_for_mutation(info, msisdn, need)
    updated = await grants.set_user_level(line, level, actor_of(session))
    return LineView(updated, access, info.context.loaders)


@requires(Capability.MANAGE_ACCESS)
async def resolve_set_line_user_login(
    info: Info[Context, None], need: Capability, msisdn: str, enabled: bool
) -> LineView:
    line, access, session = await line_for_mutation(info, msisdn, need)
    updated = await grants.set_user_login(line, enabled, actor_of(session))
    return LineView(updated, access, info.context.loaders)


@requires(Capability.MANAGE_ACCESS)
async def resolve_set_mobile_network_access(
    info: Info[Context, None], need: Capability, msisdn: str, level: MobileNetworkAccess
) -> MobileNetworkAccess:
    line, _, session = await line_for_mutation(info, msisdn, need)
    updated = await grants.set_network_access(line, level, actor_of(session))
    return MobileNetworkAccess(updated.mobile_network_access)
