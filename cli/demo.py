"""`linehub demo`: load the demo family (API.md section 9) into the configured database."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from tortoise import Tortoise
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from auth.lookup import find_user, login_key, login_of
from auth.passwords import Hasher
from cli import demo_data as data
from cli.db import ensure_sqlite_dir, wipe_all
from cli.demo_money import (
    HISTORY_MONTHS,
    current_fee,
    demo_money,
    give_bonuses_on_tariff,
    money_history,
    period_starts,
)
from cli.demo_usage import demo_usage
from config import Settings
from devprovider.hub import DEV_PROVIDER_ID, DEV_USERS, dev_issuer, dev_landing_uri
from models import (
    AccessLevel,
    Allowance,
    Contract,
    Credential,
    EntryKind,
    Line,
    LineService,
    Service,
    Tariff,
    User,
    post_entry,
    tortoise_config,
)
from models.access.audit import Actor
from models.access.grants import Invitee, invite, respond
from models.allowance import next_month_start, packages_of
from models.block import BlockReason, block
from models.errors import DomainError
from models.request import LineRequest, LineRequestKind, LineRequestStatus, record_request
from models.social import bind_identity

DEMO_MARKER_MSISDN = "9031234567"


async def database_is_empty() -> bool:
    return not await User.exists() and not await Tariff.exists()


async def load_demo(settings: Settings) -> dict[str, User]:
    """Create the catalogue, the people, their contracts and lines, balances and services."""
    password_hash = await Hasher(settings.argon2).hash(settings.demo_password)
    async with in_transaction():
        tariffs = {}
        for (
            code,
            name,
            kind,
            fee,
            minutes,
            sms,
            data_mb,
            unlimited,
            speed,
            channels,
            text,
        ) in data.TARIFFS:
            tariffs[code] = await Tariff.create(
                code=code,
                name=name,
                kind=kind,
                monthly_fee=fee,
                minutes=minutes,
                sms=sms,
                data_mb=data_mb,
                unlimited_data=unlimited,
                speed_mbps=speed,
                tv_channels=channels,
                description=text,
            )
        for code, name, kind, fee in data.ARCHIVED_TARIFFS:
            await Tariff.create(code=code, name=name, kind=kind, monthly_fee=fee, archived=True)
        await give_bonuses_on_tariff()
        tariffs = {t.code: t for t in await Tariff.filter(code__in=list(tariffs))}
        services = {}
        for code, name, kind, price, period, subscription, text in data.SERVICES:
            group, forbidden_on = data.SERVICE_RULES.get(code, (None, None))
            services[code] = await Service.create(
                code=code,
                name=name,
                kind=kind,
                price=price,
                period=period,
                is_subscription=subscription,
                description=text,
                exclusive_group=group,
                forbidden_on=forbidden_on,
            )
        people = {
            key: await User.create(name=name, birth_year=year)
            for key, (name, year) in data.PEOPLE.items()
        }
        for person in people.values():
            # one hash for all: the demo password is public anyway
            await Credential.create(user=person, password_hash=password_hash)
        contracts = {
            number: await Contract.create(
                number=number, kind=kind, holder=people[holder], login=login
            )
            for number, kind, holder, login in data.CONTRACTS
        }
        now = datetime.now(UTC)
        resets_at = next_month_start(now)
        for msisdn, contract, user, level, device, label, tariff_code, top_up, codes in data.LINES:
            tariff = tariffs[tariff_code]
            line = await Line.create(
                msisdn=msisdn,
                contract=contracts[contract],
                user=people[user] if user else None,
                user_level=level,
                device_kind=device,
                label=label,
                tariff=tariff,
            )
            payer = people[user] if user else await User.get(id=contracts[contract].holder_id)
            await money_history(line, tariff, payer, people, now)
            await post_entry(line.id, top_up, EntryKind.TOP_UP, "Пополнение картой")
            await current_fee(line, tariff, now)
            for code in codes:
                service = services[code]
                await LineService.create(line=line, service=service, price=service.price)
            await _allowances(line, tariff, data.USED_SHARE.get(msisdn, 0.1), resets_at)
        for msisdn, grantee, level, by in data.GRANTS:
            line = await Line.get(msisdn=msisdn).select_related("contract")
            person, login = people[grantee], await login_of(people[grantee])
            invitee = Invitee(login=login, key=login_key(login), person=person)
            offer = await invite(line, invitee, AccessLevel(level), Actor(people[by].id))
            await respond(offer.id, person.id, True, Actor(person.id))  # and she accepted
        await _history(people, now)
        await demo_money(settings, people)
        await demo_usage(now, period_starts(now, HISTORY_MONTHS + 1))
    for msisdn, reason, by in data.BLOCKS:
        line = await Line.get(msisdn=msisdn)
        await block(line.id, BlockReason(reason), None, Actor(people[by].id))
    return people


async def _history(people: dict[str, User], now: datetime) -> None:
    for msisdn, kind, status, actor, key, params, price, days in data.REQUEST_HISTORY:
        line = await Line.get(msisdn=msisdn)
        who = Actor(people[actor].id if actor else None)
        request = await record_request(
            line.id,
            LineRequestKind(kind),
            who,
            key,
            params,
            status=LineRequestStatus(status),
            price=price or None,
        )
        at = now - timedelta(days=days)
        done = at if status != "PENDING" else None
        await LineRequest.filter(id=request.id).update(created_at=at, completed_at=done)


async def _allowances(line: Line, tariff: Tariff, used: float, resets_at: datetime) -> None:
    for kind, total, unlimited in packages_of(tariff):
        # demo usage is a whole number of units: integer maths keeps it exact
        left = total - (total * round(used * 100)) // 100
        await Allowance.create(
            line=line, kind=kind, total=total, left=left, unlimited=unlimited, resets_at=resets_at
        )


async def load_demo_command(settings: Settings, *, reset: bool, if_empty: bool) -> int:
    ensure_sqlite_dir(settings.database_url)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        try:
            empty = await database_is_empty()
        except OperationalError:
            print(
                "linehub demo: the database has no linehub tables yet; run `linehub migrate` first",
                file=sys.stderr,
            )
            return 1
        if reset:
            await wipe_all()
        elif not empty:
            if if_empty:
                print("linehub demo: the database has data, leaving it as it is")
                await bind_dev_accounts(settings)
                return 0
            print(
                "linehub demo: the database already has data; run `linehub demo --reset` "
                "to wipe it and load the demo again",
                file=sys.stderr,
            )
            return 1
        await load_demo(settings)
        print(f"linehub demo: loaded; log in as {DEMO_MARKER_MSISDN} / {settings.demo_password}")
        await bind_dev_accounts(settings)
        return 0
    finally:
        await Tortoise.close_connections()


# Anna's dev provider account is bound, so "log in with the dev provider" works at once;
# Boris's is not, so binding (and NOT_BOUND before it) can be tried with him.
DEV_BOUND = {"anna": DEMO_MARKER_MSISDN}


async def bind_dev_accounts(settings: Settings) -> None:
    """With SOCIAL_DEV_PROVIDER=1: bind Anna's dev provider account and say how to use it.

    Also on a database that already has the demo (`make run` runs `demo --if-empty`), so
    turning the dev provider on later needs no reset; binding twice changes nothing.
    """
    if not settings.social_dev_provider:
        return
    names = {user.subject: user.name for user in DEV_USERS}
    for subject, msisdn in DEV_BOUND.items():
        person = await find_user(msisdn)
        if person is None:
            continue
        try:
            await bind_identity(
                person.id, DEV_PROVIDER_ID, dev_issuer(settings), subject, names.get(subject)
            )
        except DomainError:  # bound to someone else by hand: theirs to keep
            continue
    subjects = ", ".join(user.subject for user in DEV_USERS)
    print(
        f"linehub demo: social login through the dev provider at {dev_issuer(settings)}\n"
        f'  provider "{DEV_PROVIDER_ID}", accounts {subjects} (pick one on its page)\n'
        f"  redirectUri {dev_landing_uri(settings)} shows the one-time code"
        " (or add your app's URI to SOCIAL_REDIRECT_URIS)\n"
        '  "anna" is bound to Anna: startSocialLogin(input: {provider: "dev", redirectUri: ...})\n'
        '  "boris" is not: log in as 9161112233, then startSocialBinding to bind it'
    )
