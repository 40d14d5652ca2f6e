"""Payments between linehub and the acquirer: sending a written payment, believing only
what the acquirer's API says, and the jobs that finish what a request could not.

No database transaction is open while the acquirer is called: a payment's row is
written first (models.payment.open_payment), the acquirer is asked under the payment's
own Idempotence-Key (so asking again, after a crash or a timeout, can never make a
second payment), and its answer is applied in a short transaction of its own.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from gateways.acquirer import AcquirerRefused, AcquirerUnavailable
from i18n import OPERATOR_LANGUAGE, translate
from jobs.registry import JobRefused, JobRun, JobServices, Retry, job
from models.access.viewer import primary_line_id
from models.autopay import MAX_ATTEMPTS, Autopay, due_runs, rearm, record_outcome
from models.card import Card
from models.line import Line
from models.payment import (
    OPEN,
    AcquirerState,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    apply_state,
    open_payments,
    unrefunded_bindings,
)
from models.trust import fall_due

log = logging.getLogger("linehub.payments")

REFUND_BINDING = "payments.refund_binding"
AUTOPAY_STOPPED = "payments.autopay_stopped"
# a payment the acquirer has not decided after this long is asked about by the schedule
RECONCILE_AFTER = timedelta(minutes=1)


async def submit(services: JobServices, payment: Payment) -> Payment:
    """Ask the acquirer for a written payment (again, harmlessly, if it was asked
    before) and apply its answer. An acquirer that does not answer leaves the payment
    open: the schedule asks again (`reconcile`)."""
    if not payment.open:
        return payment
    method_id = None
    if payment.card_id is not None and payment.purpose is PaymentPurpose.TOP_UP:
        card = await Card.get(id=payment.card_id)
        method_id = card.method_id
    try:
        state = await services.acquirer.create_payment(
            payment.acquirer_key,
            payment.amount,
            await _description(payment),
            payment.acquirer_key,
            return_url=payment.return_url,
            method_id=method_id,
            save_method=payment.purpose is PaymentPurpose.CARD_BINDING,
        )
    except AcquirerUnavailable as exc:
        log.warning("acquirer unavailable, payment %s stays open: %s", payment.id, exc)
        return payment
    except AcquirerRefused as exc:
        # a request it will never take (a saved method it no longer knows): decided here
        log.error("acquirer refused payment %s: %s", payment.id, exc)
        return await _refused(payment, exc.code)
    return await settle(services, payment, state)


async def settle(services: JobServices, payment: Payment, state: AcquirerState) -> Payment:
    """Apply what the acquirer said; what follows a decision happens once, by the call
    that made it."""
    payment, decided = await apply_state(payment, state)
    if decided:
        await _after_decision(services, payment)
    return payment


async def _after_decision(services: JobServices, payment: Payment) -> None:
    if payment.purpose is PaymentPurpose.CARD_BINDING and payment.status is PaymentStatus.SUCCEEDED:
        # the binding's rouble goes back; a refund that fails is retried by the job
        await services.jobs.defer(REFUND_BINDING, payment_id=payment.id)
    if payment.autopay_id is not None:
        autopay, stopped = await record_outcome(payment, datetime.now(UTC))
        if autopay is not None and stopped:
            await services.jobs.defer(AUTOPAY_STOPPED, autopay_id=autopay.id)


async def _refused(payment: Payment, code: str) -> Payment:
    await Payment.filter(id=payment.id, status__in=OPEN).update(
        status=PaymentStatus.FAILED, failure_code=code[:40], decided_at=datetime.now(UTC)
    )
    return await Payment.get(id=payment.id)


async def _description(payment: Payment) -> str:
    if payment.line_id is None:
        return translate("payment_binding", OPERATOR_LANGUAGE)
    msisdn = (await Line.filter(id=payment.line_id).values_list("msisdn", flat=True))[0]
    return translate("payment_top_up", OPERATOR_LANGUAGE, msisdn=msisdn)


async def on_notification(services: JobServices, acquirer_id: str) -> Payment | None:
    """A notification named a payment: read it back from the acquirer and apply that.
    The notification's own content is never believed, so a forged or replayed one can
    at most make us ask. None for a payment that is not ours."""
    state = await services.acquirer.get_payment(acquirer_id)
    payment = await Payment.get_or_none(acquirer_id=state.acquirer_id)
    if payment is None and state.reference:
        # our create call's answer was lost: the payment's reference names it
        payment = await Payment.get_or_none(acquirer_key=state.reference)
    if payment is None:
        log.warning("notification for an unknown payment %s", acquirer_id)
        return None
    return await settle(services, payment, state)


@job("payments.reconcile", retry=Retry(attempts=1), single=True)
async def reconcile(run: JobRun) -> int:
    """Open payments the acquirer has not told us about: the ones it never heard of are
    sent again under their key, the others read back. Notifications lost on the way
    cost a minute, never money."""
    services = run.services
    asked = 0
    # a binding's rouble whose refund was never queued (the request that decided it
    # ended first): queued now; the refund's own key makes a second queueing harmless
    for payment in await unrefunded_bindings(datetime.now(UTC) - RECONCILE_AFTER):
        await services.jobs.defer(REFUND_BINDING, payment_id=payment.id)
    for payment in await open_payments(datetime.now(UTC) - RECONCILE_AFTER):
        try:
            if payment.acquirer_id is None:
                await submit(services, payment)
            else:
                await settle(
                    services, payment, await services.acquirer.get_payment(payment.acquirer_id)
                )
        except (AcquirerUnavailable, AcquirerRefused) as exc:
            log.warning("payment %s not reconciled: %s", payment.id, exc)
            continue
        asked += 1
    return asked


@job(REFUND_BINDING, retry=Retry(attempts=8, backoff_seconds=30))
async def refund_binding(run: JobRun, payment_id: int) -> None:
    """Give back the rouble a card binding took, under a key of its own (a retry after
    a crash refunds once), then read the payment back: it shows as REFUNDED."""
    services = run.services
    payment = await Payment.get_or_none(id=payment_id)
    if payment is None or payment.acquirer_id is None:
        raise JobRefused("not_found")
    if payment.status is not PaymentStatus.SUCCEEDED:
        return
    await services.acquirer.refund(
        f"{payment.acquirer_key}-refund", payment.acquirer_id, payment.amount
    )
    await settle(services, payment, await services.acquirer.get_payment(payment.acquirer_id))


@job("payments.autopay", retry=Retry(attempts=1), single=True)
async def autopay(run: JobRun) -> int:
    """Autopays due now: each trigger claimed once across workers, its payment sent by
    the payer's bound card. Answers how many payments were sent."""
    now = datetime.now(UTC)
    await rearm(now)
    sent = 0
    for payment in await due_runs(now):
        await submit(run.services, payment)
        sent += 1
    return sent


