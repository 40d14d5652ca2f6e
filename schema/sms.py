"""sendSms: a free SMS from the line to a number this hub serves."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers import sms as sms_resolvers
from resolvers.context import Context
from schema.access.permissions import line_mutation
from schema.mutation import run_payload
from schema.request import LineRequest
from schema.scalars import UserError


@strawberry.input
class SendSmsInput:
    msisdn: str = strawberry.field(description="Your number it is sent from, any format.")
    to: str = strawberry.field(description="A mobile number this operator serves.")
    text: str = strawberry.field(
        description="Up to 5 SMS parts: 765 Latin characters (GSM 7-bit), 335 Cyrillic."
    )


@strawberry.type
class SendSmsPayload:
    request: LineRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SmsMutations:
    @line_mutation(sms_resolvers.resolve_send_sms, "A free SMS to a number of this operator.")
    async def send_sms(self, info: Info[Context, None], input: SendSmsInput) -> SendSmsPayload:
        work = sms_resolvers.resolve_send_sms(info, input.msisdn, input.to, input.text)
        return await run_payload(info, SendSmsPayload, work, "request")
