"""Relay pagination: keyset cursors over querysets, identity cursors over in-memory lists.

A cursor names a row, not a position, so a row inserted or deleted between two fetches
neither repeats nor skips anything. It is base64url of compact JSON
`{"v": 1, "l": <list tag>, "k": [<sort key>]}`: versioned, tied to one list (a cursor of
`tariffs` is refused by `serviceCatalog`) and validated strictly - a cursor that does not
re-encode to exactly itself is INVALID_INPUT `invalid_cursor`, never a query.

`first` defaults to 20 and may not exceed 100 (API.md section 7). pageInfo reports what
is really there on both sides of the page, including rows outside `after`/`before`
(more than Relay requires): `first: 0` has a next page when the list is not empty, and
`last` + `before` has a next page when the `before` row (or one past it) exists.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.errors import DomainError, ErrorCode

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Keyset",
    "Page",
    "PageArgs",
    "paginate",
    "paginate_list",
]

T = TypeVar("T")
M = TypeVar("M", bound=Model)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CURSOR_VERSION = 1
# a real cursor is well under 100 characters; a longer one is refused before decoding
MAX_CURSOR_LENGTH = 200
# sort keys are BIGINT columns; anything outside would fail in SQL instead of here
MAX_INT = 2**63 - 1
# no in-memory list is near this long; a forged position beyond it is refused
MAX_POSITION = 1_000_000

SortValue = int | datetime


def _invalid(field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, "invalid_cursor", field=[field])


def _encode(tag: str, key: Sequence[Any]) -> str:
    raw = json.dumps({"v": CURSOR_VERSION, "l": tag, "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str, tag: str, size: int, field: str) -> list[Any]:
    """The raw key of a cursor of list `tag`; the caller checks each value's type."""
    if not isinstance(cursor, str) or not 0 < len(cursor) <= MAX_CURSOR_LENGTH:
        raise _invalid(field)
    try:
        raw = base64.b64decode(cursor.encode("ascii"), altchars=b"-_", validate=True)
        data = json.loads(raw.decode())
    except (ValueError, UnicodeError, binascii.Error, RecursionError):
        raise _invalid(field) from None
    if (
        not isinstance(data, dict)
        or data.keys() != {"v", "l", "k"}
        or data["v"] != CURSOR_VERSION
        or type(data["v"]) is not int
        or data["l"] != tag
        or not isinstance(data["k"], list)
        or len(data["k"]) != size
    ):
        raise _invalid(field)
    return data["k"]


def _int(value: object, field: str) -> int:
    # JSON gives int for "12" only: "+1", "1_0", "٣", "1e2", true are refused here or above
    if type(value) is not int or not -MAX_INT <= value <= MAX_INT:
        raise _invalid(field)
    return value


def _datetime(value: object, field: str) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise _invalid(field)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(field) from None
    if parsed.utcoffset() != timedelta(0) or _iso(parsed) != value:
        raise _invalid(field)
    return parsed


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Keyset:
    """The order of one list and so the content of its cursors.

    Args:
        tag: names the list inside its cursors; another list refuses them.
        fields: the sort key as (model field, int or datetime); unique as a whole, so
            the primary key comes last.
        descending: every field sorts newest or largest first.

    Example:
        TARIFFS = Keyset("tariffs", (("monthly_fee", int), ("id", int)))
        page = await paginate(Tariff.filter(archived=False), TARIFFS, args)
    """

    tag: str
    fields: tuple[tuple[str, type[SortValue]], ...]
    descending: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def ordering(self, *, reverse: bool = False) -> list[str]:
        minus = "-" if self.descending != reverse else ""
        return [minus + name for name in self.names]

    def key_of(self, row: object) -> tuple[Any, ...]:
        return tuple(
            _iso(value) if isinstance(value, datetime) else value
            for value in (getattr(row, name) for name in self.names)
        )

    def cursor(self, row: object) -> str:
        return _encode(self.tag, self.key_of(row))

    def decode(self, cursor: str, field: str) -> tuple[SortValue, ...]:
        raw = _decode(cursor, self.tag, len(self.fields), field)
        values = tuple(
            _int(value, field) if kind is int else _datetime(value, field)
            for value, (_, kind) in zip(raw, self.fields, strict=True)
        )
        # one spelling per cursor: a re-encoded forgery (padding, spaces, key order) is
        # refused, and two cursors naming the same row are the same string
        if _encode(self.tag, _keyed(values)) != cursor:
            raise _invalid(field)
        return values

    def beyond(self, key: Sequence[SortValue], *, forward: bool, inclusive: bool = False) -> Q:
        """Rows after `key` in list order (forward) or before it, `key`'s row included
        when `inclusive`: (a > x) OR (a = x AND b > y), per lexicographic order."""
        op = "gt" if forward != self.descending else "lt"
        *head, (last_name, _) = self.fields
        # Q types its lookups `**kwargs: Any` beside `join_type: str`: a dict of SortValue
        # would be matched against join_type too, so the lookups are annotated as Q takes them
        last: dict[str, Any] = {f"{last_name}__{op}{'e' if inclusive else ''}": key[-1]}
        q = Q(**last)
        for (name, _), value in reversed(list(zip(head, key, strict=False))):
            past: dict[str, Any] = {f"{name}__{op}": value}
            same: dict[str, Any] = {name: value}
            q = Q(**past) | (Q(**same) & q)
        if head:
            # the same condition's bound on the first column, said again on its own: the
            # OR above is no index range to PostgreSQL, so without it page N of a long
            # list read the N - 1 pages before it (1.7x slower at page 1 000)
            (first_name, _), *_ = head
            bound: dict[str, Any] = {f"{first_name}__{op}e": key[0]}
            q = Q(**bound) & q
        return q


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

    @property
    def is_first_page(self) -> bool:
        """No cursor and forward: the page a loader can fetch for many lists at once."""
        return self.after is None and self.before is None and self.last is None


