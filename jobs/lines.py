"""Work on lines outside requests: free SMS handed to the gateway, blocks settled."""

from __future__ import annotations

import logging

from jobs.registry import JobRun, Retry, job
from models.billing import close_due_periods
from models.block import settle
from models.request import LineRequestStatus, complete

log = logging.getLogger("linehub.jobs")

SEND_SMS = "lines.send_sms"


@job(SEND_SMS, retry=Retry(attempts=5, backoff_seconds=10))
async def send_sms(run: JobRun, request_id: int, sender: str, to: str, text: str) -> None:
    """Send a free SMS; its request becomes DONE, or REJECTED once the tries run out.
    The request is completed only after the gateway took the text: a retry after a
    crash may send it twice, never lose it."""
    try:
        await run.services.sms.deliver(to, text, sender=sender)
    except Exception:
        if run.final:
            await complete(request_id, LineRequestStatus.REJECTED)
        raise
    await complete(request_id, LineRequestStatus.DONE)


@job("lines.settle_blocks", retry=Retry(attempts=3, backoff_seconds=60), single=True)
async def settle_blocks(run: JobRun) -> tuple[int, int]:
    """End blocks whose date has come; charge the home-internet line's paid block days."""
    ended, charged = await settle()
    if ended or charged:
        log.info("blocks settled", extra={"ended": ended, "days_charged": charged})
    return ended, charged


@job("billing.close_periods", retry=Retry(attempts=3, backoff_seconds=60), single=True)
async def close_periods(run: JobRun) -> tuple[int, int]:
    """The billing day: monthly fees and subscriptions of every line whose period ended,
    packages renewed, lines below zero suspended. Rerunning charges nothing."""
    closed, charged = await close_due_periods()
    if closed:
        log.info("periods closed", extra={"lines": closed, "kopecks": charged})
    return closed, charged
