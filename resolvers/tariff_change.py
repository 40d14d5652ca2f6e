"""line.tariffChangePreview and changeTariff: a signed quote, then the change at it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from auth.policy import Capability
from models import Tariff
from models.errors import DomainError, ErrorCode
from models.request import LineRequest
from models.tariff_change import Quote, change, quote
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import LineView, line_for_mutation

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_preview(
    info: Info[Context, None], line: LineView, tariff_id: int | None
) -> tuple[Quote, str | None] | None:
    """The quote and its token (none when the change is not allowed); an unknown tariff
    is null. CHANGE_TARIFF was checked by the field."""
    tariff = await Tariff.get_or_none(id=tariff_id or 0)
    if tariff is None:
        return None
    found = await quote(line.row, tariff)
    token = info.context.services.quotes.sign(found.claims()) if found.allowed else None
    return found, token


@requires(Capability.CHANGE_TARIFF)
async def resolve_change_tariff(
    info: Info[Context, None], need: Capability, msisdn: str, tariff_id: int | None, token: str
) -> tuple[LineView, LineRequest]:
    line, access, session = await line_for_mutation(info, msisdn, need)
    claims = info.context.services.quotes.verify(token)
    if claims is None or claims.get("line") != line.id or claims.get("to") != tariff_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_preview_token", field=["previewToken"])
    if int(claims["exp"]) <= int(datetime.now(UTC).timestamp()):
        raise DomainError(ErrorCode.PRICE_CHANGED, "price_changed", field=["previewToken"])
    changed, request = await change(line.id, tariff_id or 0, claims, actor_of(session))
    changed.contract = line.contract
    return LineView(changed, access, info.context.loaders), request
