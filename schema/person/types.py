"""The person behind a login."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from resolvers.context import Context
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
    async def email(
        self, root: strawberry.Parent[models.User], info: Info[Context, None]
    ) -> str | None:
        return await resolve_email(info, root)

    @strawberry.field(description="What this person logs in with: number, 089 login or alias.")
    async def login(self, root: strawberry.Parent[models.User]) -> str:
        return await resolve_login(root)

    @strawberry.field(description="An e-mail waiting for its confirmation code.")
    async def pending_email(
        self, root: strawberry.Parent[models.User], info: Info[Context, None]
    ) -> str | None:
        return await resolve_pending_email(info, root)

    @strawberry.field(
        description="Provider accounts you can log in with; yours only, in a FULL session.",
        graphql_type=list[SocialIdentityRef],
    )
    async def social_identities(
        self, root: strawberry.Parent[models.User], info: Info[Context, None]
    ) -> list[models.SocialIdentity]:
        return await resolve_social_identities(info, root)

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.User | cls)

    # list[Any]: Node.resolve_nodes is typed as returning Self, and this finds no one
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        # people are reached through `viewer`, never by a guessed id
        return [None for _ in node_ids]
