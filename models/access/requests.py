"""Asking for access to a number: consent by an SMS code to it, or the owner's approval."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.access import (
    AccessLevel,
    AccessRequest,
    AuditAction,
    Grant,
    GrantStatus,
    RequestStatus,
)
from models.access.audit import Actor, record
from models.contract import Contract
from models.errors import DomainError, ErrorCode
from models.line import Line
from models.person import User

CODE_TTL = timedelta(minutes=15)
# the owner may not open the app within 15 minutes: their answer may come within a week
OWNER_ANSWER_TTL = timedelta(days=7)
CODE_TRIES = 3


def _code_hash(request_id_salt: str, code: str) -> str:
    return hashlib.sha256(f"{request_id_salt}:{code}".encode()).hexdigest()


@dataclass(frozen=True)
class Asked:
    """A stored request and, when consent by SMS is possible, the code and where it goes.

    The SMS text itself (who asks, for which number, that telling the code is consent)
    is the sender's to render, in a language: models/ speaks none.
    """

    request: AccessRequest
    sms_to: str | None = None
    code: str | None = None


async def ask(requester: User, line: Line | None, level: AccessLevel) -> Asked:
    """Open a request for `line` (contract and holder loaded), or a decoy.

    - A number that does not exist, or whose owner forbids requests, gets a decoy:
      stored and answered like a real one, never confirmable, shown to nobody.
    - The holder and the line's own user already have their access: nothing to ask.
    - Consent by SMS code needs a person whose own number it is; a tablet's or a modem's
      SIM consents to nothing, so such requests wait for the owner's answer.
    """
    if line is not None and requester.id in (line.contract.holder_id, line.user_id):
        raise DomainError(ErrorCode.INVALID_INPUT, "already_has_access", field=["msisdn"])
    real = line is not None and line.contract.holder.access_requests_allowed
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    by_sms = real and line is not None and line.user_id is not None
    request = await AccessRequest.create(
        requester=requester,
        line=line if real else None,
        level=level,
        # without an SMS nobody holds the code: store one that no input can match
        code_hash=f"{salt}${_code_hash(salt, code)}" if by_sms else f"{salt}$-",
        expires_at=datetime.now(UTC) + CODE_TTL,
    )
    if by_sms and line is not None:
        return Asked(request, sms_to=line.msisdn, code=code)
    return Asked(request)


async def set_requests_allowed(user_id: int, allowed: bool) -> None:
    """The person's choice whether others may ask for their lines; while forbidden, a new
    request is a decoy and a code already sent consents to nothing (see `_decide`)."""
    await User.filter(id=user_id).update(access_requests_allowed=allowed)


async def pending_for_owner(holder_id: int) -> list[AccessRequest]:
    """Requests still waiting for the holder's answer, newest first.

    Decoys have no line, so they never show; the window is the one `respond` accepts.
    """
    return list(
        await AccessRequest.filter(
            line__contract__holder_id=holder_id,
            status=RequestStatus.PENDING,
            created_at__gt=datetime.now(UTC) - OWNER_ANSWER_TTL,
        ).order_by("-created_at")
    )


def _code_matches(stored: str, code: str) -> bool:
    salt, _, digest = stored.partition("$")
    return hmac.compare_digest(digest, _code_hash(salt, code.strip()))


async def confirm(request_id: int, requester_id: int, code: str, actor: Actor) -> Grant:
    """The requester enters the code the number received: consent, so a grant.

    A try is spent with one conditional UPDATE before the code is compared, so a burst
    of parallel guesses gets three tries in all, not three each.
    """
    request = await AccessRequest.get_or_none(id=request_id, requester_id=requester_id)
    if request is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    if request.status is not RequestStatus.PENDING:
        # answered like a decoy: a request the owner rejected must not show it was real
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_code", field=["code"])
    spent = await AccessRequest.filter(
        id=request.id,
        status=RequestStatus.PENDING,
        attempts__lt=CODE_TRIES,
        expires_at__gt=datetime.now(UTC),
    ).update(attempts=F("attempts") + 1)
    if not spent or request.line_id is None or not _code_matches(request.code_hash, code):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_code", field=["code"])
    return await _decide(request, request.line_id, RequestStatus.CONFIRMED, actor)


async def respond(request: AccessRequest, approve: bool, actor: Actor) -> Grant | None:
    """The owner answers a pending request in their own account.

    A decoy has no line and so no owner: there is nothing to answer.
    """
    answerable_until = request.created_at + OWNER_ANSWER_TTL
    if (
        request.line_id is None
        or request.status is not RequestStatus.PENDING
        or answerable_until <= datetime.now(UTC)
    ):
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    line_id = request.line_id
    if approve:
        return await _decide(request, line_id, RequestStatus.APPROVED, actor)
    async with in_transaction() as conn:
        decided = await _mark(request, RequestStatus.REJECTED, conn)
        if decided:
            details = {"request": request.id, "requester": request.requester_id}
            await record(line_id, actor, AuditAction.REQUEST_REJECTED, details, using_db=conn)
    if not decided:
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    return None


async def _mark(request: AccessRequest, status: RequestStatus, conn: BaseDBAsyncClient) -> bool:
    # only one decision wins, even if the owner approves while the code is entered
    return bool(
        await AccessRequest.filter(id=request.id, status=RequestStatus.PENDING)
        .using_db(conn)
        .update(status=status, decided_at=datetime.now(UTC))
    )


def _consent_level(request: AccessRequest, line: Line, holder_id: int) -> AccessLevel:
    """Consent by the code gives LIMITED access at most, unless the number is the
    holder's own phone: a child (or anyone tricked into reading the code out) cannot
    hand a stranger FULL access to a line on someone else's contract. FULL needs the
    holder's own approval (`respond`), or the holder raises the grant later."""
    if request.level is AccessLevel.FULL and line.user_id == holder_id:
        return AccessLevel.FULL
    return AccessLevel.LIMITED


