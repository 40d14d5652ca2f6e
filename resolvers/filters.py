"""Filter pieces shared by the list queries: periods, price ranges and text search."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q

from models.errors import DomainError, ErrorCode
from models.money import to_kopecks
from models.search import normalize, search_words

# LIKE patterns grow with the text (SQLite refuses ~50 kB ones); nobody types more
MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 10
SEARCH_FIELD = ["filter", "search"]


def price_bound(amount: Decimal | None, name: str) -> int | None:
    """A catalogue filter's price bound (`priceMin`, `priceMax`) in kopecks, or None."""
    return None if amount is None else to_kopecks(amount, field=["filter", name])


def range_q(column: str, low: int | None, high: int | None, field: list[str]) -> Q:
    """`low <= column <= high`, either bound optional; a reversed range is INVALID_INPUT."""
    if low is not None and high is not None and low > high:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_range", field=field)
    for bound, name in ((low, field[-1]), (high, field[-1].replace("Min", "Max"))):
        if bound is not None and bound < 0:
            raise DomainError(ErrorCode.INVALID_INPUT, "negative_price", field=[*field[:-1], name])
    query = Q()
    # annotated as Q takes lookups (`**kwargs: Any`), or mypy matches them to `join_type: str`
    if low is not None:
        at_least: dict[str, Any] = {f"{column}__gte": low}
        query &= Q(**at_least)
    if high is not None:
        at_most: dict[str, Any] = {f"{column}__lte": high}
        query &= Q(**at_most)
    return query


def search_q(text: str | None, field: list[str] = SEARCH_FIELD) -> Q:
    """Every word of `text`, in any order, somewhere in the model's `search_text`.

    Both sides are normalised alike (models.search: any case, "ё" as "е", spacing
    ignored); `%` and `_` are literal. Empty text matches everything.
    """
    if not text:
        return Q()
    if "\x00" in text:
        # PostgreSQL cannot hold NUL in text; refuse it rather than fail inside the driver
        raise DomainError(ErrorCode.INVALID_INPUT, "nul_character", field=list(field))
    if len(normalize(text)) > MAX_SEARCH_LENGTH:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "search_too_long", field=list(field), max=MAX_SEARCH_LENGTH
        )
    words = search_words(text)
    if len(words) > MAX_SEARCH_WORDS:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "search_too_many_words",
            field=list(field),
            max=MAX_SEARCH_WORDS,
        )
    # tortoise's `contains` escapes %, _ and the backslash in the LIKE pattern
    return Q(*(Q(search_text__contains=word) for word in words), join_type=Q.AND)


def period_q(start: datetime | None, end: datetime | None, column: str = "created_at") -> Q:
    """A history filter's period, `start <= column < end`, either end optional; one
    that ends before it starts is INVALID_INPUT on `from`."""
    if start is not None and end is not None and start > end:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_range", field=["filter", "from"])
    query = Q()
    if start is not None:
        since: dict[str, Any] = {f"{column}__gte": start}
        query &= Q(**since)
    if end is not None:
        until: dict[str, Any] = {f"{column}__lt": end}
        query &= Q(**until)
    return query
