"""Filter pieces shared by the catalogue queries."""

from __future__ import annotations

from tortoise.expressions import Q

from models.errors import DomainError, ErrorCode
from models.search import search_term


def range_q(column: str, low: int | None, high: int | None, field: list[str]) -> Q:
    """`low <= column <= high`, either bound optional; a reversed range is INVALID_INPUT."""
    if low is not None and high is not None and low > high:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_range", field=field)
    for bound, name in ((low, field[-1]), (high, field[-1].replace("Min", "Max"))):
        if bound is not None and bound < 0:
            raise DomainError(ErrorCode.INVALID_INPUT, "negative_price", field=[*field[:-1], name])
    query = Q()
    if low is not None:
        query &= Q(**{f"{column}__gte": low})
    if high is not None:
        query &= Q(**{f"{column}__lte": high})
    return query


def search_q(text: str | None) -> Q:
    """Every searchable model keeps casefolded text (models.search); empty text matches all."""
    term = search_term(text or "")
    return Q(search_text__contains=term) if term else Q()
