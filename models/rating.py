"""Rating: what one usage record takes from the packages and what it costs.

Calls are rated per started minute, SMS and MMS per message, data per started kilobyte
(API.md section 10). At home, an outgoing call takes the minutes package (any Russian
number), an outgoing SMS the SMS package, data the data package; beyond them the
tariff's price applies, a call to a number this hub does not serve at the off-net
price. Incoming calls and messages at home are free. In roaming nothing comes from the
packages and the zone's prices apply, incoming calls included. Pure functions: the
caller holds the packages and writes the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.allowance import KB_PER_MB, AllowanceKind
from models.tariff import Tariff
from models.usage import Direction, UsageKind

SECONDS_PER_MINUTE = 60
BYTES_PER_KB = 1024


@dataclass(frozen=True)
class HomeRates:
    """Kopecks per unit at home, beyond the packages."""

    minute: int = 2_50
    offnet_minute: int = 3_50
    sms: int = 2_00
    mms: int = 9_00
    mb: int = 10_00


@dataclass(frozen=True)
class RoamingRates:
    """Kopecks per unit in a roaming zone (no package applies)."""

    minute_out: int
    minute_in: int
    sms: int
    mms: int
    mb: int


STANDARD = HomeRates()
ZONES = {
    "CIS": RoamingRates(minute_out=29_00, minute_in=19_00, sms=9_00, mms=19_00, mb=100_00),
    "EUROPE": RoamingRates(minute_out=59_00, minute_in=29_00, sms=19_00, mms=39_00, mb=150_00),
    "WORLD": RoamingRates(minute_out=119_00, minute_in=59_00, sms=25_00, mms=49_00, mb=350_00),
}
# a zone the network names that is not in the table is priced as the rest of the world
DEFAULT_ZONE = "WORLD"
PACKAGE_OF = {
    UsageKind.CALL: AllowanceKind.MINUTES,
    UsageKind.SMS: AllowanceKind.SMS,
    UsageKind.DATA: AllowanceKind.DATA,
}


def home_rates(tariff: Tariff | None) -> HomeRates:
    if tariff is None:
        return STANDARD

    def pick(own: int | None, standard: int) -> int:
        return standard if own is None else own

    return HomeRates(
        minute=pick(tariff.minute_price, STANDARD.minute),
        offnet_minute=pick(tariff.offnet_minute_price, STANDARD.offnet_minute),
        sms=pick(tariff.sms_price, STANDARD.sms),
        mms=pick(tariff.mms_price, STANDARD.mms),
        mb=pick(tariff.mb_price, STANDARD.mb),
    )


@dataclass(frozen=True)
class Usage:
    """What rating needs of a record."""

    kind: UsageKind
    direction: Direction
    seconds: int | None
    bytes: int | None
    units: int | None
    roaming: bool
    zone: str | None
    offnet: bool


def billed_units(usage: Usage) -> int:
    """Started minutes, messages, or started kilobytes."""
    if usage.kind is UsageKind.CALL:
        return -(-(usage.seconds or 0) // SECONDS_PER_MINUTE)
    if usage.kind is UsageKind.DATA:
        return -(-(usage.bytes or 0) // BYTES_PER_KB)
    return max(usage.units or 1, 1)


def _per_kb(kb: int, mb_price: int) -> int:
    # a started kilobyte costs its share of a megabyte, rounded up to a whole kopeck
    return -(-kb * mb_price // KB_PER_MB)


@dataclass
class Packages:
    """A line's packages while a batch is rated: what is left, and which are unlimited."""

    left: dict[AllowanceKind, int]
    unlimited: set[AllowanceKind]

    def take(self, kind: AllowanceKind, units: int) -> tuple[int, int]:
        """(units the package covers, units beyond it); the package shrinks."""
        if kind in self.unlimited:
            return units, 0
        covered = min(self.left.get(kind, 0), units)
        if kind in self.left:
            self.left[kind] -= covered
        return covered, units - covered


def rate(usage: Usage, rates: HomeRates, packages: Packages | None) -> tuple[int, int]:
    """(package units used, kopecks) for one record. `packages` is None when the record
    belongs to a period already closed: it is priced per unit."""
    units = billed_units(usage)
    if usage.roaming:
        return 0, _roaming_cost(usage, units)
    if usage.direction is Direction.IN:
        return 0, 0
    covered, beyond = 0, units
    package = PACKAGE_OF.get(usage.kind)
    if package is not None and packages is not None:
        covered, beyond = packages.take(package, units)
    if usage.kind is UsageKind.CALL:
        price = rates.offnet_minute if usage.offnet else rates.minute
        return covered, beyond * price
    if usage.kind is UsageKind.DATA:
        return covered, _per_kb(beyond, rates.mb)
    return covered, beyond * (rates.sms if usage.kind is UsageKind.SMS else rates.mms)


def _roaming_cost(usage: Usage, units: int) -> int:
    zone = ZONES.get((usage.zone or "").upper(), ZONES[DEFAULT_ZONE])
    if usage.kind is UsageKind.CALL:
        return units * (zone.minute_out if usage.direction is Direction.OUT else zone.minute_in)
    if usage.kind is UsageKind.DATA:
        return _per_kb(units, zone.mb)
    if usage.direction is Direction.IN:
        return 0
    return units * (zone.sms if usage.kind is UsageKind.SMS else zone.mms)
