"""Access types: capabilities, relations, grants, requests and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import GlobalID, to_base64
from strawberry.types import Info

import models
from auth.policy import Capability as CapabilityEnum
from resolvers.access.requests import request_msisdn_for_viewer
from resolvers.ids import db_id
from schema.identity.types import AccessLevel

if TYPE_CHECKING:
    from schema.line import Line

Capability = strawberry.enum(CapabilityEnum, description="Something one may do on a number.")
LineRelation = strawberry.enum(models.Relation, name="LineRelation", description="Why you see it.")
RequestStatus = strawberry.enum(models.RequestStatus, description="Where a request stands.")
AuditAction = strawberry.enum(models.AuditAction, description="What changed.")

LineRef = Annotated["Line", strawberry.lazy("schema.line")]


@strawberry.type(description="A person as shown to someone who shares a number with them.")
class Person:
    name: str = strawberry.field(description="Display name.")


@strawberry.type(description="Access to one line given to another person.")
class LineGrant:
    level: AccessLevel = strawberry.field(description="FULL or LIMITED.")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When it was given.")

    @strawberry.field(description="Global id; pass to revokeLineAccess.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_base64("LineGrant", self.id))  # type: ignore[arg-type]

    @strawberry.field(description="The number it is for.")
    async def msisdn(self, info: Info) -> str:
        line = await info.context.loaders.line_by_id.load(self.line_id)  # type: ignore[attr-defined]
        return line.msisdn

    @strawberry.field(description="Who holds the access.")
    async def grantee(self, info: Info) -> Person:
        return await info.context.loaders.user_by_id.load(self.grantee_id)  # type: ignore[attr-defined]


@strawberry.type(description="Someone asking for access to a number.")
class AccessRequest:
    level: AccessLevel = strawberry.field(description="What they ask for.")  # type: ignore[valid-type]
    status: RequestStatus = strawberry.field(description="Pending, confirmed, ...")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When they asked.")
    expires_at: datetime = strawberry.field(description="When the code stops working.")

    @strawberry.field(description="Global id; pass to confirmLineAccess or respondToAccessRequest.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_base64("AccessRequest", self.id))  # type: ignore[arg-type]

    @strawberry.field(description="The number asked for; shown to its owner only.")
    async def msisdn(self, info: Info) -> str | None:
        return await request_msisdn_for_viewer(info, self)  # type: ignore[arg-type]

    @strawberry.field(description="Who asks.")
    async def requester(self, info: Info) -> Person:
        return await info.context.loaders.user_by_id.load(self.requester_id)  # type: ignore[attr-defined]


@strawberry.type(description="One change of access to a line.")
class AuditEntry:
    action: AuditAction = strawberry.field(description="What changed.")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When.")
    session_id: strawberry.ID | None = strawberry.field(description="From which session.")
    details: strawberry.scalars.JSON = strawberry.field(description="Before and after.")

    @strawberry.field(description="Who did it: the owner, or the asker who entered a consent code.")
    async def actor(self, info: Info) -> Person | None:
        if self.actor_id is None:  # type: ignore[attr-defined]
            return None
        return await info.context.loaders.user_by_id.load(self.actor_id)  # type: ignore[attr-defined]


def grant_id(raw: Any) -> int | None:
    return _decode(raw, "LineGrant")


def request_id(raw: Any) -> int | None:
    return _decode(raw, "AccessRequest")


def _decode(raw: Any, type_name: str) -> int | None:
    try:
        gid = GlobalID.from_id(str(raw))
    except Exception:
        return None
    return db_id(gid.node_id) if gid.type_name == type_name else None
