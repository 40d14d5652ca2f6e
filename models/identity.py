"""Credentials, temporary passwords, sessions and refresh tokens. Secrets are stored hashed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeGuard

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.access import AccessLevel

if TYPE_CHECKING:
    from models.person import User


class AuthMethod(StrEnum):
    PASSWORD = "PASSWORD"
    TEMPORARY_PASSWORD = "TEMPORARY_PASSWORD"
    MOBILE_NETWORK = "MOBILE_NETWORK"
    SOCIAL = "SOCIAL"


def locked_now(until: datetime | None) -> TypeGuard[datetime]:
    """Whether a lock ending at `until` (a Credential's or a LoginLock's) still holds."""
    return until is not None and until > datetime.now(UTC)


class Credential(Model):
    """The permanent password (argon2id) of a person and the lockout state of password login."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "linehub.User", related_name="credential"
    )
    user_id: int
    password_hash = fields.CharField(max_length=255, null=True)
    failed_attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    # after a lockout the permanent password stays off until a temporary one is used
    permanent_disabled = fields.BooleanField(default=False)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "credential"


class TemporaryPassword(Model):
    """A one-time password sent by SMS: argon2id hash, 15 minutes, 3 tries, single use."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="temporary_passwords"
    )
    user_id: int
    password_hash = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    used_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "temporary_password"
        ordering = ("-created_at", "-id")
        # the person's waiting password, newest first (every temporary-password login)
        indexes = (Index(fields=("user_id", "created_at"), name="temporary_password_user_idx"),)


class Session(Model):
    """One login on one client. Access tokens name it, and it is checked on every request."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="sessions"
    )
    user_id: int
    auth_method = fields.CharEnumField(AuthMethod, max_length=20)
    access_cap = fields.CharEnumField(AccessLevel, max_length=8, default=AccessLevel.FULL)
    must_set_password = fields.BooleanField(default=False)
    # the number a mobile-network session came from (its cap is that number's setting)
    network_msisdn = fields.CharField(max_length=10, null=True)
    user_agent = fields.CharField(max_length=300, default="")
    # what the person called the device at login (loginWithMobileNetwork's deviceName)
    device_name = fields.CharField(max_length=64, null=True)
    client_ip = fields.CharField(max_length=45, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoke_reason = fields.CharField(max_length=40, null=True)

    class Meta:
        table = "session"
        ordering = ("-created_at",)
        # a person's sessions newest first, and revoking them all; the sessions of one
        # number's mobile-network logins when its owner changes that setting
        indexes = (
            Index(fields=("user_id", "created_at"), name="session_user_created_idx"),
            Index(fields=("network_msisdn",), name="session_network_msisdn_idx"),
        )


class RefreshToken(Model):
    """An opaque rotating refresh token: SHA-256 of 256 random bits (no slow hash needed)."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "linehub.Session", related_name="refresh_tokens"
    )
    session_id: uuid.UUID
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"
        # token_hash is unique already; session_id for the CASCADE of a session
        indexes = (Index(fields=("session_id",), name="refresh_token_session_idx"),)


class ThrottleLog(Model):
    """The recent admitted hits of one throttled key, for the sliding windows of
    auth.throttle when Redis is not configured."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    hits = fields.TextField(default="", description="Microsecond timestamps, oldest first")
    last_at = fields.BigIntField(default=0, db_index=True, description="The newest hit")

    class Meta:
        table = "throttle_log"


class LoginLock(Model):
    """Failures and lockout of a login that belongs to nobody, counted exactly like a
    real one in Credential, so that lockout cannot tell which logins exist."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    failed_attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "login_lock"
        # every new unknown login sweeps the rows quiet for two days
        indexes = (Index(fields=("updated_at",), name="login_lock_updated_idx"),)


class EmailConfirmation(Model):
    """A recovery e-mail waiting for its code, it counts only once confirmed."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="email_confirmations"
    )
    user_id: int
    email = fields.CharField(max_length=254)
    code_hash = fields.CharField(max_length=64)
    # SHA-256 of the link's token: the link confirms by itself, from any browser
    link_hash = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    confirmed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_confirmation"
        ordering = ("-created_at",)
        indexes = (Index(fields=("user_id",), name="email_confirmation_user_idx"),)