async def _decide(
    request: AccessRequest, line_id: int, status: RequestStatus, actor: Actor
) -> Grant:
    # `line_id` is the request's, checked by the caller: a decoy (no line) is never decided
    action = (
        AuditAction.REQUEST_CONFIRMED
        if status is RequestStatus.CONFIRMED
        else AuditAction.REQUEST_APPROVED
    )
    async with in_transaction() as conn:
        # locking the line serialises every grant on it: no two active grants per person
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        holder_id, requests_allowed = (
            await Contract.filter(id=line.contract_id)
            .using_db(conn)
            .values_list("holder_id", "holder__access_requests_allowed")
        )[0]
        if request.requester_id in (holder_id, line.user_id):
            raise DomainError(ErrorCode.INVALID_INPUT, "already_has_access", field=["requestId"])
        by_code = status is RequestStatus.CONFIRMED
        # a code sent before the owner forbade requests consents to nothing any more, and
        # fails like a decoy's; the owner's own answer still counts
        if (by_code and not requests_allowed) or not await _mark(request, status, conn):
            if by_code:
                raise DomainError(ErrorCode.INVALID_INPUT, "invalid_code", field=["code"])
            raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
        level = (
            request.level
            if status is RequestStatus.APPROVED
            else _consent_level(request, line, holder_id)
        )
        existing = (
            await Grant.filter(
                line_id=line_id,
                grantee_id=request.requester_id,
                status=GrantStatus.ACTIVE,
                revoked_at__isnull=True,
            )
            .using_db(conn)
            .first()
        )
        if existing is not None:
            existing.level = level
            await existing.save(using_db=conn, update_fields=["level"])
            created = existing
        else:
            created = await Grant.create(
                line_id=line_id,
                grantee_id=request.requester_id,
                level=level,
                # they asked themselves: consent needs no invitation to accept
                status=GrantStatus.ACTIVE,
                granted_by_id=actor.user_id if status is RequestStatus.APPROVED else None,
                using_db=conn,
            )
        details = {
            "request": request.id,
            "grantee": request.requester_id,
            "level": level,
            "grant": created.id,
        }
        await record(line_id, actor, action, details, using_db=conn)
    return created
