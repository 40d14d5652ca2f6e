"""One person's account-wide access overview: contracts held, grants given and received,
and the number they want shown first. Callers decide whether the session may see it."""

from __future__ import annotations

from models.access import Grant, GrantStatus, PrimaryLine
from models.compiled import Compiled
from models.contract import Contract


async def contracts_held(holder_id: int) -> list[Contract]:
    """The person's contracts, oldest first."""
    return list(await Contract.filter(holder_id=holder_id).order_by("id"))


async def grants_given(holder_id: int) -> list[Grant]:
    """Live grants and invitations (pending or declined) on lines of the person's
    contracts, newest first; whoever granted them, since the holder answers for every
    line they hold."""
    return list(
        await Grant.filter(
            line__contract__holder_id=holder_id,
            revoked_at__isnull=True,
        ).order_by("-created_at")
    )


async def grants_received(grantee_id: int) -> list[Grant]:
    """Grants others gave the person and invitations waiting for their answer, newest
    first (an invitation they declined is no longer theirs to see)."""
    return list(
        await Grant.filter(
            grantee_id=grantee_id,
            revoked_at__isnull=True,
            status__in=(GrantStatus.PENDING, GrantStatus.ACTIVE),
        ).order_by("-created_at")
    )


# read on every page of lines: compiled once (models.compiled)
_PRIMARY = Compiled(
    PrimaryLine, lambda user_id: PrimaryLine.filter(user_id=user_id), lambda user_id: [user_id]
)


async def primary_line_id(user_id: int) -> int | None:
    """The line the person chose to see first, if any (one per person: unique user)."""
    found = await _PRIMARY.run(user_id)
    return found[0].line_id if found else None


async def set_primary_line(user_id: int, line_id: int) -> None:
    """Choose the line shown first; one choice per person, a new one replaces the old.

    Callers check the person can see the line: the choice itself carries no access.
    """
    await PrimaryLine.update_or_create(defaults={"line_id": line_id}, user_id=user_id)
