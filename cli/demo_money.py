"""The demo's money (API.md section 9): three months of card top-ups and monthly fees on
every line, a card bound by Anna, an autopay on Masha's line, a trust payment taken on
the modem, and bonuses on Anna's tariff.

The history is written oldest first and its rows dated back, so the statement reads in
order and `linehub ledger verify` finds every running balance right.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, date, datetime, timedelta

from tortoise.transactions import in_transaction

from config import Settings
from devacquirer.hub import dev_store_path
from devacquirer.store import AcquirerStore
from gateways.acquirer import acquirer_credentials
from i18n import OPERATOR_LANGUAGE, translate
from models import (
    Card,
    EntryKind,
    LedgerEntry,
    Line,
    LineService,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    Service,
    Tariff,
    User,
)
from models.access.audit import Actor
from models.allowance import month_before, next_month_start
from models.autopay import AutopayMode, set_autopay
from models.card import CardFacts, save_card
from models.ledger import charge
from models.topup import after_top_up
from models.trust import take

DEMO_CARD = "5555555555554477"
# fixed, so the dev acquirer's store and the database name the same saved card
DEMO_METHOD_ID = "demo-anna-card-4477"
BONUS_TARIFF, BONUS_PERCENT = "close-people-4", 5
HISTORY_MONTHS = 3
# the lines have been with the operator this long (a trust payment needs 60 days)
TENURE = timedelta(days=2 * 365)
# who paid for whose line, when it was not its user or holder: the grandmother, once
GIFTS = {("9031234568", 2): "galina"}


def card_expiry() -> tuple[int, int]:
    return 12, date.today().year + 4


async def give_bonuses_on_tariff() -> None:
    await Tariff.filter(code=BONUS_TARIFF).update(bonus_percent=BONUS_PERCENT)


def _month_start(now: datetime, months_ago: int) -> datetime:
    """The start of a billing period (the lines' periods are calendar months, 1st 00:00
    UTC, as models.allowance sets them): the current one, or one `months_ago` before."""
    start = month_before(next_month_start(now))
    for _ in range(months_ago):
        start = month_before(start)
    return start


async def current_fee(line: Line, tariff: Tariff, now: datetime) -> None:
    """This period's monthly fee, under the key the billing day gives it."""
    if tariff.monthly_fee:
        await _fee(line, tariff, _month_start(now, 0), dated=False)


async def _fee(line: Line, tariff: Tariff, start: datetime, *, dated: bool = True) -> None:
    text = translate("ledger_monthly_fee", OPERATOR_LANGUAGE, tariff=tariff.name)
    async with in_transaction() as conn:
        fee = await charge(
            conn,
            line.id,
            tariff.monthly_fee,
            text,
            allow_debt=True,
            idempotency_key=f"fee:{start:%Y-%m-%d}",
        )
    if dated:
        await LedgerEntry.filter(id=fee.id).update(created_at=start + timedelta(hours=1))


async def money_history(
    line: Line, tariff: Tariff, payer: User, people: dict[str, User], now: datetime
) -> None:
    """Before the line's current entries: in each of the last months a top-up by card a
    little over the fee, two days before the month, and the fee on the 1st."""
    await Line.filter(id=line.id).update(created_at=now - TENURE)
    amount = (tariff.monthly_fee // 100_00 + 2) * 100_00
    for months_ago in range(HISTORY_MONTHS, 0, -1):
        start = _month_start(now, months_ago)
        gift = GIFTS.get((line.msisdn, months_ago))
        await paid(line, people[gift] if gift else payer, amount, start - timedelta(hours=38))
        if tariff.monthly_fee:
            await _fee(line, tariff, start)


async def paid(line: Line, payer: User, amount: int, at: datetime) -> None:
    """A top-up by a card typed in, as the acquirer would have confirmed it."""
    payment = await Payment.create(
        payer_id=payer.id,
        purpose=PaymentPurpose.TOP_UP,
        line_id=line.id,
        amount=amount,
        status=PaymentStatus.SUCCEEDED,
        idempotency_key=f"demo-{secrets.token_hex(6)}",
        fingerprint="demo",
        acquirer_key=secrets.token_hex(16),
        acquirer_id=f"demo-{secrets.token_hex(8)}",
        decided_at=at,
    )
    key = f"pay:{payment.id}"
    async with in_transaction() as conn:
        await after_top_up(conn, line.id, amount, key, EntryKind.TOP_UP)
    await Payment.filter(id=payment.id).update(created_at=at)
    await LedgerEntry.filter(line_id=line.id, idempotency_key__startswith=key).update(created_at=at)


async def bind_demo_card(settings: Settings, anna: User) -> Card:
    """Anna's card, saved in the dev acquirer's store too when the app mounts it, so
    paying with it works in `make run`."""
    month, year = card_expiry()
    if settings.payments.backend == "dev" and settings.payments.api_url is None:
        path = dev_store_path(settings)
        if path is not None:
            _, shop_id, _ = acquirer_credentials(settings)
            # saved on an earlier load with another expiry (ValueError): the id still pays
            with contextlib.suppress(ValueError):
                AcquirerStore(path).save_method(
                    DEMO_CARD, f"{month:02d}", str(year), shop_id=shop_id, method_id=DEMO_METHOD_ID
                )
    facts = CardFacts(DEMO_METHOD_ID, DEMO_CARD[:6], DEMO_CARD[-4:], month, year, "MASTERCARD")
    async with in_transaction() as conn:
        return await save_card(conn, anna.id, facts)


def period_starts(now: datetime, count: int) -> list[datetime]:
    """The current billing period's start, then the earlier ones'."""
    return [_month_start(now, n) for n in range(count)]


async def demo_money(settings: Settings, people: dict[str, User]) -> None:
    """What the demo holds once the lines and their history exist."""
    # services were connected long ago (a subscription can only be forgotten then), and
    # the horoscope answers at its own short number
    await LineService.all().update(connected_at=datetime.now(UTC) - TENURE)
    await Service.filter(code="horoscope").update(short_number="5055")
    anna = people["anna"]
    card = await bind_demo_card(settings, anna)
    masha = await Line.get(msisdn="9031234568")
    await set_autopay(
        masha.id, anna.id, card, AutopayMode.THRESHOLD, 300_00, 100_00, None, 1_500_00
    )
    modem = await Line.get(msisdn="9031234571")
    await take(modem, Actor(anna.id), "demo-trust-payment")
