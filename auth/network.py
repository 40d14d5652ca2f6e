"""Mobile-network login: the operator's proxy vouches for the number in a header."""

from __future__ import annotations

from auth.services import AuthServices
from auth.sessions import ClientInfo, IssuedSession, open_session
from models import AuthMethod, Line
from models.access import AccessLevel, MobileNetworkAccess
from models.errors import DomainError, ErrorCode
from models.msisdn import normalize_msisdn
from models.text import plain_text

MAX_DEVICE_NAME = 64


async def network_login(
    header_values: list[str],
    peer_trusted: bool,
    client: ClientInfo,
    svc: AuthServices,
    *,
    device_name: str | None = None,
) -> IssuedSession:
    """Only a peer in TRUSTED_PROXY_CIDRS may vouch; from anyone else the header is noise.

    The session's cap is what the number's owner chose; DISABLED means no such login.
    The number must be a person's own: whoever holds a tablet's or modem's SIM is not
    the contract holder. Two headers mean the proxy appended to one the client sent.
    """
    name = None
    if device_name is not None:
        # shown to the person in their sessions: one line of plain text, 1 to 64 characters
        name = " ".join(plain_text(device_name, field="deviceName").split())
        if len(name) > MAX_DEVICE_NAME:
            raise DomainError(ErrorCode.INVALID_INPUT, "device_name_length", field=["deviceName"])
    if not peer_trusted or len(header_values) != 1 or not header_values[0]:
        raise DomainError(ErrorCode.NOT_AVAILABLE)
    header_value = header_values[0]
    try:
        msisdn = normalize_msisdn(header_value)
    except DomainError:
        raise DomainError(ErrorCode.NOT_AVAILABLE) from None
    line = await Line.get_or_none(msisdn=msisdn).select_related("user")
    if (
        line is None
        or line.user is None
        or line.mobile_network_access == MobileNetworkAccess.DISABLED
    ):
        raise DomainError(ErrorCode.NOT_AVAILABLE)
    person = line.user
    cap = AccessLevel(line.mobile_network_access.value)
    return await open_session(
        person,
        AuthMethod.MOBILE_NETWORK,
        client,
        svc.tokens,
        cap=cap,
        network_msisdn=msisdn,
        device_name=name or None,
    )
