"""The capability a number-scoped field needs, declared on the field itself.

`line_field(Capability.X, ...)` attaches `RequiresCapability`, which reads the viewer's
access to the line from the per-request loader. A field the viewer may not read
resolves to null with `extensions.code: FORBIDDEN`; the rest of the line still
resolves. The authorization matrix test lists every field carrying this extension.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from auth.policy import Capability
from models.errors import DomainError, ErrorCode
from resolvers.access.lines import access_to

# a Node's id is how a visible line is named; it carries no number-scoped data
UNSCOPED_FIELDS = frozenset({"id"})


class RequiresCapability(FieldExtension):
    """Refuse the field unless the viewer's access to `source` (a line) allows it.

    Args:
        capability: what the field needs; None means "any relation to the line".
        line_of: how to get the line id from the source object (default: `source.id`).
    """

    def __init__(
        self, capability: Capability | None, line_of: Callable[[Any], int] | None = None
    ) -> None:
        self.capability = capability
        self.line_of = line_of or (lambda source: source.id)

    def apply(self, field: StrawberryField) -> None:
        need = self.capability.value if self.capability else "any relation to the line"
        note = f"Requires: {need}."
        # apply() runs once per schema built from these types: add the note only once
        if note not in (field.description or ""):
            field.description = f"{field.description or ''} {note}".strip()

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        access = await access_to(info, self.line_of(source))
        if not access.visible or (self.capability and not access.allows(self.capability)):
            raise DomainError(ErrorCode.FORBIDDEN)
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result


def line_field(
    capability: Capability | None, description: str, **kwargs: Any
) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """`@line_field(Capability.VIEW_SUMMARY, "...")` on an async resolver of a line type."""

    def wrap(resolver: Callable[..., Awaitable[Any]]) -> Any:
        return strawberry.field(
            resolver,
            description=description,
            extensions=[RequiresCapability(capability)],
            **kwargs,
        )

    return wrap


def required_capability(field: StrawberryField) -> tuple[bool, Capability | None]:
    """(declared?, capability) of a field: what the matrix test reads."""
    for extension in field.extensions:
        if isinstance(extension, RequiresCapability):
            return True, extension.capability
    return False, None
