"""Access types: capabilities, relations, grants, requests and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import to_base64
from strawberry.types import Info

import models
from auth.policy import Capability
from models import AuditAction, GrantStatus, RequestStatus
from models import Relation as LineRelation
from resolvers.access.audit import resolve_audit_details
from resolvers.access.grants import resolve_granted_by, resolve_grantee
from resolvers.access.requests import request_msisdn_for_viewer
from resolvers.context import Context
from schema.identity.types import AccessLevel
from schema.node import typed_db_id

if TYPE_CHECKING:
    from schema.line import Line

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(Capability, description="Something one may do on a number.")
strawberry.enum(LineRelation, name="LineRelation", description="Why you see it.")
strawberry.enum(RequestStatus, description="Where a request stands.")
strawberry.enum(GrantStatus, description="Where an invitation stands.")
strawberry.enum(AuditAction, description="What changed.")

LineRef = Annotated["Line", strawberry.lazy("schema.line")]


@strawberry.type(description="A person as shown to someone who shares a number with them.")
class Person:
    name: str = strawberry.field(description="Display name.")


@strawberry.type(
    description="Access to one line given to another person: an invitation until they accept."
)
class LineGrant:
    level: AccessLevel = strawberry.field(description="FULL or LIMITED.")
    status: GrantStatus = strawberry.field(
        description="PENDING until the grantee answers; only ACTIVE gives access."
    )
    created_at: datetime = strawberry.field(description="When it was given.")
    responded_at: datetime | None = strawberry.field(
        description="When the grantee accepted or declined.", default=None
    )

    @strawberry.field(description="Global id; pass to respondToGrant or revokeLineAccess.")
    def id(self, root: strawberry.Parent[models.Grant]) -> strawberry.ID:
        return strawberry.ID(to_base64("LineGrant", root.id))

    @strawberry.field(
        description="The login the owner typed when inviting (null when the person asked)."
    )
    def login(self, root: strawberry.Parent[models.Grant]) -> str | None:
        return root.invited_login

    @strawberry.field(description="The number it is for.")
    async def msisdn(self, root: strawberry.Parent[models.Grant], info: Info[Context, None]) -> str:
        line = await info.context.loaders.line_by_id.load(root.line_id)
        assert line is not None  # a grant's line is a foreign key: the row exists
        return line.msisdn

    @strawberry.field(
        description="Who holds it: shown to the owner once they accept (until then, login).",
        graphql_type=Person | None,
    )
    async def grantee(
        self, root: strawberry.Parent[models.Grant], info: Info[Context, None]
    ) -> models.User | None:
        return await resolve_grantee(info, root)

    @strawberry.field(description="Who offered it.", graphql_type=Person | None)
    async def granted_by(
        self, root: strawberry.Parent[models.Grant], info: Info[Context, None]
    ) -> models.User | None:
        return await resolve_granted_by(info, root)


@strawberry.type(description="Someone asking for access to a number.")
class AccessRequest:
    level: AccessLevel = strawberry.field(description="What they ask for.")
    status: RequestStatus = strawberry.field(description="Pending, confirmed, ...")
    created_at: datetime = strawberry.field(description="When they asked.")
    expires_at: datetime = strawberry.field(description="When the code stops working.")

    @strawberry.field(description="Global id; pass to confirmLineAccess or respondToAccessRequest.")
    def id(self, root: strawberry.Parent[models.AccessRequest]) -> strawberry.ID:
        return strawberry.ID(to_base64("AccessRequest", root.id))

    @strawberry.field(description="The number asked for; shown to its owner only.")
    async def msisdn(
        self, root: strawberry.Parent[models.AccessRequest], info: Info[Context, None]
    ) -> str | None:
        return await request_msisdn_for_viewer(info, root)

    @strawberry.field(description="Who asks.", graphql_type=Person)
    async def requester(
        self, root: strawberry.Parent[models.AccessRequest], info: Info[Context, None]
    ) -> models.User | None:  # the loader admits None; the foreign key rules it out
        return await info.context.loaders.user_by_id.load(root.requester_id)


@strawberry.type(description="One change of access to a line.")
class AuditEntry:
    action: AuditAction = strawberry.field(description="What changed.")
    created_at: datetime = strawberry.field(description="When.")
    session_id: strawberry.ID | None = strawberry.field(description="From which session.")

    @strawberry.field(
        description="Before and after: people by name, grants and requests by global id.",
        graphql_type=strawberry.scalars.JSON,
    )
    async def details(
        self, root: strawberry.Parent[models.AuditEntry], info: Info[Context, None]
    ) -> dict[str, Any]:
        return await resolve_audit_details(info, root)

    @strawberry.field(
        description="Who did it: the owner, or the asker who entered a consent code.",
        graphql_type=Person | None,
    )
    async def actor(
        self, root: strawberry.Parent[models.AuditEntry], info: Info[Context, None]
    ) -> models.User | None:
        if root.actor_id is None:
            return None
        return await info.context.loaders.user_by_id.load(root.actor_id)


def grant_id(raw: str) -> int | None:
    return typed_db_id(raw, "LineGrant")


def request_id(raw: str) -> int | None:
    return typed_db_id(raw, "AccessRequest")
