"""Money is integer kopecks in the database and Decimal roubles at the edges. Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, DecimalException

from models.errors import DomainError, ErrorCode

KOPECKS = Decimal(100)
CURRENCY = "RUB"


def to_decimal(kopecks: int) -> Decimal:
    """12345 -> Decimal('123.45'): always two places."""
    return (Decimal(kopecks) / KOPECKS).quantize(Decimal("0.01"))


def to_kopecks(amount: Decimal | str, *, field: str = "amount") -> int:
    """Decimal('123.45') -> 12345; more than two decimal places is INVALID_INPUT, not rounding."""
    try:
        value = Decimal(amount)
        # "1e999999999" is a valid Decimal; stop before arithmetic on it overflows
        if not value.is_finite() or value.adjusted() > 13:
            raise DomainError(ErrorCode.INVALID_INPUT, field=[field])
        scaled = value * KOPECKS
        whole = scaled == scaled.to_integral_value(rounding=ROUND_HALF_EVEN)
    except (DecimalException, TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, field=[field]) from None
    if not whole or abs(scaled) > 10**15:
        raise DomainError(ErrorCode.INVALID_INPUT, field=[field])
    return int(scaled)
