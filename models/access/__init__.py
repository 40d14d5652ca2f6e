"""Who may reach a line besides its holder: levels, grants, consent requests, audit.

The capability table itself is policy and lives in auth/policy.py; this module keeps the
facts (who was granted what, who asked) and the rules that change them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.line import Line
    from models.person import User


class AccessLevel(StrEnum):
    FULL = "FULL"
    LIMITED = "LIMITED"


class MobileNetworkAccess(StrEnum):
    """What a password-less session from the mobile network may do on this number."""

    FULL = "FULL"
    LIMITED = "LIMITED"
    DISABLED = "DISABLED"


class Relation(StrEnum):
    OWNER = "OWNER"
    USER = "USER"
    DELEGATE = "DELEGATE"


class RequestStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


class GrantStatus(StrEnum):
    """An owner's grant is an invitation until its grantee answers: only ACTIVE gives access."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    DECLINED = "DECLINED"


class AuditAction(StrEnum):
    GRANT = "GRANT"
    GRANT_ACCEPTED = "GRANT_ACCEPTED"
    GRANT_DECLINED = "GRANT_DECLINED"
    LEVEL_CHANGE = "LEVEL_CHANGE"
    REVOKE = "REVOKE"
    USER_LEVEL_CHANGE = "USER_LEVEL_CHANGE"
    REQUEST_CONFIRMED = "REQUEST_CONFIRMED"
    REQUEST_APPROVED = "REQUEST_APPROVED"
    REQUEST_REJECTED = "REQUEST_REJECTED"
    NETWORK_ACCESS_CHANGE = "NETWORK_ACCESS_CHANGE"
    LINE_UPDATED = "LINE_UPDATED"
    # managing the line: each also has its entry in the line's request history
    TARIFF_CHANGE = "TARIFF_CHANGE"
    SERVICE_CONNECT = "SERVICE_CONNECT"
    SERVICE_DISCONNECT = "SERVICE_DISCONNECT"
    BLOCK = "BLOCK"
    UNBLOCK = "UNBLOCK"
    SMS = "SMS"
    USER_LOGIN_CHANGE = "USER_LOGIN_CHANGE"


class Grant(Model):
    """Access to one line given to another person, FULL or LIMITED, until revoked.

    The owner's grant is an invitation (PENDING) that gives nothing until the grantee
    accepts it. An invitation to a login nobody has is stored too, without a grantee (a
    decoy, like a request's): the owner sees the same answer either way, and nobody can
    ever accept it. Consent (a request confirmed or approved) is ACTIVE at once.
    """

    id = fields.IntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="grants"
    )
    line_id: int
    grantee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="grants_received", null=True
    )
    grantee_id: int | None
    level = fields.CharEnumField(AccessLevel, max_length=8)
    # no access until someone sets ACTIVE on purpose: a forgotten status fails closed
    status = fields.CharEnumField(
        GrantStatus, max_length=8, default=GrantStatus.PENDING, db_default=GrantStatus.PENDING
    )
    # what the owner typed: all they see of the grantee until the invitation is accepted
    invited_login = fields.CharField(max_length=64, null=True)
    invited_key = fields.CharField(max_length=64, null=True, description="auth.lookup.login_key")
    responded_at = fields.DatetimeField(null=True)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="grants_given", null=True, on_delete=fields.SET_NULL
    )
    granted_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "line_grant"
        ordering = ("-created_at", "-id")
        # a viewer's grants (every request), a line's grants, and granted_by's SET NULL
        indexes = (
            Index(fields=("grantee_id",), name="grant_grantee_idx"),
            Index(fields=("line_id",), name="grant_line_idx"),
            Index(fields=("granted_by_id",), name="grant_granted_by_idx"),
        )


class AccessRequest(Model):
    """Someone asks for access to a number. A request for a number that does not exist,
    or whose owner forbids requests, is stored as a decoy without a line: the asker sees
    the same answer either way, and the code sent to nobody can never be confirmed."""

    id = fields.IntField(primary_key=True)
    requester: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="access_requests_made"
    )
    requester_id: int
    line: fields.ForeignKeyNullableRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="access_requests", null=True, on_delete=fields.CASCADE
    )
    line_id: int | None
    level = fields.CharEnumField(AccessLevel, max_length=8)
    code_hash = fields.CharField(max_length=100, description="salt and SHA-256")
    attempts = fields.IntField(default=0)
    status = fields.CharEnumField(RequestStatus, max_length=10, default=RequestStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "access_request"
        ordering = ("-created_at", "-id")
        # a holder's pending requests join through line_id; a requester's own requests
        indexes = (
            Index(fields=("line_id",), name="access_request_line_idx"),
            Index(fields=("requester_id",), name="access_request_requester_idx"),
        )


class AuditEntry(Model):
    """Who changed access to a line, what, when and from which session."""

    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="audit_entries"
    )
    line_id: int
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    session_id = fields.UUIDField(null=True)
    action = fields.CharEnumField(AuditAction, max_length=24)
    details: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_entry"
        ordering = ("-created_at", "-id")
        # a line's audit pages, like the ledger's; actor_id for the SET NULL of a person
        indexes = (
            Index(fields=("line_id", "created_at", "id"), name="audit_line_created_idx"),
            Index(fields=("actor_id",), name="audit_actor_idx"),
        )


class PrimaryLine(Model):
    """The number a person wants shown first."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "linehub.User", related_name="primary_line"
    )
    user_id: int
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="primary_for"
    )
    line_id: int

    class Meta:
        table = "primary_line"
        # user_id is unique already; line_id for the CASCADE of a line's removal
        indexes = (Index(fields=("line_id",), name="primary_line_line_idx"),)
