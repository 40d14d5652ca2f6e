"""Autopays: line.autopays, setAutopay, removeAutopay."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from auth.policy import AccountData, Capability, may_use_account
from models.autopay import Autopay, AutopayMode, check_terms, set_autopay, stop
from models.card import Card, own_card
from models.errors import DomainError, ErrorCode
from models.money import to_kopecks
from resolvers.access import requires
from resolvers.access.lines import LineView, access_loader, line_for_mutation
from resolvers.card import card_shown

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_autopays(info: Info[Context, None], line: LineView) -> list[Autopay]:
    """Active autopays of the line, whoever pays; MANAGE_LINE was checked by the field."""
    return await info.context.loaders.autopays_by_line_id.load(line.row.id)


@requires(Capability.MANAGE_LINE)
async def resolve_set_autopay(
    info: Info[Context, None],
    need: Capability,
    msisdn: str,
    card_id: int | None,
    mode: AutopayMode,
    amount: Decimal,
    threshold: Decimal | None,
    day_of_month: int | None,
    monthly_limit: Decimal | None,
) -> Autopay:
    """Pay for the line from your own bound card; needs a FULL session, as paying by a
    bound card does."""
    line, _, session = await line_for_mutation(info, msisdn, need)
    if not may_use_account(session.access_cap, AccountData.CARDS):
        raise DomainError(ErrorCode.FORBIDDEN, "needs_full_session", field=["cardId"])
    terms = (
        to_kopecks(amount),
        to_kopecks(threshold, field="threshold") if threshold is not None else None,
        day_of_month,
        to_kopecks(monthly_limit, field="monthlyLimit") if monthly_limit is not None else None,
    )
    check_terms(mode, *terms)
    card: Card = await own_card(session.user_id, card_id)
    return await set_autopay(line.id, session.user_id, card, mode, *terms)


@requires(Capability.MANAGE_LINE)
async def resolve_remove_autopay(
    info: Info[Context, None], need: Capability, autopay_id: int | None
) -> Autopay:
    """Whoever manages the line may stop it, and its payer always may; to anyone else
    it answers like an autopay that does not exist."""
    session, loader = await access_loader(info)
    autopay = await Autopay.get_or_none(id=autopay_id or 0, active=True)
    if autopay is None:
        raise DomainError(ErrorCode.NOT_FOUND, "autopay_not_found", field=["autopayId"])
    access = await loader.load(autopay.line_id)
    if autopay.owner_id != session.user_id and not access.allows(need):
        raise DomainError(ErrorCode.NOT_FOUND, "autopay_not_found", field=["autopayId"])
    await stop(autopay.id, "removed")
    autopay.active = False
    return autopay


async def resolve_autopay_card(info: Info[Context, None], autopay: Autopay) -> Card | None:
    return await card_shown(info, autopay.owner_id, autopay.card_id)


async def resolve_autopay_nodes(
    info: Info[Context, None], ids: list[int | None]
) -> list[Autopay | None]:
    """Autopays by id: their payer's, or any of a line the viewer may manage."""
    if await info.context.current_session() is None:
        return [None] * len(ids)
    session, loader = await access_loader(info)
    rows = {a.id: a for a in await Autopay.filter(id__in=[i for i in ids if i is not None])}
    line_ids = sorted({a.line_id for a in rows.values()})
    access = dict(zip(line_ids, await loader.load_many(line_ids), strict=True))

    def visible(autopay: Autopay) -> bool:
        return autopay.owner_id == session.user_id or access[autopay.line_id].allows(
            Capability.MANAGE_LINE
        )

    return [rows[i] if i in rows and visible(rows[i]) else None for i in ids]
