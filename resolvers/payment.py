"""Top-ups by card, a line's payments, and a payment by its global id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from tortoise.expressions import Q

from auth.policy import AccountData, Capability, may_use_account
from jobs.payments import submit
from models.card import Card, own_card
from models.errors import DomainError, ErrorCode
from models.payment import (
    Payment,
    PaymentPurpose,
    PaymentStatus,
    check_client_key,
    open_payment,
    top_up_amount,
)
from resolvers.access import requires
from resolvers.access.lines import LineView, access_loader, line_for_mutation
from resolvers.card import allowed_return_url, card_shown
from resolvers.filters import period_q
from resolvers.line import line_history
from resolvers.loaders import PAYMENT_ORDER
from resolvers.pagination import Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


@dataclass(frozen=True)
class PaymentFilter:
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[PaymentStatus] | None = None

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None and not self.statuses


@requires(Capability.TOP_UP)
async def resolve_top_up(
    info: Info[Context, None],
    need: Capability,
    msisdn: str,
    amount: Decimal,
    card_id: int | None,
    card_given: bool,
    return_url: str | None,
    idempotency_key: str,
) -> Payment:
    """Pay by a bound card at once, or answer the acquirer's page for a card typed in
    the browser. The line is credited when the acquirer says the payment succeeded."""
    line, _, session = await line_for_mutation(info, msisdn, need)
    kopecks = top_up_amount(amount)
    key = check_client_key(idempotency_key)
    card: Card | None = None
    if card_given:
        # a bound card pays without anything typed: not for a LIMITED session, which
        # anyone holding the phone may have
        if not may_use_account(session.access_cap, AccountData.CARDS):
            raise DomainError(ErrorCode.FORBIDDEN, "needs_full_session", field=["cardId"])
        card = await own_card(session.user_id, card_id)
        url = None
    else:
        url = allowed_return_url(info, return_url)
    payment = await open_payment(
        session.user_id,
        key,
        PaymentPurpose.TOP_UP,
        kopecks,
        line_id=line.id,
        card_id=card.id if card else None,
        return_url=url,
    )
    payment = await submit(info.context.services, payment)
    if payment.status is PaymentStatus.FAILED:
        raise DomainError(
            ErrorCode.PAYMENT_DECLINED,
            "payment_declined",
            field=["cardId"] if card else None,
            reason=payment.failure_code,
            payment=payment,
        )
    if payment.status is PaymentStatus.PENDING and payment.acquirer_id is None:
        # written, not yet taken by the acquirer: the schedule sends it, or a retry
        # with the same key does
        raise DomainError(ErrorCode.NOT_AVAILABLE, "payments_unavailable", payment=payment)
    return payment


def confirmation_url(payment: Payment) -> str | None:
    if payment.status is PaymentStatus.REQUIRES_ACTION:
        return payment.confirmation_url
    return None


async def resolve_payments(
    info: Info[Context, None], line: LineView, payment_filter: PaymentFilter, args: PageArgs
) -> Page[Payment]:
    """The line's top-ups, newest first; VIEW_USAGE was checked by the field. The
    unfiltered first page comes through the loader that reads it for every line."""
    loaders = info.context.loaders
    if payment_filter.empty:
        pages, counts = loaders.payment_page_by_line_id, loaders.payment_count_by_line_id
        return await line_history(line.row, args, Payment, PAYMENT_ORDER, pages, counts)
    query = Q(line_id=line.row.id) & period_q(payment_filter.start, payment_filter.end)
    if payment_filter.statuses:
        query &= Q(status__in=payment_filter.statuses)
    return await paginate(Payment.filter(query), PAYMENT_ORDER, args)


async def resolve_payment_nodes(
    info: Info[Context, None], ids: list[int | None]
) -> list[Payment | None]:
    """Payments by id: the payer's own, or any of a line the viewer has VIEW_USAGE on."""
    session = await info.context.current_session()
    if session is None:
        return [None] * len(ids)
    _, loader = await access_loader(info)
    rows = {p.id: p for p in await Payment.filter(id__in=[i for i in ids if i is not None])}
    line_ids = sorted({p.line_id for p in rows.values() if p.line_id is not None})
    access = dict(zip(line_ids, await loader.load_many(line_ids), strict=True))

    def visible(payment: Payment) -> bool:
        if payment.payer_id == session.user_id:
            return True
        return payment.line_id is not None and access[payment.line_id].allows(Capability.VIEW_USAGE)

    return [rows[i] if i in rows and visible(rows[i]) else None for i in ids]


async def resolve_payment_card(info: Info[Context, None], payment: Payment) -> Card | None:
    return await card_shown(info, payment.payer_id, payment.card_id)
