"""sendSms: a free SMS from the line to a number this hub serves, sent by the worker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.policy import Capability
from jobs.lines import SEND_SMS
from models.request import LineRequest, LineRequestStatus, complete
from models.sms import request_sms
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import line_for_mutation

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


@requires(Capability.SEND_SMS)
async def resolve_send_sms(
    info: Info[Context, None], need: Capability, msisdn: str, to: str, text: str
) -> LineRequest:
    """Recorded PENDING in the request (the quota counts it at once); the worker hands it
    to the SMS gateway with retries and marks it DONE, or REJECTED when it gives up."""
    line, _, session = await line_for_mutation(info, msisdn, need)
    request = await request_sms(line.id, to, text, actor_of(session))
    recipient = str(request.summary_params["to"])
    try:
        await info.context.services.jobs.defer(
            SEND_SMS, request_id=request.id, sender=line.msisdn, to=recipient, text=text
        )
    except Exception:
        # a queue that refuses leaves the request REJECTED, never PENDING for ever
        await complete(request.id, LineRequestStatus.REJECTED)
        raise
    return request
