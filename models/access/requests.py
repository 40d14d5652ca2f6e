"""Asking for access to a number: consent by an SMS code to it, or the owner's approval."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.access import AccessLevel, AccessRequest, AuditAction, Grant, RequestStatus
from models.access.audit import Actor, record
from models.errors import DomainError, ErrorCode
from models.line import Line
from models.person import User

CODE_TTL = timedelta(minutes=15)
# the owner may not open the app within 15 minutes: their answer may come within a week
OWNER_ANSWER_TTL = timedelta(days=7)
CODE_TRIES = 3


def _code_hash(request_id_salt: str, code: str) -> str:
    return hashlib.sha256(f"{request_id_salt}:{code}".encode()).hexdigest()


async def open_request(
    requester: User, line: Line | None, level: AccessLevel
) -> tuple[AccessRequest, str]:
    """Store a request and return it with its 6-digit code (to be sent to the number).

    `line=None` makes a decoy: stored and answered like a real one, never confirmable.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    request = await AccessRequest.create(
        requester=requester,
        line=line,
        level=level,
        code_hash=f"{salt}${_code_hash(salt, code)}",
        expires_at=datetime.now(UTC) + CODE_TTL,
    )
    return request, code


def _code_matches(stored: str, code: str) -> bool:
    salt, _, digest = stored.partition("$")
    return hmac.compare_digest(digest, _code_hash(salt, code.strip()))


async def confirm(request_id: int, requester_id: int, code: str, actor: Actor) -> Grant:
    """The requester enters the code the number received: consent, so a grant."""
    request = await AccessRequest.get_or_none(id=request_id, requester_id=requester_id)
    if request is None or request.status is not RequestStatus.PENDING:
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    if request.expires_at <= datetime.now(UTC) or request.attempts >= CODE_TRIES:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_code", field=["code"])
    if request.line_id is None or not _code_matches(request.code_hash, code):  # type: ignore[attr-defined]
        await AccessRequest.filter(id=request.id).update(attempts=F("attempts") + 1)
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_code", field=["code"])
    return await _decide(request, RequestStatus.CONFIRMED, actor)


async def respond(request: AccessRequest, approve: bool, actor: Actor) -> Grant | None:
    """The owner answers a pending request in their own account."""
    answerable_until = request.created_at + OWNER_ANSWER_TTL
    if request.status is not RequestStatus.PENDING or answerable_until <= datetime.now(UTC):
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    if approve:
        return await _decide(request, RequestStatus.APPROVED, actor)
    async with in_transaction() as conn:
        decided = await _mark(request, RequestStatus.REJECTED, conn)
        if decided:
            details = {"request": request.id, "requester": request.requester_id}  # type: ignore[attr-defined]
            await record(
                request.line_id, actor, AuditAction.REQUEST_REJECTED, details, using_db=conn
            )  # type: ignore[attr-defined]
    if not decided:
        raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
    return None


async def _mark(request: AccessRequest, status: RequestStatus, conn: object) -> bool:
    # only one decision wins, even if the owner approves while the code is entered
    return bool(
        await AccessRequest.filter(id=request.id, status=RequestStatus.PENDING)
        .using_db(conn)  # type: ignore[arg-type]
        .update(status=status, decided_at=datetime.now(UTC))
    )


async def _decide(request: AccessRequest, status: RequestStatus, actor: Actor) -> Grant:
    action = (
        AuditAction.REQUEST_CONFIRMED
        if status is RequestStatus.CONFIRMED
        else AuditAction.REQUEST_APPROVED
    )
    async with in_transaction() as conn:
        if not await _mark(request, status, conn):
            raise DomainError(ErrorCode.NOT_FOUND, field=["requestId"])
        existing = (
            await Grant.filter(
                line_id=request.line_id,  # type: ignore[attr-defined]
                grantee_id=request.requester_id,  # type: ignore[attr-defined]
                revoked_at__isnull=True,
            )
            .using_db(conn)
            .first()
        )
        if existing is not None:
            existing.level = request.level
            await existing.save(using_db=conn, update_fields=["level"])
            created = existing
        else:
            created = await Grant.create(
                line_id=request.line_id,  # type: ignore[attr-defined]
                grantee_id=request.requester_id,  # type: ignore[attr-defined]
                level=request.level,
                granted_by_id=actor.user_id if status is RequestStatus.APPROVED else None,
                using_db=conn,
            )
        details = {
            "request": request.id,
            "grantee": request.requester_id,  # type: ignore[attr-defined]
            "level": request.level,
            "grant": created.id,
        }
        await record(request.line_id, actor, action, details, using_db=conn)  # type: ignore[attr-defined]
    return created
