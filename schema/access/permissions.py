"""The capability a number-scoped field or mutation needs, declared on the field itself.

A field of `Line` is a `line_field(Capability.X, ...)`: a `GuardedField` that checks the
viewer's access, decided once per line when it entered the answer (`LineView`), with
no lookup and no wait. A field the viewer may not read resolves to null with
`extensions.code: FORBIDDEN`; the rest of the line still resolves. A field with
arguments is a resolver under `line_field_with_args`, checked the same way.

`line_mutation(resolver, ...)` attaches `DeclaresCapability` with the capability the
resolver was declared with (`resolvers.access.requires`); the resolver checks it, since
the line a mutation acts on comes from its input. All add "Requires: X." to the
description, and the authorization matrix test lists every field
and mutation carrying either.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Self

import strawberry
from strawberry.extensions.field_extension import (
    AsyncExtensionResolver,
    FieldExtension,
    SyncExtensionResolver,
)
from strawberry.types import Info, get_object_definition
from strawberry.types.field import StrawberryField

from auth.policy import Capability, LineAccess
from models.errors import DomainError, ErrorCode
from resolvers.access import NumberScoped
from resolvers.access.lines import LineView
from resolvers.context import Context
from resolvers.line import Related
from schema.fields import ComputedField, Read, selected_names

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
        "revokeOtherSessions",
        "setPassword",
        "changePassword",
        "updateProfile",
        "confirmEmail",
        "setAccessRequestsAllowed",
        # asking is open to anyone logged in; the answer never tells whether it exists
        "requestLineAccess",
        "confirmLineAccess",
        # the grantee answers an offer made to them: no relation to the line yet
        "respondToGrant",
        "startSocialLogin",
        "startSocialBinding",
        "completeSocialLogin",
        "unbindSocialIdentity",
        # a person's own cards: account data, not a number's
        "bindCard",
        "unbindCard",
        "setDefaultCard",
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
        _note(field, self.capability)


def allowed(access: LineAccess, capability: Capability | None) -> bool:
    """Whether a field needing `capability` (None: any relation) may be read."""
    return access.visible and (capability is None or access.allows(capability))


def _require(line: LineView, capability: Capability | None) -> None:
    if not allowed(line.access, capability):
        raise DomainError(ErrorCode.FORBIDDEN)


def _note(field: StrawberryField, capability: Capability | None) -> None:
    need = capability.value if capability else "any relation to the line"
    note = f"Requires: {need}."
    # apply() runs once per schema built from these types: add the note only once
    if note not in (field.description or ""):
        field.description = f"{field.description or ''} {note}".strip()


class GuardedField(ComputedField):
    """A field of a line, read synchronously off the `LineView` once its capability holds.

    Args:
        capability: what the field needs; None means "any relation to the line".
        related: the relation it reads through a loader, if any: a list of lines loads
            it for the whole page up front (`prefetch`), and the field then reads it
            without waiting.
    """

    def __init__(
        self,
        *,
        capability: Capability | None = None,
        related: Related[Any, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if kwargs.get("read") is None:
            self.read = lambda line: getattr(line.row, self.python_name)
        self.capability = capability
        self.related = related

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: Any) -> Any:
        _require(source, self.capability)
        return self.read(source)

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied.capability, copied.related = self.capability, self.related
        return copied


class RequiresCapability(DeclaresCapability):
    """Refuse a resolver field of a line unless the viewer's access allows it.

    For fields with arguments (a line's history pages), which cannot be basic fields.
    The access is the one decided for the `LineView`: checking it waits on nothing.
    """

    def resolve(
        self, next_: SyncExtensionResolver, source: Any, info: Info[Context, None], **kwargs: Any
    ) -> Any:
        _require(source, self.capability)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self,
        next_: AsyncExtensionResolver,
        source: Any,
        info: Info[Context, None],
        **kwargs: Any,
    ) -> Any:
        _require(source, self.capability)
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result


def line_field(
    capability: Capability | None,
    description: str,
    *,
    read: Read | None = None,
    related: Related[Any, Any] | None = None,
) -> Any:
    """A field of `Line`: `status: LineStatus = line_field(None, "...", read=...)`.

    Without `read` it is the row's attribute of the same name; with `related` it is
    that relation, loaded for the page or on its own.
    """
    if read is None and related is not None:
        read = related.read
    field = GuardedField(capability=capability, related=related, description=description, read=read)
    _note(field, capability)
    return field


def line_field_with_args(
    capability: Capability | None, description: str, **kwargs: Any
) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """`@line_field_with_args(Capability.VIEW_USAGE, "...")` on a resolver of `Line`."""

    def wrap(resolver: Callable[..., Awaitable[Any]]) -> Any:
        return strawberry.field(
            resolver,
            description=description,
            extensions=[RequiresCapability(capability)],
            **kwargs,
        )

    return wrap


async def prefetch(
    info: Info[Context, None], lines: list[LineView], line_type: type, *path: str
) -> None:
    """Load, for a page of lines at once, every relation its nodes were asked for.

    Only for the lines whose access allows the field: a relation nobody may read is
    not loaded at all. Each relation is one batched load (the loaders' own queries).
    """
    if not lines:
        return
    wanted = selected_names(info, *path)
    names = info.schema.config.name_converter
    loads = [
        field.related.load_for([line for line in lines if allowed(line.access, field.capability)])
        for field in get_object_definition(line_type, strict=True).fields
        if isinstance(field, GuardedField)
        and field.related is not None
        and names.get_graphql_name(field) in wanted
    ]
    await asyncio.gather(*loads)


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
    if isinstance(field, GuardedField):
        return True, field.capability
    for extension in field.extensions:
        if isinstance(extension, DeclaresCapability):
            return True, extension.capability
    return False, None
