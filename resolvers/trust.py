"""The trust payment: line.trustPayment and takeTrustPayment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.policy import Capability
from models.payment import check_client_key
from models.request import LineRequest
from models.trust import TrustOffer, take
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import LineView, line_for_mutation, reloaded

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_offer(info: Info[Context, None], line: LineView) -> TrustOffer:
    """TRUST_PAYMENT was checked by the field."""
    return await info.context.loaders.trust_offer_by_line_id.load(line.row.id)


@requires(Capability.TRUST_PAYMENT)
async def resolve_take_trust_payment(
    info: Info[Context, None], need: Capability, msisdn: str, idempotency_key: str
) -> tuple[LineView, LineRequest]:
    line, access, session = await line_for_mutation(info, msisdn, need)
    _, request = await take(line, actor_of(session), check_client_key(idempotency_key))
    return await reloaded(info, line, access), request
