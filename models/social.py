"""Social login: provider accounts bound to people, authorization attempts, one-time codes.

An identity is the pair (issuer, subject) the provider vouches for, never an e-mail
address: e-mails change hands and are not verified the same way by every provider.
Attempts and codes are rows, not process memory, so that any worker can finish a flow
that another one started. Each is spent by one conditional UPDATE: of two racing
requests with the same state or code, exactly one wins.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.indexes import Index
from tortoise.models import Model

from models.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from models.person import User

ATTEMPT_TTL = timedelta(minutes=10)
CODE_TTL = timedelta(minutes=2)
# spent and expired rows are kept a little while for investigation, then deleted
KEEP_SPENT = timedelta(days=1)


class SocialPurpose(StrEnum):
    LOGIN = "LOGIN"
    BIND = "BIND"


def secret_hash(value: str) -> str:
    """SHA-256 of a random bearer secret (state, one-time code): 256 bits need no slow hash."""
    return hashlib.sha256(value.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class SocialIdentity(Model):
    """A provider account bound to a person, keyed by issuer and subject."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="social_identities"
    )
    user_id: int
    provider = fields.CharField(max_length=32, description="configured provider id at binding")
    issuer = fields.CharField(max_length=255)
    subject = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=200, null=True)
    bound_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "social_identity"
        unique_together = (("issuer", "subject"),)
        ordering = ("bound_at", "id")
        # a person's bound accounts
        indexes = (Index(fields=("user_id",), name="social_identity_user_idx"),)


class SocialAttempt(Model):
    """One authorization request at a provider. Lives 10 minutes and is spent once.

    The state is stored hashed. The PKCE verifier and the nonce are kept as they are:
    the verifier is sent to the token endpoint and the nonce compared with the ID token.
    """

    id = fields.IntField(primary_key=True)
    state_hash = fields.CharField(max_length=64, unique=True)
    provider = fields.CharField(max_length=32)
    purpose = fields.CharEnumField(SocialPurpose, max_length=8)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="social_attempts", null=True, description="who binds"
    )
    user_id: int | None
    code_verifier = fields.CharField(max_length=128)
    nonce = fields.CharField(max_length=128, null=True)
    callback_uri = fields.CharField(max_length=500, description="the hub callback sent")
    redirect_uri = fields.CharField(max_length=500, description="the app URI to return to")
    app_state = fields.CharField(max_length=200, null=True, description="echoed to the app")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "social_attempt"
        # every new attempt sweeps the long-dead ones by expires_at
        indexes = (
            Index(fields=("expires_at",), name="social_attempt_expires_idx"),
            Index(fields=("user_id",), name="social_attempt_user_idx"),
        )


class SocialLoginCode(Model):
    """The one-time code an app exchanges with completeSocialLogin. Stored as SHA-256."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharEnumField(SocialPurpose, max_length=8)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="social_login_codes"
    )
    user_id: int
    provider = fields.CharField(max_length=32)
    issuer = fields.CharField(max_length=255)
    subject = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "social_login_code"
        # every new code sweeps the long-dead ones by expires_at
        indexes = (
            Index(fields=("expires_at",), name="social_login_code_expires_idx"),
            Index(fields=("user_id",), name="social_login_code_user_idx"),
        )


async def open_attempt(**values: Any) -> SocialAttempt:
    """Record a new attempt (10 minutes); long-dead ones are swept on the way."""
    now = _now()
    await SocialAttempt.filter(expires_at__lt=now - KEEP_SPENT).delete()
    return await SocialAttempt.create(expires_at=now + ATTEMPT_TTL, **values)


async def spend_attempt(state: str) -> tuple[SocialAttempt | None, bool]:
    """(the attempt the state names, whether this call spent it).

    An unknown state gives (None, False); a used or expired one gives the attempt and
    False, so the browser can still be sent back to the app it came from.
    """
    attempt = await SocialAttempt.get_or_none(state_hash=secret_hash(state))
    if attempt is None:
        return None, False
    spent = await SocialAttempt.filter(
        id=attempt.id, used_at__isnull=True, expires_at__gt=_now()
    ).update(used_at=_now())
    return attempt, bool(spent)


async def issue_code(code: str, **values: Any) -> SocialLoginCode:
    now = _now()
    await SocialLoginCode.filter(expires_at__lt=now - KEEP_SPENT).delete()
    return await SocialLoginCode.create(
        code_hash=secret_hash(code), expires_at=now + CODE_TTL, **values
    )


async def live_code(code: str) -> SocialLoginCode | None:
    """The code's row while it is unused and unexpired; None otherwise."""
    return await SocialLoginCode.get_or_none(
        code_hash=secret_hash(code), used_at__isnull=True, expires_at__gt=_now()
    )


async def spend_code(row: SocialLoginCode) -> bool:
    """Spend it once: of two racing completions with the same code, one wins."""
    return bool(
        await SocialLoginCode.filter(id=row.id, used_at__isnull=True, expires_at__gt=_now()).update(
            used_at=_now()
        )
    )


async def bound_identity(issuer: str, subject: str) -> SocialIdentity | None:
    return await SocialIdentity.get_or_none(issuer=issuer, subject=subject)


async def bind_identity(
    user_id: int, provider: str, issuer: str, subject: str, display_name: str | None
) -> SocialIdentity:
    """Bind the account to the person; binding it again to the same person is a no-op.

    An account bound to anyone else is IDENTITY_IN_USE. The unique (issuer, subject)
    index settles a race between two people binding the same account at once.
    """
    existing = await bound_identity(issuer, subject)
    if existing is None:
        try:
            return await SocialIdentity.create(
                user_id=user_id,
                provider=provider,
                issuer=issuer,
                subject=subject,
                display_name=display_name,
            )
        except IntegrityError:
            existing = await bound_identity(issuer, subject)
    if existing is None or existing.user_id != user_id:
        raise DomainError(ErrorCode.IDENTITY_IN_USE)
    if display_name and existing.display_name != display_name:
        existing.display_name = display_name
        await existing.save(update_fields=["display_name"])
    return existing


async def unbind_identity(user_id: int, identity_id: int) -> SocialIdentity:
    """Only one's own identity; anyone else's is NOT_FOUND, like one that never was."""
    identity = await SocialIdentity.get_or_none(id=identity_id, user_id=user_id)
    if identity is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=["identityId"])
    await identity.delete()
    return identity
