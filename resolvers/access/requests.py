"""requestLineAccess, confirmLineAccess, respondToAccessRequest, setAccessRequestsAllowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.lookup import login_of
from auth.policy import AccountData, Capability, sees_request_number
from auth.throttle import (
    ACCESS_REQUESTS_PER_USER,
    CONFIRMS_PER_USER,
    CONSENT_SMS_PER_PHONE,
    enforce,
)
from i18n import OPERATOR_LANGUAGE, translate
from models import AccessLevel, AccessRequest, Grant, Line, User
from models.access import RequestStatus, requests
from models.errors import DomainError, ErrorCode
from models.msisdn import mask_login, normalize_line_number
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import access_loader
from resolvers.guard import require_session, sees_account

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_request_line_access(
    info: Info[Context, None], msisdn: str, level: AccessLevel
) -> AccessRequest:
    """Ask for access; the answer is the same whether the number exists (models rule)."""
    session = await require_session(info)
    number = normalize_line_number(msisdn)
    await enforce(
        info.context.services.throttle,
        ACCESS_REQUESTS_PER_USER.of(str(session.user_id)),
        CONSENT_SMS_PER_PHONE.of(number),
    )
    line = await Line.get_or_none(msisdn=number).select_related("contract__holder")
    requester: User = session.user
    asked = await requests.ask(requester, line, level)
    if asked.sms_to and asked.code:
        # a fixed text in the operator's language, not the asker's: the SMS goes to
        # somebody else, whose language nobody stored, and nothing the asker typed (a
        # name) may speak to them in the operator's voice; their number, masked
        text = translate(
            "access_consent_sms",
            OPERATOR_LANGUAGE,
            code=asked.code,
            msisdn=asked.sms_to,
            asker=mask_login(await login_of(requester)),
        )
        await info.context.services.sms.send(asked.sms_to, text)
    return asked.request


async def resolve_confirm_line_access(
    info: Info[Context, None], request_id: int | None, code: str
) -> Grant:
    session = await require_session(info)
    await enforce(info.context.services.throttle, CONFIRMS_PER_USER.of(str(session.user_id)))
    return await requests.confirm(request_id or 0, session.user_id, code, actor_of(session))


@requires(Capability.MANAGE_ACCESS)
async def resolve_respond_to_access_request(
    info: Info[Context, None], need: Capability, request_id: int | None, approve: bool
) -> AccessRequest:
    session, loader = await access_loader(info)
    request = await AccessRequest.get_or_none(
        id=request_id or 0, status=RequestStatus.PENDING, line_id__isnull=False
    )
    # the filter above made line_id non-null; `or 0` tells the type checker so
    access = await loader.load((request.line_id or 0) if request else 0)
    # who asks for a line is the owner's business: without MANAGE_ACCESS a request
    # answers exactly like one that never existed
    if request is None or not access.allows(need):
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    await requests.respond(request, approve, actor_of(session))
    await request.refresh_from_db()
    return request


async def resolve_set_access_requests_allowed(info: Info[Context, None], allowed: bool) -> bool:
    session = await require_session(info, changes=AccountData.ACCESS_REQUESTS)
    await requests.set_requests_allowed(session.user_id, allowed)
    return allowed


async def pending_requests_for_owner(info: Info[Context, None]) -> list[AccessRequest]:
    """Requests waiting for the viewer's answer: real ones on lines they hold."""
    session = await require_session(info)
    if not await sees_account(info, AccountData.ACCESS_REQUESTS):
        return []
    return await requests.pending_for_owner(session.user_id)


async def request_msisdn_for_viewer(
    info: Info[Context, None], request: AccessRequest
) -> str | None:
    """The number a request names, for the viewer `sees_request_number` allows."""
    session = await require_session(info)
    if request.line_id is None:
        return None
    line = await info.context.loaders.line_by_id.load(request.line_id)
    if line is None or not sees_request_number(line, session.user_id):
        return None
    return line.msisdn
