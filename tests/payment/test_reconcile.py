"""Lost on the way: a notification that never came, or an acquirer that was down when
the payment was sent. The schedule's reconciler asks the acquirer and finishes each
payment exactly as a notification would have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import time_machine

from devacquirer import RunningAcquirer
from jobs.payments import reconcile, settle
from jobs.registry import JobRun
from models import Card, LedgerEntry, Line, Payment
from models.ledger import verify
from tests.conftest import GQL
from tests.helpers import token_for
from tests.payment.conftest import ANNA, MASHA, RETURN_URL, card_gid, pay_in_browser, top_up


async def run_reconcile(app) -> int:
    run = JobRun(app.state.services, None, None, 1, True)  # type: ignore[arg-type]
    return await reconcile(run)


async def test_a_payment_whose_notification_never_came_is_read_back_and_credited(
    gql: GQL, demo, app, acquirer: RunningAcquirer, browser: httpx.AsyncClient
) -> None:
    anna = await token_for(gql, ANNA)
    acquirer.behaviour.notifications = False
    before = (await Line.get(msisdn=MASHA)).balance
    started = await top_up(gql, anna, MASHA, "400.00", "lost-1", url=RETURN_URL)
    await pay_in_browser(browser, started["confirmationUrl"])
    assert await run_reconcile(app) == 0  # too fresh to ask about
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=True):
        assert await run_reconcile(app) == 1
        assert await run_reconcile(app) == 0  # decided: nothing left to ask
    assert (await Payment.get(idempotency_key="lost-1")).status == "SUCCEEDED"
    assert (await Line.get(msisdn=MASHA)).balance == before + 400_00
    assert await verify() == []


async def test_a_payment_the_acquirer_never_heard_of_is_sent_again_under_its_key(
    gql: GQL, demo, app, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    before = (await Line.get(msisdn=MASHA)).balance
    acquirer.behaviour.down = 503
    kept = await top_up(gql, anna, MASHA, "250.00", "down-2", card=card_gid(card))
    assert kept["payment"]["status"] == "PENDING"
    acquirer.behaviour.down = None
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=True):
        assert await run_reconcile(app) == 1
        assert await run_reconcile(app) == 0
    assert (await Payment.get(idempotency_key="down-2")).status == "SUCCEEDED"
    assert (await Line.get(msisdn=MASHA)).balance == before + 250_00
    # the client's retry now finds it done, and nothing is paid twice
    again = await top_up(gql, anna, MASHA, "250.00", "down-2", card=card_gid(card))
    assert again["payment"]["status"] == "SUCCEEDED"
    assert (await Line.get(msisdn=MASHA)).balance == before + 250_00


async def test_a_slow_acquirer_that_timed_out_after_creating_the_payment_pays_once(
    gql: GQL, demo, app, acquirer: RunningAcquirer
) -> None:
    """The acquirer made the payment but its answer came too late: asking again under
    the same key finds that payment instead of making a second."""
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    before = (await Line.get(msisdn=MASHA)).balance
    client = app.state.services.acquirer._client
    client.timeout = httpx.Timeout(0.3)
    acquirer.behaviour.slow_seconds = 1.0
    try:
        kept = await top_up(gql, anna, MASHA, "180.00", "slow-1", card=card_gid(card))
    finally:
        acquirer.behaviour.slow_seconds = 0.0
        client.timeout = httpx.Timeout(15.0)
    assert kept["payment"]["status"] == "PENDING"
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=True):
        assert await run_reconcile(app) == 1
    assert (await Line.get(msisdn=MASHA)).balance == before + 180_00
    payment = await Payment.get(idempotency_key="slow-1")
    assert payment.status == "SUCCEEDED"
    found = await acquirer_payments_for(acquirer, payment.acquirer_key)
    assert found == 1


async def acquirer_payments_for(acquirer: RunningAcquirer, reference: str) -> int:
    """How many payments the acquirer holds with this reference (ours, in metadata)."""
    return sum(
        1
        for payment in acquirer.store.payments()
        if payment.metadata.get("linehub_ref") == reference
    )


async def test_a_top_up_the_acquirer_gives_back_leaves_the_balance_with_it(
    gql: GQL, demo, app, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    before = (await Line.get(msisdn=MASHA)).balance
    await top_up(gql, anna, MASHA, "300.00", "back-1", card=card_gid(card))
    payment = await Payment.get(idempotency_key="back-1")
    services = app.state.services
    await services.acquirer.refund("test-refund-1", payment.acquirer_id, payment.amount)
    state = await services.acquirer.get_payment(payment.acquirer_id)
    for _ in range(2):  # the refund's notification, delivered twice
        await settle(services, payment, state)
    assert (await Payment.get(id=payment.id)).status == "REFUNDED"
    assert (await Line.get(msisdn=MASHA)).balance == before
    refunds = await LedgerEntry.filter(line__msisdn=MASHA, kind="REFUND").count()
    assert refunds == 1
    assert await verify() == []
