"""The viewer's access overview: contracts, grants given and received, primary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.policy import AccountData, Capability
from models import Contract, Grant
from models.access import viewer
from resolvers.access import requires
from resolvers.access.lines import LineView, line_for_mutation
from resolvers.guard import require_session, sees_account

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_contracts(info: Info[Context, None]) -> list[Contract]:
    session = await require_session(info)
    if not await sees_account(info, AccountData.CONTRACTS):
        return []
    return await viewer.contracts_held(session.user_id)


async def resolve_grants_given(info: Info[Context, None]) -> list[Grant]:
    """Active grants on lines the viewer holds (what they handed out)."""
    session = await require_session(info)
    if not await sees_account(info, AccountData.GRANTS_GIVEN):
        return []
    return await viewer.grants_given(session.user_id)


async def resolve_grants_received(info: Info[Context, None]) -> list[Grant]:
    session = await require_session(info)
    return await viewer.grants_received(session.user_id)


@requires(Capability.VIEW_SUMMARY)
async def resolve_set_primary_line(
    info: Info[Context, None], need: Capability, msisdn: str
) -> LineView:
    """Any line the viewer can see may be the one shown first."""
    line, access, session = await line_for_mutation(info, msisdn, need)
    await viewer.set_primary_line(session.user_id, line.id)
    return LineView(line, access, info.context.loaders)
