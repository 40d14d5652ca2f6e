"""The viewer's access overview: contracts, grants given and received, primary line."""

from __future__ import annotations

from typing import Any

from auth.policy import Capability
from models import Contract, Grant, Line, PrimaryLine
from resolvers.access import number_scoped
from resolvers.access.lines import line_for_mutation
from resolvers.guard import is_full, require_session


async def resolve_contracts(info: Any) -> list[Contract]:
    session = await require_session(info)
    if not await is_full(info):
        return []
    return list(await Contract.filter(holder_id=session.user_id).order_by("id"))  # type: ignore[attr-defined]


async def resolve_grants_given(info: Any) -> list[Grant]:
    """Active grants on lines the viewer holds (what they handed out)."""
    session = await require_session(info)
    if not await is_full(info):
        return []
    return list(
        await Grant.filter(
            line__contract__holder_id=session.user_id,  # type: ignore[attr-defined]
            revoked_at__isnull=True,
        ).order_by("-created_at")
    )


async def resolve_grants_received(info: Any) -> list[Grant]:
    session = await require_session(info)
    return list(
        await Grant.filter(grantee_id=session.user_id, revoked_at__isnull=True).order_by(  # type: ignore[attr-defined]
            "-created_at"
        )
    )


@number_scoped("setPrimaryLine", Capability.VIEW_SUMMARY)
async def resolve_set_primary_line(info: Any, msisdn: str) -> Line:
    """Any line the viewer can see may be the one shown first."""
    line, _, session = await line_for_mutation(info, msisdn, "setPrimaryLine")
    await PrimaryLine.update_or_create(
        defaults={"line_id": line.id},
        user_id=session.user_id,  # type: ignore[attr-defined]
    )
    return line
