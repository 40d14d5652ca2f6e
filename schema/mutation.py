"""Mutation payloads: expected failures become `errors: [UserError!]!`, never exceptions."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from models.errors import DomainError
from schema.scalars import user_error

P = TypeVar("P")


async def run_payload(info: Any, payload: type[P], work: Awaitable[dict[str, Any]]) -> P:
    """Await the resolver work; on a DomainError answer `payload(errors=[...])` instead.

    Error-specific fields (LOCKED's `lockedUntil`) are filled from the error's params
    when the payload declares them.
    """
    try:
        fields = await work
    except DomainError as error:
        extra = {
            name: value
            for name, value in error.params.items()
            if name in getattr(payload, "__annotations__", {})
        }
        return payload(errors=[user_error(error, info.context.language)], **extra)
    return payload(errors=[], **fields)
