"""The person's own settings: alias, display name, recovery e-mail (confirmed by a code)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from auth.services import AuthServices
from auth.throttle import ALIAS_CHANGES_PER_USER, EMAIL_CHANGES_PER_USER, enforce
from gateways.email import EmailNotSent
from i18n import translate
from models import EmailConfirmation, User
from models.errors import DomainError, ErrorCode
from models.msisdn import normalize_line_number
from models.social import secret_hash
from models.text import plain_text

ALIAS = re.compile(r"^[A-Za-zА-Яа-яЁё0-9._-]{3,32}$")
# one plain address: none of what address lists, display names or quoted parts are made of
_PART = r'[^@\s,;:<>()\[\]\\"]'
EMAIL = re.compile(rf"^{_PART}{{1,64}}@{_PART}+\.{_PART}{{2,}}$")
CODE_TTL = timedelta(hours=24)
CODE_TRIES = 5


def check_alias(alias: str) -> str:
    """3–32 letters, digits, `.`, `_`, `-`, at least one letter, and never a number."""
    candidate = alias.strip()
    if not ALIAS.match(candidate) or not any(c.isalpha() for c in candidate):
        raise DomainError(ErrorCode.INVALID_INPUT, "alias_format", field=["alias"])
    try:
        normalize_line_number(candidate)
    except DomainError:
        return candidate.casefold()
    raise DomainError(ErrorCode.INVALID_INPUT, "alias_format", field=["alias"])


async def update_profile(
    user: User,
    svc: AuthServices,
    *,
    alias: str | None = None,
    name: str | None = None,
    email: str | None = None,
    language: str,
) -> User:
    """Apply the given fields; all are checked before anything is written.

    A new e-mail address gets its code in `language`, the request's: the person typed
    their own address, and nobody has a stored language.
    """
    new_alias = check_alias(alias) if alias is not None else None
    if new_alias is not None and new_alias != user.alias:
        # counted before the lookup that answers "taken": probing aliases is throttled
        await enforce(svc.throttle, ALIAS_CHANGES_PER_USER.of(str(user.id)))
    new_name = plain_text(name.strip(), field="name") if name is not None else None
    if new_name is not None and not 1 <= len(new_name) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "name_length", field=["name"])
    new_email = email.strip() if email is not None else None
    if new_email is not None and (len(new_email) > 254 or not EMAIL.match(new_email)):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_email", field=["email"])
    if new_email is not None:
        # every change mails a stranger's address: bound how often
        await enforce(svc.throttle, EMAIL_CHANGES_PER_USER.of(str(user.id)))
    changed: list[str] = []
    if new_alias is not None and new_alias != user.alias:
        if await User.filter(alias=new_alias).exclude(id=user.id).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "alias_taken", field=["alias"])
        user.alias = new_alias
        changed.append("alias")
    if new_name is not None and new_name != user.name:
        user.name = new_name
        changed.append("name")
    code = f"{secrets.randbelow(10**6):06d}"
    # the link's own secret: long enough to confirm by itself, without a login
    token = secrets.token_urlsafe(32)
    if new_email is not None:
        # mailed before anything is written: a mail server that fails changes nothing
        await _mail_code(new_email, code, token, svc, language)
    try:
        async with in_transaction():
            if changed:
                # only what this request changed: the row loaded at authentication is stale
                # for anything another request wrote meanwhile
                await user.save(update_fields=changed)
            if new_email is not None:
                await _store_code(user, new_email, code, token)
    except IntegrityError:  # the alias was taken between the check and the write
        raise DomainError(ErrorCode.INVALID_INPUT, "alias_taken", field=["alias"]) from None
    return user


def _code_hash(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


async def _mail_code(email: str, code: str, token: str, svc: AuthServices, language: str) -> None:
    link = f"{svc.settings.public_url}/confirm-email?token={token}"
    try:
        await svc.email.send(
            email,
            translate("email_confirmation_subject", language),
            translate("email_confirmation_body", language, code=code, link=link),
        )
    except EmailNotSent:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "email_not_sent", field=["email"]) from None


async def _store_code(user: User, email: str, code: str, token: str) -> None:
    await EmailConfirmation.filter(user_id=user.id, confirmed_at__isnull=True).delete()
    await EmailConfirmation.create(
        user=user,
        email=email,
        code_hash=_code_hash(user.id, code),
        link_hash=secret_hash(token),
        expires_at=datetime.now(UTC) + CODE_TTL,
    )


async def pending_by_link(token: str) -> EmailConfirmation | None:
    """The confirmation a link names, while it may still be confirmed."""
    return await EmailConfirmation.get_or_none(
        link_hash=secret_hash(token[:200]),
        confirmed_at__isnull=True,
        expires_at__gt=datetime.now(UTC),
    )


async def confirm_by_link(token: str) -> str | None:
    """Confirm the address a link names (the mail reached it: that is the proof); the
    address, or None for a link that is wrong, used or expired. One conditional UPDATE:
    of two clicks one confirms, the other is told the link is used."""
    pending = await pending_by_link(token)
    if pending is None:
        return None
    async with in_transaction():
        done = await EmailConfirmation.filter(id=pending.id, confirmed_at__isnull=True).update(
            confirmed_at=datetime.now(UTC)
        )
        if not done:
            return None
        await User.filter(id=pending.user_id).update(email=pending.email)
    return pending.email


async def pending_email(user: User) -> str | None:
    pending = await EmailConfirmation.filter(user_id=user.id, confirmed_at__isnull=True).first()
    return pending.email if pending else None


async def confirm_email(user: User, code: str) -> User:
    pending = await EmailConfirmation.filter(
        user_id=user.id, confirmed_at__isnull=True, expires_at__gt=datetime.now(UTC)
    ).first()
    # the try is spent before the comparison, atomically, so parallel guesses share it
    if (
        pending is None
        or not await EmailConfirmation.filter(id=pending.id, attempts__lt=CODE_TRIES).update(
            attempts=F("attempts") + 1
        )
        or not secrets.compare_digest(pending.code_hash, _code_hash(user.id, code.strip()))
    ):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_code", field=["code"])
    pending.confirmed_at = datetime.now(UTC)
    await pending.save(update_fields=["confirmed_at"])
    user.email = pending.email
    await user.save(update_fields=["email"])
    return user
