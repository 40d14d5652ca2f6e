"""Who a login names: a mobile number, a home-internet contract login, or an alias."""

from __future__ import annotations

import re

from models import Contract, Line, User
from models.errors import DomainError, ErrorCode
from models.msisdn import HOME_LOGIN, normalize_line_number

# something a person typed as a number: digits and the separators people use
_NUMBERISH = re.compile(r"^[+0-9\s()\-]+$")
MAX_LOGIN_LENGTH = 64


def login_key(login: str) -> str:
    """The canonical form of a login (for lookups, throttles and lockout counters).

    A number in any accepted format becomes its 10 digits; an alias is casefolded.
    Something number-like that is not a valid number is INVALID_INPUT.
    """
    raw = (login or "").strip()
    if not raw or len(raw) > MAX_LOGIN_LENGTH:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_login", field=["login"])
    if _NUMBERISH.match(raw):
        try:
            return normalize_line_number(raw, field="login")
        except DomainError:
            raise DomainError(ErrorCode.INVALID_INPUT, "invalid_login", field=["login"]) from None
    return raw.casefold()


async def find_user(key: str) -> User | None:
    """The person a canonical login belongs to, or None (callers must not say which)."""
    if HOME_LOGIN.match(key):
        contract = await Contract.get_or_none(login=key).select_related("holder")
        return contract.holder if contract else None
    if key.isdigit():
        line = await Line.get_or_none(msisdn=key).select_related("user")
        return line.user if line else None
    return await User.get_or_none(alias=key)


async def login_of(user: User) -> str:
    """What the person logs in with: their own number, else a contract login, else alias."""
    own = await Line.filter(user_id=user.id).order_by("id").first()
    if own is not None:
        return own.msisdn
    contract = await Contract.filter(holder_id=user.id, login__isnull=False).first()
    if contract is not None and contract.login:
        return contract.login
    return user.alias or ""
