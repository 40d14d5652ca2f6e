"""Free SMS from the account to numbers this hub serves: length by SMS segments, a daily
quota per line, every message a request in the line's history.

A text in the GSM 7-bit alphabet fits 160 characters in one SMS and 153 a part when
split (its extension characters, such as the euro sign, take two); any other character
(Cyrillic) makes it UCS-2: 70, and 67 a part. At most MAX_SEGMENTS parts a message, and
DAILY_QUOTA messages a line a Moscow calendar day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time

from tortoise.transactions import in_transaction

from i18n import OPERATOR_TIME_ZONE
from models.access import AuditAction
from models.access.audit import Actor, record
from models.errors import DomainError, ErrorCode
from models.line import DeviceKind, Line, LineStatus
from models.msisdn import normalize_msisdn
from models.request import LineRequest, LineRequestKind, LineRequestStatus, record_request

MAX_SEGMENTS = 5
DAILY_QUOTA = 20

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # GSM-7 or UCS-2
    count: int


def segments(text: str) -> Segments:
    if all(ch in GSM7 or ch in GSM7_EXTENSION for ch in text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        return Segments("GSM-7", 1 if units <= 160 else math.ceil(units / 153))
    # UCS-2 counts UTF-16 code units: a character outside the BMP (an emoji) takes two
    units = len(text.encode("utf-16-le")) // 2
    return Segments("UCS-2", 1 if units <= 70 else math.ceil(units / 67))


def _checked_text(text: str) -> str:
    if not text.strip():
        raise DomainError(ErrorCode.INVALID_INPUT, "sms_empty", field=["text"])
    if any(ord(ch) < 32 and ch != "\n" for ch in text) or "\x7f" in text:
        raise DomainError(ErrorCode.INVALID_INPUT, "sms_control", field=["text"])
    if segments(text).count > MAX_SEGMENTS:
        raise DomainError(ErrorCode.INVALID_INPUT, "sms_too_long", field=["text"], max=MAX_SEGMENTS)
    return text


async def on_net_number(to: str) -> str:
    """The recipient's number if this hub serves it; anything else is INVALID_INPUT on
    `to` (a landline, another operator's number, a malformed one)."""
    try:
        number = normalize_msisdn(to, field="to")
    except DomainError:
        raise DomainError(ErrorCode.INVALID_INPUT, "sms_off_net", field=["to"]) from None
    # a home router has a number but takes no SMS
    served = (
        await Line.filter(msisdn=number)
        .exclude(status=LineStatus.CLOSED)
        .exclude(device_kind=DeviceKind.ROUTER)
        .exists()
    )
    if not served:
        raise DomainError(ErrorCode.INVALID_INPUT, "sms_off_net", field=["to"])
    return number


def _day_start(now: datetime) -> datetime:
    """The start of the operator's calendar day around `now`, as a UTC instant: SQLite
    compares stored datetimes as text, all written in UTC, so a bound in Moscow time
    would be compared by its digits (and miss three hours of each day)."""
    local = now.astimezone(OPERATOR_TIME_ZONE)
    return datetime.combine(local.date(), time(0), tzinfo=OPERATOR_TIME_ZONE).astimezone(UTC)


async def request_sms(line_id: int, to: str, text: str, actor: Actor) -> LineRequest:
    """Record a free SMS as a PENDING request (the worker sends it and completes it).
    The line is locked while its day's count is read, so parallel sends cannot pass the
    quota together."""
    text = _checked_text(text)
    number = await on_net_number(to)
    parts = segments(text)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        if line.status is LineStatus.BLOCKED:
            raise DomainError(ErrorCode.LINE_BLOCKED, "line_blocked", field=["msisdn"])
        sent_today = (
            await LineRequest.filter(
                line_id=line_id, kind=LineRequestKind.SMS, created_at__gte=_day_start(now)
            )
            .exclude(status=LineRequestStatus.REJECTED)
            .using_db(conn)
            .count()
        )
        if sent_today >= DAILY_QUOTA:
            raise DomainError(
                ErrorCode.QUOTA_EXCEEDED, "sms_quota", field=["msisdn"], quota=DAILY_QUOTA
            )
        created = await record_request(
            line_id,
            LineRequestKind.SMS,
            actor,
            "request_sms",
            {"to": number, "segments": parts.count},
            status=LineRequestStatus.PENDING,
            using_db=conn,
        )
        details = {"to": number, "segments": parts.count}
        await record(line_id, actor, AuditAction.SMS, details, using_db=conn)
    return created
