"""Money is integer kopecks in the database and Decimal roubles at the edges. Never float.

The one place that converts, parses and formats amounts: schema/ only wraps these as the
`Decimal` scalar and the `Money` type.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, DecimalException

from models.errors import DomainError, ErrorCode

KOPECKS = Decimal(100)
CURRENCY = "RUB"
# the largest amount accepted anywhere, kopecks: 10 trillion roubles, far inside BIGINT
MAX_KOPECKS = 10**15
# the text an amount is written in: 15 digits either side are far past any amount, and
# bound the work before Decimal sees the text
DECIMAL_TEXT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")


def parse_decimal(value: object) -> Decimal:
    """Only plain ASCII decimals like "150" or "-0.50": no exponents, underscores, spaces
    or other scripts' digits, all of which Python's Decimal would accept. An integer is
    taken as its digits; anything else (a float above all) is a ValueError."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not DECIMAL_TEXT.fullmatch(text):
        raise ValueError('Decimal is written as a string like "150.00"')
    return Decimal(text)


def format_decimal(value: Decimal) -> str:
    """The text of an amount: plain digits, never an exponent ("150.00", "-0.05")."""
    return format(value, "f")


def to_decimal(kopecks: int) -> Decimal:
    """12345 -> Decimal('123.45'): always two places."""
    return (Decimal(kopecks) / KOPECKS).quantize(Decimal("0.01"))


def to_kopecks(amount: Decimal | str, *, field: str | list[str] = "amount") -> int:
    """Decimal('123.45') -> 12345; more than two decimal places is INVALID_INPUT, not rounding.

    `field` is the input path named by the error: a name, or a whole path such as
    `["filter", "priceMin"]`.
    """
    path = [field] if isinstance(field, str) else list(field)
    try:
        value = Decimal(amount)
    except (DecimalException, TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_amount", field=path) from None
    if not value.is_finite():
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_amount", field=path)
    # "1e999999999" is a valid Decimal; stop before arithmetic on it overflows
    if value.adjusted() > 13:
        raise DomainError(ErrorCode.INVALID_INPUT, "amount_too_large", field=path)
    try:
        scaled = value * KOPECKS
        whole = scaled == scaled.to_integral_value(rounding=ROUND_HALF_EVEN)
    except DecimalException:  # pragma: no cover - bounded above, kept for safety
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_amount", field=path) from None
    if not whole:
        raise DomainError(ErrorCode.INVALID_INPUT, "too_many_decimals", field=path)
    if abs(scaled) > MAX_KOPECKS:
        raise DomainError(ErrorCode.INVALID_INPUT, "amount_too_large", field=path)
    return int(scaled)
