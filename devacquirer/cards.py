"""Test cards: what a card number means to the dev acquirer, and what it lets the world see.

The number decides the outcome, as on a real acquirer's test environment. Only the first
six and last four digits, the expiry and the brand ever leave this package (`Card`); the
number itself stays with the acquirer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

#: Succeeds at once.
CARD_SUCCESS = "5555555555554477"
#: Asks for a 3-D Secure code first (on the confirmation page; a saved card skips it).
CARD_3DS = "5555555555554444"
#: Declined by the issuer: canceled, reason `general_decline`.
CARD_DECLINED = "4000000000000002"
#: Canceled, reason `insufficient_funds`.
CARD_INSUFFICIENT_FUNDS = "4000000000009995"
#: The bank never answers: the payment stays pending until it expires.
CARD_TIMEOUT = "4000000000000119"
#: The code that passes the 3-D Secure step; any other fails it.
THREE_DS_CODE = "123456"

TEST_CARDS: tuple[str, ...] = (
    CARD_SUCCESS,
    CARD_3DS,
    CARD_DECLINED,
    CARD_INSUFFICIENT_FUNDS,
    CARD_TIMEOUT,
)

_DECLINES = {CARD_DECLINED: "general_decline", CARD_INSUFFICIENT_FUNDS: "insufficient_funds"}
_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")
_CVC = re.compile(r"^\d{3,4}$")

CardType: TypeAlias = Literal["MasterCard", "Visa", "Mir", "Unknown"]
Action: TypeAlias = Literal["succeed", "challenge", "hang", "decline"]


@dataclass(frozen=True)
class Card:
    """What YooKassa shows of a card: never the number.

    Args:
        first6: the BIN.
        last4: the last four digits.
        expiry_month: two digits, `"01"`..`"12"`.
        expiry_year: four digits.
        card_type: the brand, from the BIN.
    """

    first6: str
    last4: str
    expiry_month: str
    expiry_year: str
    card_type: CardType

    @classmethod
    def of(cls, number: str, expiry_month: str, expiry_year: str) -> Card:
        return cls(number[:6], number[-4:], expiry_month, expiry_year, card_type(number))

    def to_json(self) -> dict[str, str]:
        return {
            "first6": self.first6,
            "last4": self.last4,
            "expiry_month": self.expiry_month,
            "expiry_year": self.expiry_year,
            "card_type": self.card_type,
        }


@dataclass(frozen=True)
class Verdict:
    """What the issuer does with a card: `reason` is set when it declines."""

    action: Action
    reason: str | None = None


class CardError(ValueError):
    """A card the form must refuse before anything happens to the payment."""


def normalise_number(raw: str) -> str:
    """Digits only (spaces and dashes dropped); `CardError` unless 12-19 digits, valid Luhn."""
    number = re.sub(r"[\s-]", "", raw)
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
        raise CardError("card_number")
    return number


def luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def parse_expiry(raw: str) -> tuple[str, str]:
    """`MM/YY` (or `MM/YYYY`) as (`"MM"`, `"YYYY"`); `CardError` when malformed."""
    match = _EXPIRY.match(raw)
    if match is None or not 1 <= int(match.group(1)) <= 12:
        raise CardError("expiry")
    year = match.group(2)
    return f"{int(match.group(1)):02d}", year if len(year) == 4 else f"20{year}"


def check_cvc(raw: str) -> None:
    if not _CVC.match(raw.strip()):
        raise CardError("cvc")


def card_type(number: str) -> CardType:
    prefix2, prefix4 = int(number[:2]), int(number[:4])
    if number.startswith("4"):
        return "Visa"
    if 2200 <= prefix4 <= 2204:
        return "Mir"
    if 51 <= prefix2 <= 55 or 2221 <= prefix4 <= 2720:
        return "MasterCard"
    return "Unknown"


def is_expired(expiry_month: str, expiry_year: str, today: date) -> bool:
    # A card is good through the last day of its expiry month.
    return (int(expiry_year), int(expiry_month)) < (today.year, today.month)


def decide(
    number: str, expiry_month: str, expiry_year: str, *, saved: bool, today: date
) -> Verdict:
    """What the issuer does with this card, now.

    Args:
        number: the card number, digits only.
        expiry_month: `"MM"`.
        expiry_year: `"YYYY"`.
        saved: paying by a saved method, with no customer present to pass 3-D Secure (so
            the 3-D Secure card simply succeeds, as a merchant-initiated payment would).
        today: the acquirer's date, for the expiry check.
    """
    if is_expired(expiry_month, expiry_year, today):
        return Verdict("decline", "card_expired")
    if number in _DECLINES:
        return Verdict("decline", _DECLINES[number])
    if number == CARD_TIMEOUT:
        return Verdict("hang")
    if number == CARD_3DS and not saved:
        return Verdict("challenge")
    return Verdict("succeed")
