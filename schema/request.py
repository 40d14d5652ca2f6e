"""A line's request history ("История заявок"): LineRequest nodes and their filter."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from i18n import translate
from models import LineRequestKind, LineRequestStatus
from resolvers import request as request_resolvers
from resolvers.context import Context
from resolvers.ids import db_id
from schema.access.types import Person
from schema.scalars import Money

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(LineRequestKind, description="What was asked of the line.")
strawberry.enum(LineRequestStatus, description="How it ended, or that it has not yet.")


@strawberry.type(description="One change asked of a line: who, what, what it cost, how it ended.")
class LineRequest(relay.Node):
    id: relay.NodeID[int]
    kind: LineRequestKind = strawberry.field(description="What was asked.")
    status: LineRequestStatus = strawberry.field(description="Pending, done, rejected ...")
    created_at: datetime = strawberry.field(description="When it was asked.")
    completed_at: datetime | None = strawberry.field(description="When it ended.")

    @strawberry.field(description="What it was, in your language.")
    def summary(
        self, root: strawberry.Parent[models.LineRequest], info: Info[Context, None]
    ) -> str:
        return translate(root.summary_key, info.context.language, **root.summary_params)

    @strawberry.field(description="What it cost; null when it cost nothing.")
    def price(self, root: strawberry.Parent[models.LineRequest]) -> Money | None:
        return Money.from_kopecks(root.price) if root.price else None

    @strawberry.field(
        description="Who asked; null for the operator's own work.", graphql_type=Person | None
    )
    async def actor(
        self, root: strawberry.Parent[models.LineRequest], info: Info[Context, None]
    ) -> models.User | None:
        if root.actor_id is None:
            return None
        return await info.context.loaders.user_by_id.load(root.actor_id)

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.LineRequest | cls)

    # rows, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await request_resolvers.resolve_request_nodes(info, [db_id(i) for i in node_ids])


@strawberry.input(description="Narrow a line's request history. Every field is optional.")
class LineRequestFilter:
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Asked at or after."
    )
    to: datetime | None = strawberry.field(default=None, description="Asked before.")
    kinds: list[LineRequestKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    statuses: list[LineRequestStatus] | None = strawberry.field(
        default=None, description="Only these outcomes."
    )

    def to_query(self) -> request_resolvers.RequestFilter:
        return request_resolvers.RequestFilter(self.from_, self.to, self.kinds, self.statuses)
