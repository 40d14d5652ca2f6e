"""Money is integer kopecks in the database and Decimal roubles at the edges. Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, DecimalException

from models.errors import DomainError, ErrorCode

KOPECKS = Decimal(100)
CURRENCY = "RUB"
# the largest amount accepted anywhere, kopecks: 10 trillion roubles, far inside BIGINT
MAX_KOPECKS = 10**15


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
