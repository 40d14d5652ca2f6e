"""An audit entry's details as its reader sees them: names and global ids, no row ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.relay.utils import to_base64

from models import AuditEntry

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context

# details keys naming a person (their row id) and an object with a global id
PEOPLE = ("grantee", "user", "requester")
OBJECTS = {"grant": "LineGrant", "request": "AccessRequest"}


async def resolve_audit_details(info: Info[Context, None], entry: AuditEntry) -> dict[str, Any]:
    """The stored details with every person as their name and every object as its global
    id: internal row ids say nothing to a reader and should not leave the server."""
    details = dict(entry.details or {})
    people = info.context.loaders.user_by_id
    for key in PEOPLE:
        if isinstance(details.get(key), int):
            person = await people.load(details[key])
            details[key] = person.name if person is not None else None
    for key, type_name in OBJECTS.items():
        if isinstance(details.get(key), int):
            details[key] = to_base64(type_name, details[key])
    return details
