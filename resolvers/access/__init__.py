"""Access resolvers: who sees which line, and the mutations that change it.

`NUMBER_SCOPED` maps every mutation that acts on a number to the capability it needs.
It is both the declaration and the enforcement: resolvers ask `required(mutation)` for
the capability they check. The authorization matrix test reads it and fails when a
mutation is in neither this map nor `NOT_NUMBER_SCOPED`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from auth.policy import Capability

F = TypeVar("F", bound=Callable[..., object])

NUMBER_SCOPED: dict[str, Capability] = {}

# mutations about the viewer themselves, not about a number
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


def number_scoped(mutation: str, capability: Capability) -> Callable[[F], F]:
    """Declare the capability a number-scoped mutation's resolver checks."""

    def register(resolver: F) -> F:
        NUMBER_SCOPED[mutation] = capability
        return resolver

    return register


def required(mutation: str) -> Capability:
    """The capability `mutation` was declared with (KeyError for an undeclared one)."""
    return NUMBER_SCOPED[mutation]
