"""Relay pagination over querysets and lists: offset cursors, bounded pages.

Cursors are opaque base64 offsets. `first` defaults to 20 and may not exceed 100
(API.md section 7); anything else is INVALID_INPUT before a query runs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.queryset import QuerySet

from models.errors import DomainError, ErrorCode

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_PREFIX = "cursor:"
# no list here is near this long; a forged cursor beyond it is refused, not sent to SQL
MAX_OFFSET = 10_000_000


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, field: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        offset = int(raw[len(_PREFIX) :])
    except (ValueError, UnicodeError, binascii.Error):
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_cursor", field=[field]) from None
    if not 0 <= offset <= MAX_OFFSET:
        raise DomainError(ErrorCode.INVALID_INPUT, "invalid_cursor", field=[field])
    return offset


@dataclass(frozen=True)
class PageArgs:
    """Validated connection arguments."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            value = getattr(self, name)
            if value is None:
                continue
            if value < 0:
                raise DomainError(ErrorCode.INVALID_INPUT, "negative_count", field=[name])
            if value > MAX_PAGE_SIZE:
                raise DomainError(
                    ErrorCode.INVALID_INPUT, "first_too_large", field=[name], max=MAX_PAGE_SIZE
                )
        if self.first is not None and self.last is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "first_and_last", field=["last"])

    @property
    def size(self) -> int:
        """How many items this page may hold (the query cost analysis uses the same rule)."""
        if self.last is not None:
            return self.last
        return DEFAULT_PAGE_SIZE if self.first is None else self.first


@dataclass
class Page(Generic[T]):
    """One window of a list; `count` runs only if the client asks for `totalCount`."""

    items: list[T]
    offset: int
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]

    def cursor(self, index: int) -> str:
        return encode_cursor(self.offset + index)


async def paginate(queryset: QuerySet[Any], args: PageArgs) -> Page[Any]:
    """A page of an ordered queryset: one SELECT (plus COUNT only when `last` needs it)."""
    start, end = _bounds(args)

    async def count() -> int:
        return await queryset.count()

    if args.last is not None:
        if end is None:
            end = await count()
        begin = max(start, end - args.last)
        items = list(await queryset.offset(begin).limit(max(end - begin, 0)))
        return Page(items, begin, has_next=False, has_previous=begin > 0, count=count)
    limit = args.size if end is None else min(args.size, max(end - start, 0))
    rows = list(await queryset.offset(start).limit(limit + 1)) if limit else []
    return Page(rows[:limit], start, len(rows) > limit, start > 0, count=count)


def paginate_list(items: Sequence[T], args: PageArgs) -> Page[T]:
    """The same window over a list that is already in memory."""
    start, end = _bounds(args)
    end = len(items) if end is None else min(end, len(items))

    async def count() -> int:
        return len(items)

    if args.last is not None:
        begin = max(start, end - args.last)
        return Page(list(items[begin:end]), begin, False, begin > 0, count)
    stop = min(end, start + args.size)
    return Page(list(items[start:stop]), start, stop < end, start > 0, count)


def _bounds(args: PageArgs) -> tuple[int, int | None]:
    start = decode_cursor(args.after, "after") + 1 if args.after else 0
    end = decode_cursor(args.before, "before") if args.before else None
    return start, end
