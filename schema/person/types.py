"""The person behind a login."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

import models
from resolvers.identity.social import resolve_social_identities
from resolvers.person import resolve_email, resolve_login, resolve_pending_email

if TYPE_CHECKING:
    from schema.identity.social import SocialIdentity

# lazy: schema.identity.social needs User for its payloads
SocialIdentityRef = Annotated["SocialIdentity", strawberry.lazy("schema.identity.social")]


@strawberry.type(description="A person with a linehub login.")
class User(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Display name.")
    alias: str | None = strawberry.field(description="Login alias chosen in settings.")

    @strawberry.field(description="Confirmed recovery e-mail (null in a LIMITED session).")
    async def email(self, info: Info) -> str | None:
        return await resolve_email(info, self)  # type: ignore[arg-type]

    @strawberry.field(description="What this person logs in with: number, 089 login or alias.")
    async def login(self) -> str:
        return await resolve_login(self)  # type: ignore[arg-type]

    @strawberry.field(description="An e-mail waiting for its confirmation code.")
    async def pending_email(self, info: Info) -> str | None:
        return await resolve_pending_email(info, self)  # type: ignore[arg-type]

    @strawberry.field(
        description="Provider accounts you can log in with; yours only, in a FULL session."
    )
    async def social_identities(self, info: Info) -> list[SocialIdentityRef]:
        return await resolve_social_identities(info, self)  # type: ignore[arg-type, return-value]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info) -> bool:
        return isinstance(obj, models.User | cls)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[None]:
        # people are reached through `viewer`, never by a guessed id
        return [None for _ in node_ids]
