"""Changing a line's tariff: whether it may, what it costs now, and the change itself.

The price rule (README, "Changing a tariff"):
- the new tariff takes effect at once; the old one's fee for this period was paid;
- now is charged the difference between the two tariffs' fees for the rest of the
  period, pro rata by the second: max(0, (new - old) * seconds left // seconds in the
  period), rounded down to the kopeck; going to a cheaper tariff costs nothing and
  refunds nothing;
- plus CHANGE_FEE when the line changed its tariff in the last 30 days (the first
  change in a month is free);
- the packages become the new tariff's, pro rata for the rest of the period (what was
  left of the old ones is not carried over), rounded down to the unit.

A quote is honoured for QUOTE_TTL as quoted: a change made with its token charges the
quoted amount, unless what the price depends on has changed since (the tariff edited,
the line's own tariff changed, the period rolled over, a change fee now due): then it
is PRICE_CHANGED and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, translate
from models.access import AuditAction
from models.access.audit import Actor, record
from models.allowance import Allowance, AllowanceKind, Period, billing_period, packages_of
from models.contract import Contract, ContractKind
from models.errors import DomainError, ErrorCode
from models.ledger import charge
from models.line import DeviceKind, Line, LineStatus
from models.money import format_decimal, to_decimal
from models.request import LineRequest, LineRequestKind, LineRequestStatus, record_request
from models.tariff import Tariff, TariffKind, fingerprint

CHANGE_FEE = 100_00
RECENT_CHANGE = timedelta(days=30)
QUOTE_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class Package:
    kind: AllowanceKind
    total: int
    left: int
    unlimited: bool


@dataclass(frozen=True)
class Quote:
    line_id: int
    from_tariff_id: int | None
    tariff: Tariff
    refused: DomainError | None  # why the change is not allowed now
    charge_now: int
    change_fee: int
    period: Period
    quoted_at: datetime
    packages: list[Package]

    @property
    def allowed(self) -> bool:
        return self.refused is None

    def claims(self) -> dict[str, Any]:
        """What the preview token signs: everything the price depends on."""
        return {
            "line": self.line_id,
            "from": self.from_tariff_id,
            "to": self.tariff.id,
            "tariff": fingerprint(self.tariff),
            "period": int(self.period.end.timestamp()),
            "fee": self.change_fee,
            "charge": self.charge_now,
            "exp": int((self.quoted_at + QUOTE_TTL).timestamp()),
        }


def refusal(line: Line, contract: Contract, tariff: Tariff) -> DomainError | None:
    """Why `tariff` cannot go on this line, or None.

    Mobile tariffs go on the SIMs of a mobile contract; home internet and TV tariffs on
    the router of a home-internet contract. A phone needs a tariff with calls: a data-only
    tariff is for tablets and modems.
    """
    field = ["tariffId"]
    if line.status is LineStatus.BLOCKED:
        return DomainError(ErrorCode.LINE_BLOCKED, "line_blocked", field=["msisdn"])
    if tariff.archived:
        return DomainError(ErrorCode.INCOMPATIBLE, "tariff_archived", field=field)
    if tariff.id == line.tariff_id:
        return DomainError(ErrorCode.INCOMPATIBLE, "tariff_already", field=field)
    home = contract.kind is ContractKind.HOME_INTERNET
    if home != (tariff.kind in (TariffKind.HOME_INTERNET, TariffKind.TV)):
        return DomainError(ErrorCode.INCOMPATIBLE, "tariff_wrong_contract", field=field)
    if line.device_kind is DeviceKind.PHONE and not tariff.minutes:
        return DomainError(ErrorCode.INCOMPATIBLE, "tariff_no_calls", field=field)
    return None


def _packages(tariff: Tariff, left_share: tuple[int, int]) -> list[Package]:
    seconds_left, seconds = left_share
    return [
        Package(kind, total, total * seconds_left // seconds, unlimited)
        for kind, total, unlimited in packages_of(tariff)
    ]


async def _recently_changed(line_id: int, now: datetime, conn: Any = None) -> bool:
    query = LineRequest.filter(
        line_id=line_id,
        kind=LineRequestKind.TARIFF_CHANGE,
        status=LineRequestStatus.DONE,
        completed_at__gt=now - RECENT_CHANGE,
    )
    if conn is not None:
        query = query.using_db(conn)
    return await query.exists()


async def quote(line: Line, tariff: Tariff, now: datetime | None = None, conn: Any = None) -> Quote:
    """The price of moving `line` to `tariff` now, and why it may not, if so."""
    now = now or datetime.now(UTC)
    contract_query = Contract.filter(id=line.contract_id)
    if conn is not None:
        contract_query = contract_query.using_db(conn)
    contract = await contract_query.get()
    period = await billing_period(line.id, now, conn)
    left, seconds = period.left(now), max(period.seconds, 1)
    old_fee = 0
    if line.tariff_id is not None:
        old_query = Tariff.filter(id=line.tariff_id)
        if conn is not None:
            old_query = old_query.using_db(conn)
        old = await old_query.first()
        old_fee = old.monthly_fee if old is not None else 0
    difference = max(0, (tariff.monthly_fee - old_fee) * left // seconds)
    fee = CHANGE_FEE if await _recently_changed(line.id, now, conn) else 0
    refused = refusal(line, contract, tariff)
    charge_now = difference + fee
    if refused is None and line.balance < charge_now:
        refused = DomainError(ErrorCode.INSUFFICIENT_FUNDS, "insufficient_funds", field=["msisdn"])
    return Quote(
        line_id=line.id,
        from_tariff_id=line.tariff_id,
        tariff=tariff,
        refused=refused,
        charge_now=charge_now,
        change_fee=fee,
        period=period,
        quoted_at=now,
        packages=_packages(tariff, (left, seconds)),
    )


async def change(
    line_id: int, tariff_id: int, quoted: dict[str, Any], actor: Actor
) -> tuple[Line, LineRequest]:
    """Move the line to the tariff at the quoted price, all of it or nothing: the charge
    and its ledger row, the tariff, the packages, the request history and the audit log.

    `quoted` are the verified claims of the preview token. The line is locked first, so
    two submits of one quote change it once (the second finds the line on the new tariff:
    PRICE_CHANGED).
    """
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        tariff = await Tariff.get_or_none(id=tariff_id, using_db=conn)
        if tariff is None:
            raise DomainError(ErrorCode.NOT_FOUND, field=["tariffId"])
        fresh = await quote(line, tariff, now, conn)
        if quoted["from"] != line.tariff_id:
            # the line's tariff changed since the quote (a double submit among others)
            raise DomainError(ErrorCode.PRICE_CHANGED, "price_changed", field=["previewToken"])
        refused = fresh.refused
        if refused is not None and refused.code is not ErrorCode.INSUFFICIENT_FUNDS:
            raise refused
        again = fresh.claims()
        if any(again[key] != quoted[key] for key in ("from", "tariff", "period", "fee")):
            raise DomainError(ErrorCode.PRICE_CHANGED, "price_changed", field=["previewToken"])
        price = int(quoted["charge"])
        if price > 0:
            await charge(
                conn,
                line.id,
                price,
                translate("ledger_tariff_change", OPERATOR_LANGUAGE, tariff=tariff.name),
            )
        await Line.filter(id=line.id).using_db(conn).update(tariff_id=tariff.id)
        await Allowance.filter(line_id=line.id).using_db(conn).delete()
        for package in fresh.packages:
            await Allowance.create(
                line_id=line.id,
                kind=package.kind,
                total=package.total,
                left=package.left,
                unlimited=package.unlimited,
                resets_at=fresh.period.end,
                using_db=conn,
            )
        params = {"tariff": tariff.name}
        request = await record_request(
            line.id,
            LineRequestKind.TARIFF_CHANGE,
            actor,
            "request_tariff_change",
            params,
            price=price,
            using_db=conn,
        )
        details = {"tariff": tariff.name, "price": format_decimal(to_decimal(price))}
        await record(line.id, actor, AuditAction.TARIFF_CHANGE, details, using_db=conn)
        line.tariff_id = tariff.id
        if price:
            line.balance -= price
    return line, request
