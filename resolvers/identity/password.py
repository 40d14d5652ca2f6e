"""requestPassword, setPassword, changePassword."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.password_change import change_password, set_password
from auth.policy import AccountData
from auth.temporary import request_password
from models import Session
from resolvers.guard import require_session

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_request_password(info: Info[Context, None], login: str) -> None:
    # the SMS follows the request's language: people ask for their own password
    ctx = info.context
    await request_password(login, ctx.client.ip, ctx.services, language=ctx.language)


async def resolve_set_password(info: Info[Context, None], password: str, repeat: str) -> Session:
    session = await require_session(info, password_change=True)
    return await set_password(session, password, repeat, info.context.services)


async def resolve_change_password(
    info: Info[Context, None], old: str, new: str, repeat: str
) -> Session:
    session = await require_session(info, changes=AccountData.PASSWORD)
    context = info.context
    return await change_password(session, old, new, repeat, context.client, context.services)
