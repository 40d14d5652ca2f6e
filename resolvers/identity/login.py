"""login, refreshSession, loginWithMobileNetwork, logout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.login import password_login
from auth.network import network_login
from auth.sessions import IssuedSession, revoke, rotate
from resolvers.guard import require_session

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_login(info: Info[Context, None], login: str, password: str) -> IssuedSession:
    ctx = info.context
    return await password_login(login, password, ctx.client, ctx.services)


async def resolve_refresh_session(info: Info[Context, None], refresh_token: str) -> IssuedSession:
    return await rotate(refresh_token, info.context.services.tokens)


async def resolve_login_with_mobile_network(
    info: Info[Context, None], device_name: str | None = None
) -> IssuedSession:
    ctx = info.context
    return await network_login(
        list(ctx.network_msisdns),
        ctx.peer_trusted,
        ctx.client,
        ctx.services,
        device_name=device_name,
    )


async def resolve_logout(info: Info[Context, None]) -> None:
    session = await require_session(info, password_change=True)
    await revoke(session, "logout")
    info.context.forget_session()