@dataclass
class Page(Generic[T]):
    """One window of a list; `count` runs only if the client asks for `totalCount`."""

    items: list[T]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]

    def cursor(self, index: int) -> str:
        return self.cursors[index]

    @classmethod
    def empty(cls) -> Page[T]:
        """A list the viewer may not see: no items, no pages, a count of 0."""

        async def nothing() -> int:
            return 0

        return cls([], [], False, False, nothing)


def _fits_columns(model: type[Model], keyset: Keyset, key: Sequence[SortValue], field: str) -> None:
    """A forged key outside its column's range (an id past INT4) is refused here: sent to
    PostgreSQL it would fail as a driver error, not match nothing."""
    for (name, kind), value in zip(keyset.fields, key, strict=True):
        if kind is int:
            limits = model._meta.fields_map[name].constraints
            if not limits.get("ge", -MAX_INT) <= value <= limits.get("le", MAX_INT):
                raise _invalid(field)


async def paginate(queryset: QuerySet[M], keyset: Keyset, args: PageArgs) -> Page[M]:
    """A page of `queryset` in `keyset` order: one SELECT, and one EXISTS more only when
    a cursor's own row has since been deleted (to tell whether anything lies beyond it).

    The SELECT includes the cursor rows themselves (bounds are inclusive): finding them
    proves there is a previous/next page without a second query.
    """
    # an empty string is a cursor too, and a malformed one: refused, not ignored
    after = keyset.decode(args.after, "after") if args.after is not None else None
    before = keyset.decode(args.before, "before") if args.before is not None else None
    for key, name in ((after, "after"), (before, "before")):
        if key is not None:
            _fits_columns(queryset.model, keyset, key, name)
    backward = args.last is not None
    # walking backward, `before` is the near bound and `after` the far one
    near, far = (before, after) if backward else (after, before)
    window = queryset
    if after is not None:
        window = window.filter(keyset.beyond(after, forward=True, inclusive=True))
    if before is not None:
        window = window.filter(keyset.beyond(before, forward=False, inclusive=True))
    size = args.size
    rows = list(await window.order_by(*keyset.ordering(reverse=backward)).limit(size + 2))

    near_found = bool(rows) and near is not None and keyset.key_of(rows[0]) == _keyed(near)
    if near_found:
        rows.pop(0)
    far_found = bool(rows) and far is not None and keyset.key_of(rows[-1]) == _keyed(far)
    if far_found:
        rows.pop()
    items, rest = rows[:size], rows[size:]

    async def exists_beyond(key: tuple[SortValue, ...], forward: bool) -> bool:
        return await queryset.filter(keyset.beyond(key, forward=forward)).exists()

    # the far bound is only reached when the window ran out before the page filled
    more_far = bool(rest) or far_found
    if not more_far and far is not None:
        more_far = await exists_beyond(far, not backward)
    more_near = near_found
    if not near_found and near is not None:
        more_near = await exists_beyond(near, backward)
    if backward:
        items.reverse()

    async def count() -> int:
        return await queryset.count()

    has_next, has_previous = (more_near, more_far) if backward else (more_far, more_near)
    return Page(items, [keyset.cursor(row) for row in items], has_next, has_previous, count)


def _keyed(key: tuple[SortValue, ...]) -> tuple[Any, ...]:
    return tuple(_iso(v) if isinstance(v, datetime) else v for v in key)


def paginate_list(
    items: Sequence[T],
    args: PageArgs,
    tag: str = "lines",
    identity: Callable[[T], int] = operator.attrgetter("id"),
) -> Page[T]:
    """The same window over a list computed in memory (its order is not a SQL ORDER BY).

    A cursor holds the item's identity and its position when the cursor was made. The
    item is looked up in the current list, so insertions and moves elsewhere do not
    shift the next page. If the item has left the list (a revoked delegation), paging
    continues from the position it had: exact when that item is the only change, and
    better for a client than an error it cannot act on.
    """

    def bound(cursor: str | None, field: str, *, after: bool) -> int | None:
        if cursor is None:
            return None
        raw = _decode(cursor, tag, 2, field)
        item_id, position = _int(raw[0], field), _int(raw[1], field)
        if not 0 <= position <= MAX_POSITION or _encode(tag, [item_id, position]) != cursor:
            raise _invalid(field)
        for index, item in enumerate(items):
            if identity(item) == item_id:
                return index + 1 if after else index
        # gone: the items after it moved up into its position
        return min(position, len(items))

    start = bound(args.after, "after", after=True) or 0
    end = bound(args.before, "before", after=False)
    end = len(items) if end is None else max(end, start)
    if args.last is not None:
        begin, stop = max(start, end - args.last), end
    else:
        begin, stop = start, min(end, start + args.size)
    window = list(items[begin:stop])

    async def count() -> int:
        return len(items)

    cursors = [_encode(tag, [identity(item), begin + i]) for i, item in enumerate(window)]
    return Page(window, cursors, stop < len(items), begin > 0, count)
