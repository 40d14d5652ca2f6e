"""The person behind a login."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

import models
from resolvers.person import resolve_login, resolve_pending_email


@strawberry.type(description="A person with a linehub login.")
class User(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Display name.")
    alias: str | None = strawberry.field(description="Login alias chosen in settings.")
    email: str | None = strawberry.field(description="Confirmed recovery e-mail.")

    @strawberry.field(description="What this person logs in with: number, 089 login or alias.")
    async def login(self) -> str:
        return await resolve_login(self)  # type: ignore[arg-type]

    @strawberry.field(description="An e-mail waiting for its confirmation code.")
    async def pending_email(self) -> str | None:
        return await resolve_pending_email(self)  # type: ignore[arg-type]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info) -> bool:
        return isinstance(obj, models.User | cls)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[None]:
        # people are reached through `viewer`, never by a guessed id
        return [None for _ in node_ids]
