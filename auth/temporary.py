"""Temporary passwords: 8 characters from an unambiguous alphabet, sent by SMS."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from auth.lookup import find_user, login_key
from auth.services import AuthServices
from auth.throttle import (
    PASSWORD_REQUESTS_PER_CLIENT,
    PASSWORD_REQUESTS_PER_NUMBER,
    SMS_PER_PHONE,
    client_key,
    enforce,
)
from i18n import translate
from models import Credential, Line, TemporaryPassword, User
from models.identity import locked_now

# no 0/O/o, 1/I/l: read off a phone screen and typed on another device without doubt
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
LENGTH = 8
TTL = timedelta(minutes=15)  # the SMS text (temporary_password_sms) says 15 minutes
MAX_TRIES = 3


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


async def request_password(
    login: str, client_ip: str | None, svc: AuthServices, *, language: str
) -> None:
    """Send a temporary password if the login exists; behave identically if it does not.

    The answer waits for the same work either way (throttle, lookup, hashing); issuing
    and sending, which only a real login needs, run after it, so its timing says
    nothing about whether the login exists. The SMS is in `language`, the asking
    request's: a person asks for their own password, and nobody has a stored language.
    """
    key = login_key(login)
    await enforce(
        svc.throttle,
        PASSWORD_REQUESTS_PER_CLIENT.of(client_key(client_ip)),
        PASSWORD_REQUESTS_PER_NUMBER.of(key),
    )
    user = await find_user(key)
    password = generate()
    password_hash = await svc.hasher.hash(password)
    if user is not None:
        svc.deferred.start(_issue_and_send(user, password, password_hash, svc, language))


async def issue_and_send(user: User | None, svc: AuthServices, *, language: str) -> bool:
    """Issue a temporary password and send it now in `language` (USSD: the network knows
    who asks); False when no SMS went out."""
    password = generate()
    password_hash = await svc.hasher.hash(password)
    if user is None:
        return False
    return await _issue_and_send(user, password, password_hash, svc, language)


async def _issue_and_send(
    user: User, password: str, password_hash: str, svc: AuthServices, language: str
) -> bool:
    """The SMS is also throttled per phone, whichever login or channel asked, and
    silently: a visible refusal would tell that an alias and a number share a phone."""
    to = await sms_number(user)
    if to is None or await svc.throttle.admit([SMS_PER_PHONE.of(to)]) is not None:
        return False
    now = datetime.now(UTC)
    credential = await Credential.get_or_none(user_id=user.id)
    if credential is not None and locked_now(credential.locked_until):
        # a password login is locked, the temporary one too: a password that cannot work
        # for an hour is not sent; the person learns why, on their own phone (the asker's
        # answer is the same as ever)
        text = translate("login_locked_sms", language, locked_until=credential.locked_until)
        await svc.sms.send(to, text)
        return True
    async with in_transaction():
        # the person's row serializes parallel requests: each voids what the one before
        # it issued, so exactly one password is left waiting
        await User.select_for_update().get(id=user.id)
        await TemporaryPassword.filter(
            user_id=user.id, used_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=now)
        await TemporaryPassword.create(user=user, password_hash=password_hash, expires_at=now + TTL)
    await svc.sms.send(to, translate("temporary_password_sms", language, password=password))
    return True


async def sms_number(user: User) -> str | None:
    """Where a person's SMS go: their own mobile number (a router cannot read SMS)."""
    line = await Line.filter(user_id=user.id).exclude(device_kind="ROUTER").order_by("id").first()
    if line is None:
        # a phone on their contract that nobody else uses is theirs too; one given to a
        # child is the child's: the holder's password must never reach it
        contract_line = (
            await Line.filter(
                contract__holder_id=user.id, device_kind="PHONE", user_id__isnull=True
            )
            .order_by("id")
            .first()
        )
        return contract_line.msisdn if contract_line else None
    return line.msisdn


async def active_temporary(user_id: int) -> TemporaryPassword | None:
    return (
        await TemporaryPassword.filter(
            user_id=user_id,
            used_at__isnull=True,
            voided_at__isnull=True,
            expires_at__gt=datetime.now(UTC),
            attempts__lt=MAX_TRIES,
        )
        .order_by("-created_at", "-id")
        .first()
    )


async def recently_used(user_id: int) -> TemporaryPassword | None:
    """The password this person logged in with last, while it would still be valid."""
    return (
        await TemporaryPassword.filter(
            user_id=user_id, used_at__isnull=False, expires_at__gt=datetime.now(UTC)
        )
        .order_by("-used_at", "-id")
        .first()
    )


async def consume(temporary: TemporaryPassword) -> bool:
    """Spend it once: of two racing logins with the same password, one wins. Whatever
    else is still waiting for this person is voided with it."""
    now = datetime.now(UTC)
    spent = await TemporaryPassword.filter(
        id=temporary.id, used_at__isnull=True, voided_at__isnull=True
    ).update(used_at=now)
    if spent:
        await TemporaryPassword.filter(
            user_id=temporary.user_id,
            used_at__isnull=True,
            voided_at__isnull=True,
        ).update(voided_at=now)
    return bool(spent)


async def reserve_try(temporary: TemporaryPassword | None) -> TemporaryPassword | None:
    """Spend one of its three tries before the password is checked, in one conditional
    UPDATE: parallel guesses cannot all see "tries left". None when none are left."""
    if temporary is None:
        return None
    reserved = await TemporaryPassword.filter(
        id=temporary.id, used_at__isnull=True, voided_at__isnull=True, attempts__lt=MAX_TRIES
    ).update(attempts=F("attempts") + 1)
    return temporary if reserved else None


async def give_back_try(temporary: TemporaryPassword) -> None:
    """The person logged in with their permanent password: this try was not a guess."""
    await TemporaryPassword.filter(id=temporary.id, attempts__gt=0).update(
        attempts=F("attempts") - 1
    )


async def void_if_spent(temporary: TemporaryPassword) -> None:
    """A wrong try: the third one voids it."""
    await TemporaryPassword.filter(id=temporary.id, attempts__gte=MAX_TRIES).update(
        voided_at=datetime.now(UTC)
    )