@job(AUTOPAY_STOPPED, retry=Retry(attempts=5, backoff_seconds=30))
async def autopay_stopped(run: JobRun, autopay_id: int) -> None:
    """Tell the payer, by SMS to their own number, that their autopay gave up."""
    found = await Autopay.get_or_none(id=autopay_id).select_related("line")
    if found is None:
        raise JobRefused("autopay_not_found")
    to = await _own_number(found.owner_id)
    if to is None:
        return  # a payer without a number of ours: the app shows the stopped autopay
    text = translate(
        "autopay_failed_sms", OPERATOR_LANGUAGE, msisdn=found.line.msisdn, attempts=MAX_ATTEMPTS
    )
    await run.services.sms.deliver(to, text)


async def _own_number(user_id: int) -> str | None:
    """The person's own number: the one they see first, else one they use or hold."""
    primary = await primary_line_id(user_id)
    query = (
        Line.filter(id=primary)
        if primary
        else Line.filter(Q(user_id=user_id) | Q(contract__holder_id=user_id, user_id=None))
    )
    found = await query.order_by("id").first()
    return found.msisdn if found else None


@job("payments.trust_due", retry=Retry(attempts=3, backoff_seconds=60), single=True)
async def trust_due(run: JobRun) -> int:
    """Trust payments past their date and unpaid: overdue, their lines suspended."""
    return await fall_due()
