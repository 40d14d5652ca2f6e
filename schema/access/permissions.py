"""The capability a number-scoped field or mutation needs, declared on the field itself.

`line_field(Capability.X, ...)` attaches `RequiresCapability`, which reads the viewer's
access to the line from the per-request loader. A field the viewer may not read
resolves to null with `extensions.code: FORBIDDEN`; the rest of the line still
resolves. `line_mutation(resolver, ...)` attaches `DeclaresCapability` with the
capability the resolver was declared with (`resolvers.access.requires`); the resolver
checks it, since the line a mutation acts on comes from its input. Both add
"Requires: X." to the description, and the authorization matrix test lists every field
and mutation carrying either.
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
from resolvers.access import NumberScoped
from resolvers.access.lines import access_to
from resolvers.context import Context

# a Node's id is how a visible line is named; it carries no number-scoped data
UNSCOPED_FIELDS = frozenset({"id"})

# mutations about the viewer themselves, not about a number: deliberately undeclared. A
# mutation neither declared with line_mutation nor listed here fails the matrix test
NOT_NUMBER_SCOPED = frozenset(
    {
        "requestPassword",
        "login",
        "refreshSession",
        "loginWithMobileNetwork",
        "logout",
        "revokeSession",
        "setPassword",
        "changePassword",
        "updateProfile",
        "confirmEmail",
        "setAccessRequestsAllowed",
        # asking is open to anyone logged in; the answer never tells whether it exists
        "requestLineAccess",
        "confirmLineAccess",
        "startSocialLogin",
        "startSocialBinding",
        "completeSocialLogin",
        "unbindSocialIdentity",
    }
)


class DeclaresCapability(FieldExtension):
    """Name the capability a field needs and add "Requires: X." to its description.

    On its own (a mutation) it only declares: it takes no part in resolving.

    Args:
        capability: what the field needs; None means "any relation to the line".
    """

    def __init__(self, capability: Capability | None) -> None:
        self.capability = capability

    def apply(self, field: StrawberryField) -> None:
        need = self.capability.value if self.capability else "any relation to the line"
        note = f"Requires: {need}."
        # apply() runs once per schema built from these types: add the note only once
        if note not in (field.description or ""):
            field.description = f"{field.description or ''} {note}".strip()


class RequiresCapability(DeclaresCapability):
    """Refuse the field unless the viewer's access to `source` (a line) allows it.

    Args:
        capability: what the field needs; None means "any relation to the line".
        line_of: how to get the line id from the source object (default: `source.id`).
    """

    def __init__(
        self, capability: Capability | None, line_of: Callable[[Any], int] | None = None
    ) -> None:
        super().__init__(capability)
        self.line_of = line_of or (lambda source: source.id)

    async def resolve_async(
        self,
        next_: AsyncExtensionResolver,
        source: Any,
        info: Info[Context, None],
        **kwargs: Any,
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


def line_mutation(
    resolver: NumberScoped[..., Any], description: str, **kwargs: Any
) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """`@line_mutation(resolve_x, "...")` on a number-scoped mutation that runs `resolve_x`:
    the field declares the capability `resolve_x` was declared with (`@requires`)."""

    def wrap(method: Callable[..., Awaitable[Any]]) -> Any:
        return strawberry.mutation(
            method,
            description=description,
            extensions=[DeclaresCapability(resolver.capability)],
            **kwargs,
        )

    return wrap


def required_capability(field: StrawberryField) -> tuple[bool, Capability | None]:
    """(declared?, capability) of a field or mutation: what the matrix test reads."""
    for extension in field.extensions:
        if isinstance(extension, DeclaresCapability):
            return True, extension.capability
    return False, None
