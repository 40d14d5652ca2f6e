"""USSD requests from the operator's network: `*110*9#` sends a temporary password."""

from __future__ import annotations

from auth.lookup import find_user
from auth.services import AuthServices
from auth.temporary import issue_and_send
from auth.throttle import PASSWORD_REQUESTS_PER_NUMBER, enforce
from models.errors import DomainError, ErrorCode
from models.msisdn import normalize_msisdn

PASSWORD_CODE = "*110*9#"
REPLIES = {
    "sent": "Пароль для входа в личный кабинет отправлен в SMS.",
    "unknown": "Неизвестный запрос.",
    "limited": "Слишком много запросов. Попробуйте позже.",
    "no_login": "Для этого номера нет входа в личный кабинет.",
}


async def handle_ussd(msisdn: str, code: str, svc: AuthServices) -> str:
    """The network already knows the sender's number: the reply may be specific."""
    number = normalize_msisdn(msisdn)
    if code.replace(" ", "") != PASSWORD_CODE:
        return REPLIES["unknown"]
    try:
        await enforce(svc.throttle, PASSWORD_REQUESTS_PER_NUMBER.of(number))
    except DomainError as exc:
        if exc.code is ErrorCode.RATE_LIMITED:
            return REPLIES["limited"]
        raise
    user = await find_user(number)
    sent = await issue_and_send(user, svc)
    if user is None:
        # the network knows who asks, and the reply goes to that phone only: say it plainly
        return REPLIES["no_login"]
    if not sent:
        return REPLIES["limited"]  # the phone's own SMS limit, reached through the web
    return REPLIES["sent"]
