"""A line's request history ("История заявок"): every change asked of a line, who asked,
what it cost and how it ended. Written in the same transaction as the change itself."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.indexes import Index
from tortoise.models import Model

from models.access.audit import Actor

if TYPE_CHECKING:
    from models.line import Line
    from models.person import User


class LineRequestKind(StrEnum):
    TARIFF_CHANGE = "TARIFF_CHANGE"
    SERVICE_CONNECT = "SERVICE_CONNECT"
    SERVICE_DISCONNECT = "SERVICE_DISCONNECT"
    BLOCK = "BLOCK"
    UNBLOCK = "UNBLOCK"
    SMS = "SMS"
    AUTOPAY = "AUTOPAY"
    TRUST_PAYMENT = "TRUST_PAYMENT"


class LineRequestStatus(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class LineRequest(Model):
    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="requests"
    )
    line_id: int
    kind = fields.CharEnumField(LineRequestKind, max_length=20)
    status = fields.CharEnumField(LineRequestStatus, max_length=10)
    # who asked; null for the operator's own work (a block ending on its date)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="line_requests", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    # what it was, as a message key and its parameters: told in the reader's language
    summary_key = fields.CharField(max_length=40)
    summary_params: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    price = fields.BigIntField(null=True, description="kopecks charged, if any")
    created_at = fields.DatetimeField(auto_now_add=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "line_request"
        ordering = ("-created_at", "-id")
        # a line's history pages (newest first) and a day's SMS count; actor_id for the
        # SET NULL of a person
        indexes = (
            Index(fields=("line_id", "created_at", "id"), name="line_request_line_idx"),
            Index(fields=("actor_id",), name="line_request_actor_idx"),
        )


async def record_request(
    line_id: int,
    kind: LineRequestKind,
    actor: Actor,
    summary_key: str,
    summary_params: dict[str, Any] | None = None,
    *,
    status: LineRequestStatus = LineRequestStatus.DONE,
    price: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> LineRequest:
    """One entry of the history; DONE ones are completed at once."""
    done = status is not LineRequestStatus.PENDING
    return await LineRequest.create(
        line_id=line_id,
        kind=kind,
        status=status,
        actor_id=actor.user_id,
        summary_key=summary_key,
        summary_params=summary_params or {},
        price=price,
        completed_at=datetime.now(UTC) if done else None,
        using_db=using_db,
    )


async def complete(request_id: int, status: LineRequestStatus) -> bool:
    """A pending request ends (an SMS handed to the gateway, or refused by it)."""
    return bool(
        await LineRequest.filter(id=request_id, status=LineRequestStatus.PENDING).update(
            status=status, completed_at=datetime.now(UTC)
        )
    )
