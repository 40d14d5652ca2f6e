"""Mutation payloads: expected failures become `errors: [UserError!]!`, never exceptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from strawberry.types import Info

from models.errors import DomainError
from resolvers.context import Context
from schema.scalars import user_error

P = TypeVar("P")


Shape = str | Callable[[Any], dict[str, Any]] | None


async def run_payload(
    info: Info[Context, None], payload: Callable[..., P], work: Awaitable[Any], shape: Shape = None
) -> P:
    """Await the resolver work; on a DomainError answer `payload(errors=[...])` instead.

    `shape` puts the result into the payload: a field name, or a function returning the
    payload's fields. Without it the work returns the payload's fields itself (a dict),
    or nothing when the payload carries only `errors`.

    Error-specific fields (LOCKED's `lockedUntil`) are filled from the error's params
    when the payload declares them.
    """
    try:
        result = await work
    except DomainError as error:
        extra = {
            name: value
            for name, value in error.params.items()
            if name in getattr(payload, "__annotations__", {})
        }
        return payload(errors=[user_error(error, info.context.language)], **extra)
    if shape is None:
        fields: dict[str, Any] = result if isinstance(result, dict) else {}
    elif isinstance(shape, str):
        fields = {shape: result}
    else:
        fields = shape(result)
    return payload(errors=[], **fields)


def line_and_request(result: tuple[object, object]) -> dict[str, object]:
    """The payload of a change to a line: the line as it is now, and its request."""
    return {"line": result[0], "request": result[1]}
