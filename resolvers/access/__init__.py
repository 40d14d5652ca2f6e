"""Access resolvers: who sees which line, and the mutations that change it.

A number-scoped mutation declares the capability it needs once, on its resolver:
`@requires(Capability.X)`. The declaration is also the enforcement: the resolver is
called with that capability and checks exactly it. The schema reads the same
declaration (`schema.access.permissions.line_mutation`) to mark the mutation field, add
"Requires: X." to its description and let the authorization matrix test list it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeAlias, TypeVar

from auth.policy import Capability

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context

P = ParamSpec("P")
R = TypeVar("R")

# a resolver as written: info, then the capability it checks, then its own arguments
# (a string: Context is imported for the type checker only)
Checking: TypeAlias = "Callable[Concatenate[Info[Context, None], Capability, P], Awaitable[R]]"


class NumberScoped(Generic[P, R]):
    """A number-scoped mutation's resolver with the capability it was declared with.

    Made by `requires`. Calling it calls the resolver with `capability` right after
    `info`, so the body checks what was declared and never names it again.
    """

    def __init__(self, capability: Capability, resolver: Checking[P, R]) -> None:
        self.capability = capability
        self.resolver = resolver
        functools.update_wrapper(self, resolver)

    def __call__(
        self, info: Info[Context, None], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[R]:
        return self.resolver(info, self.capability, *args, **kwargs)


def requires(capability: Capability) -> Callable[[Checking[P, R]], NumberScoped[P, R]]:
    """Declare the capability a number-scoped mutation needs, on its resolver.

    Args:
        capability: what the viewer must hold on the line the mutation acts on.

    Example:
        @requires(Capability.MANAGE_LINE)
        async def resolve_update_line(
            info: Info[Context, None], need: Capability, msisdn: str
        ) -> Line:
            line, _, session = await line_for_mutation(info, msisdn, need)
            ...
    """

    def declare(resolver: Checking[P, R]) -> NumberScoped[P, R]:
        return NumberScoped(capability, resolver)

    return declare
