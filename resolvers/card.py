"""A person's bound cards: the list, binding one through the acquirer, unbinding."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from auth.policy import AccountData, may_use_account
from jobs.payments import submit
from models.autopay import stop_for_card
from models.card import Card, cards_of, make_default, remove_card
from models.errors import DomainError, ErrorCode
from models.payment import BINDING_AMOUNT, Payment, PaymentPurpose, PaymentStatus, open_payment
from resolvers.guard import require_session, sees_account

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


def allowed_return_url(info: Info[Context, None], url: str | None, field: str = "returnUrl") -> str:
    """A return URL listed in PAYMENT_RETURN_URIS, matched exactly: the acquirer sends
    the payer's browser there, so it must never be a place an attacker chose."""
    if not url or url not in info.context.services.settings.payments.return_uris:
        raise DomainError(ErrorCode.INVALID_INPUT, "return_url_not_allowed", field=[field])
    return url


async def resolve_cards(info: Info[Context, None]) -> list[Card]:
    """The person's cards; a LIMITED session (anyone holding the phone) sees none."""
    session = await require_session(info)
    if not await sees_account(info, AccountData.CARDS):
        return []
    return [card for card in await cards_of(session.user_id) if card.active]


async def resolve_bind_card(info: Info[Context, None], return_url: str) -> Payment:
    """A payment of one rouble that saves the card; it is refunded once the acquirer
    confirms it, and the card appears in `viewer.cards`."""
    session = await require_session(info, changes=AccountData.CARDS)
    url = allowed_return_url(info, return_url)
    # every binding is a new attempt: the key is ours, never the client's
    key = f"bind:{secrets.token_hex(12)}"
    payment = await open_payment(
        session.user_id, key, PaymentPurpose.CARD_BINDING, BINDING_AMOUNT, return_url=url
    )
    payment = await submit(info.context.services, payment)
    if payment.status is PaymentStatus.REQUIRES_ACTION and payment.confirmation_url:
        return payment
    if payment.status is PaymentStatus.FAILED:
        raise DomainError(
            ErrorCode.PAYMENT_DECLINED, "payment_declined", reason=payment.failure_code
        )
    raise DomainError(ErrorCode.NOT_AVAILABLE, "payments_unavailable")


async def resolve_unbind_card(info: Info[Context, None], card_id: int | None) -> Card:
    session = await require_session(info, changes=AccountData.CARDS)
    card = await remove_card(session.user_id, card_id)
    await stop_for_card(card.id)
    return card


async def resolve_set_default_card(info: Info[Context, None], card_id: int | None) -> Card:
    session = await require_session(info, changes=AccountData.CARDS)
    return await make_default(session.user_id, card_id)


async def card_shown(info: Info[Context, None], owner_id: int, card_id: int | None) -> Card | None:
    """A card named by a payment or an autopay: a card is its binder's, shown only to
    them, and only in a session that may see cards."""
    if card_id is None:
        return None
    session = await info.context.current_session()
    if session is None or session.user_id != owner_id:
        return None
    if not may_use_account(session.access_cap, AccountData.CARDS):
        return None
    return await info.context.loaders.card_by_id.load(card_id)
