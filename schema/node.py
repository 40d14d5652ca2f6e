"""`node(id)` and `nodes(ids)`: global ids resolved by each type's own loader-backed rule.

An id of an unknown type, or of something the viewer may not see, is simply null:
a guessed id tells nothing. Only an id that is not a global id at all is INVALID_INPUT.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.relay import GlobalID, GlobalIDValueError
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from models.errors import DomainError, ErrorCode
from resolvers.context import Context
from resolvers.ids import db_id

MAX_NODES = 100


async def load_by_int_ids(loader: Any, node_ids: Iterable[str]) -> list[Any]:
    """A Node type's resolve_nodes through its loader: ids that are not numbers find None."""
    ids = [db_id(i) for i in node_ids]
    found = await loader.load_many([i for i in ids if i is not None])
    by_id = {row.id: row for row in found if row is not None}
    return [by_id.get(i) if i is not None else None for i in ids]


def typed_db_id(raw: str, type_name: str) -> int | None:
    """The database id in a global id of `type_name`; any other text finds nothing."""
    try:
        gid = GlobalID.from_id(str(raw))
    except Exception:
        return None
    return db_id(gid.node_id) if gid.type_name == type_name else None


def _decode(raw: str, field: list[str]) -> GlobalID:
    try:
        return GlobalID.from_id(raw)
    except (GlobalIDValueError, ValueError, TypeError):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_id", field=field) from None


def _node_class(info: Info[Context, None], type_name: str) -> type[relay.Node] | None:
    definition = info.schema.get_type_by_name(type_name)
    # interfaces (Node itself) have no rows of their own: an id naming one is just unknown
    if not isinstance(definition, StrawberryObjectDefinition) or definition.is_interface:
        return None
    origin = definition.origin
    if origin is relay.Node or not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        return None
    return origin


async def resolve_nodes(
    info: Info[Context, None], raw_ids: list[str], field: list[str]
) -> list[Any]:
    """Resolve global ids in order, one batch per type; unknown or invisible ones are None."""
    decoded = [_decode(raw, field) for raw in raw_ids]
    by_type: dict[str, list[str]] = defaultdict(list)
    for gid in decoded:
        by_type[gid.type_name].append(gid.node_id)
    found: dict[tuple[str, str], Any] = {}
    for type_name, node_ids in by_type.items():
        cls = _node_class(info, type_name)
        if cls is None:
            continue
        nodes = cls.resolve_nodes(info=info, node_ids=node_ids, required=False)
        objects = await nodes if inspect.isawaitable(nodes) else nodes
        found.update(((type_name, nid), obj) for nid, obj in zip(node_ids, objects, strict=True))
    return [found.get((gid.type_name, gid.node_id)) for gid in decoded]


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when it is not visible.")
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> relay.Node | None:
        return (await resolve_nodes(info, [id], ["id"]))[0]

    @strawberry.field(description="Several objects by global id, in order; null where hidden.")
    async def nodes(
        self,
        info: Info[Context, None],
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="At most 100 global ids.")
        ],
    ) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise DomainError(
                ErrorCode.INVALID_INPUT, "first_too_large", field=["ids"], max=MAX_NODES
            )
        return await resolve_nodes(info, list(ids), ["ids"])
