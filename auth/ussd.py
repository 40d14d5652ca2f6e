"""USSD requests from the operator's network: `*110*9#` sends a temporary password."""

from __future__ import annotations

from auth.lookup import find_user
from auth.services import AuthServices
from auth.temporary import issue_and_send
from auth.throttle import PASSWORD_REQUESTS_PER_NUMBER, enforce
from i18n import OPERATOR_LANGUAGE, translate
from models.errors import DomainError, ErrorCode
from models.msisdn import normalize_msisdn

PASSWORD_CODE = "*110*9#"


async def handle_ussd(msisdn: str, code: str, svc: AuthServices) -> str:
    """The network already knows the sender's number: the reply may be specific.

    The network sends no language, so the reply and the SMS are in the operator's.
    """
    language = OPERATOR_LANGUAGE
    number = normalize_msisdn(msisdn)
    if code.replace(" ", "") != PASSWORD_CODE:
        return translate("ussd_unknown_request", language)
    try:
        await enforce(svc.throttle, PASSWORD_REQUESTS_PER_NUMBER.of(number))
    except DomainError as exc:
        if exc.code is ErrorCode.RATE_LIMITED:
            return translate("ussd_too_many_requests", language)
        raise
    user = await find_user(number)
    sent = await issue_and_send(user, svc, language=language)
    if user is None:
        # the network knows who asks, and the reply goes to that phone only: say it plainly
        return translate("ussd_no_login", language)
    if not sent:
        # the phone's own SMS limit, reached through the web
        return translate("ussd_too_many_requests", language)
    return translate("ussd_password_sent", language)
