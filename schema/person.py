"""The person behind a login."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info  # noqa: TC002 - strawberry reads annotations at runtime

import models


@strawberry.type(description="A person with a linehub login.")
class User(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Display name.")
    alias: str | None = strawberry.field(description="Login alias chosen in settings.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info) -> bool:
        return isinstance(obj, models.User | cls)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[None]:
        # people are reached through `viewer`, never by a guessed id
        return [None for _ in node_ids]
