"""Relay connection types built from a `resolvers.pagination.Page`."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from resolvers.pagination import Page

NodeT = TypeVar("NodeT")


@strawberry.type(description="An edge in a connection.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: NodeT = strawberry.field(description="The item at the end of the edge.")


@strawberry.type(description="A page of a list that can grow; Relay cursor connection.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page stands.")
    page: strawberry.Private[Page[Any]]

    @strawberry.field(description="How many items the whole list holds.")
    async def total_count(self) -> int:
        return await self.page.count()

    @classmethod
    def from_page(cls, page: Page[Any]) -> Connection[Any]:
        edges = [Edge(cursor=page.cursor(i), node=item) for i, item in enumerate(page.items)]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            page=page,
        )
