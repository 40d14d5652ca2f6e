"""Per-request aiodataloader loaders, named <Result>By<Key>Loader, results in key order."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from pypika_tortoise import Order
from pypika_tortoise.analytics import RowNumber
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.models import Model

from auth.policy import LineAccess, line_access
from models import (
    Allowance,
    AuditEntry,
    Contract,
    Grant,
    LedgerEntry,
    Line,
    LineBlock,
    LineService,
    Service,
    Tariff,
    User,
)
from models.access import AccessLevel
from models.access.facts import LINES_BY_ID, facts_for_lines
from models.autopay import Autopay
from models.block import year_start
from models.card import Card
from models.compiled import Compiled
from models.expenses import ExpenseReport, Month, expense_reports
from models.payment import Payment
from models.trust import TrustOffer, offers
from resolvers.pagination import Keyset, Page

# a line's history, newest first; the id breaks ties between rows of the same instant
LEDGER_ORDER = Keyset("transactions", (("created_at", datetime), ("id", int)), descending=True)
AUDIT_ORDER = Keyset("auditLog", (("created_at", datetime), ("id", int)), descending=True)
PAYMENT_ORDER = Keyset("payments", (("created_at", datetime), ("id", int)), descending=True)

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=Model)

# the reads every list page makes, compiled once per shape (models.compiled); each takes
# the loader's keys, in order, as its values
TARIFFS = Compiled(Tariff, lambda ids: Tariff.filter(id__in=ids), list)
SERVICES = Compiled(Service, lambda ids: Service.filter(id__in=ids), list)
USERS = Compiled(User, lambda ids: User.filter(id__in=ids), list)
CONTRACTS = Compiled(Contract, lambda ids: Contract.filter(id__in=ids), list)
CARDS = Compiled(Card, lambda ids: Card.filter(id__in=ids), list)
# the values a read binds, in order: the line ids, then `active`
AUTOPAYS = Compiled(
    Autopay,
    lambda ids: Autopay.filter(line_id__in=ids, active=True).order_by("id"),
    lambda ids: [*ids, True],
)
ALLOWANCES = Compiled(
    Allowance, lambda ids: Allowance.filter(line_id__in=ids).order_by("kind"), list
)
LINE_SERVICES = Compiled(
    LineService,
    lambda ids: LineService.filter(line_id__in=ids).select_related("service").order_by("id"),
    list,
)
LIVE_GRANTS = Compiled(
    Grant,
    lambda ids: Grant.filter(line_id__in=ids, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    ),
    list,
)


class Loader(DataLoader[K, V]):
    """A DataLoader that can answer synchronously once it has the value.

    A field that returns an awaitable costs graphql-core a coroutine and a task step per
    object; one that returns a value costs a function call. A list resolver that loads a
    page's relations up front (`schema.access.permissions.prefetch`) lets every field of the page
    take the synchronous path.
    """

    def __init__(self) -> None:
        # aiodataloader's own cache, handed in so that finished loads can be read back
        self._futures: dict[K, asyncio.Future[V]] = {}
        super().__init__(cache_map=self._futures)

    def now_or_later(self, key: K) -> V | Awaitable[V]:
        """The value if this request has already loaded it, else the pending load."""
        future = self._futures.get(key)
        if future is None or not future.done() or future.cancelled() or future.exception():
            return self.load(key)
        return future.result()


def _in_key_order(keys: Iterable[K], rows: Iterable[M], attr: str = "id") -> list[M | None]:
    by_key = {getattr(row, attr): row for row in rows}
    return [by_key.get(key) for key in keys]


def _grouped(keys: Iterable[K], rows: Iterable[M], attr: str) -> list[list[M]]:
    groups: dict[K, list[M]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, attr)].append(row)
    return [groups.get(key, []) for key in keys]


class TariffByIdLoader(Loader[int, Tariff | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Tariff | None]:
        return _in_key_order(keys, await TARIFFS.run(keys))


class ServiceByIdLoader(Loader[int, Service | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Service | None]:
        # archived services stay reachable by id: a line may still have one connected.
        # Only the catalogue listing hides them.
        return _in_key_order(keys, await SERVICES.run(keys))


class UserByIdLoader(Loader[int, User | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[User | None]:
        return _in_key_order(keys, await USERS.run(keys))


class CardByIdLoader(Loader[int, Card | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Card | None]:
        return _in_key_order(keys, await CARDS.run(keys))


class ContractByIdLoader(Loader[int, Contract | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Contract | None]:
        return _in_key_order(keys, await CONTRACTS.run(keys))


class AllowancesByLineIdLoader(Loader[int, list[Allowance]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Allowance]]:
        return _grouped(keys, await ALLOWANCES.run(keys), "line_id")


class LineServicesByLineIdLoader(Loader[int, list[LineService]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[LineService]]:
        return _grouped(keys, await LINE_SERVICES.run(keys), "line_id")


class BlocksByLineIdLoader(Loader[int, list[LineBlock]]):
    """Each line's blocks that count now: the current one and this year's (whose days
    the home-internet line's free block days are counted from)."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[LineBlock]]:
        start = year_start(datetime.now(UTC))
        rows = await LineBlock.filter(line_id__in=keys).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=start)
        )
        return _grouped(keys, list(rows), "line_id")


class AutopaysByLineIdLoader(Loader[int, list[Autopay]]):
    """Each line's active autopays, whoever pays."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Autopay]]:
        return _grouped(keys, await AUTOPAYS.run(keys), "line_id")


class TrustOfferByLineIdLoader(Loader[int, TrustOffer]):
    """Each line's trust payment offer, for all lines of the request at once."""

    def __init__(self, lines: LineByIdLoader) -> None:
        super().__init__()
        self.lines = lines

    async def batch_load_fn(self, keys: list[int]) -> list[TrustOffer]:
        lines = [line for line in await self.lines.load_many(keys) if line is not None]
        found = await offers(lines)
        return [found[key] for key in keys]


class ExpensesByLineIdLoader(Loader[tuple[int, str], ExpenseReport]):
    """A line's expense report, keyed by (line id, "YYYY-MM"): lines asking for the same
    month share four reads."""

    async def batch_load_fn(self, keys: list[tuple[int, str]]) -> list[ExpenseReport]:
        by_month: dict[str, list[int]] = defaultdict(list)
        for line_id, month in keys:
            by_month[month].append(line_id)
        found: dict[tuple[int, str], ExpenseReport] = {}
        for month, line_ids in by_month.items():
            reports = await expense_reports(sorted(set(line_ids)), Month.parse(month))
            found.update(((line_id, month), report) for line_id, report in reports.items())
        return [found[key] for key in keys]


class GrantsByLineIdLoader(Loader[int, list[Grant]]):
    """Live (not revoked) grants of each line, newest first."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Grant]]:
        return _grouped(keys, await LIVE_GRANTS.run(keys), "line_id")


class CountByLineIdLoader(DataLoader[int, int]):
    """How many rows of `model` each line has: one grouped COUNT for all lines."""

    def __init__(self, model: type[Model]) -> None:
        super().__init__()
        self.model = model

    async def batch_load_fn(self, keys: list[int]) -> list[int]:
        rows = (
            await self.model.filter(line_id__in=keys)
            .annotate(rows=Count("id"))
            .group_by("line_id")
            .values_list("line_id", "rows")
        )
        counts = {line_id: n for line_id, n in rows}
        return [counts.get(key, 0) for key in keys]


class FirstPageByLineIdLoader(DataLoader[tuple[int, int], Page[M]], Generic[M]):
    """The first page (no cursor) of a line's history, keyed by (line id, page size).

    All lines asking for the same size share one query: rows are ranked per line with
    ROW_NUMBER() OVER (PARTITION BY line_id ORDER BY <keyset>) and the first size + 1
    of each are kept (the extra one tells hasNextPage). Built with tortoise and pypika,
    so the dialect (SQLite, PostgreSQL) and the parameters are theirs.
    """

    def __init__(self, model: type[M], keyset: Keyset, counts: CountByLineIdLoader) -> None:
        super().__init__()
        self.model = model
        self.keyset = keyset
        self.counts = counts

    async def batch_load_fn(self, keys: list[tuple[int, int]]) -> list[Page[M]]:
        lines_by_size: dict[int, set[int]] = defaultdict(set)
        for line_id, size in keys:
            lines_by_size[size].add(line_id)
        rows: dict[tuple[int, int], list[M]] = defaultdict(list)
        for size, line_ids in lines_by_size.items():
            for row in await self._first_rows(sorted(line_ids), size + 1):
                rows[(row.line_id, size)].append(row)
        return [self._page(key, rows.get(key, [])) for key in keys]

    async def _first_rows(self, line_ids: list[int], limit: int) -> list[Any]:
        # rows of `model`, typed Any as tortoise's executor returns them: read `line_id`
        meta = self.model._meta
        table = meta.basetable
        order = Order.desc if self.keyset.descending else Order.asc
        rank = RowNumber().over(table.line_id)
        for name in self.keyset.names:
            rank = rank.orderby(table[meta.fields_db_projection[name]], order=order)
        ranked = Subquery(self.model.filter(line_id__in=line_ids).annotate(row_rank=rank))
        inner = ranked.as_("ranked")
        db = meta.db
        query = (
            db.query_class.from_(inner)
            .select("*")
            .where(inner.row_rank <= limit)
            .orderby(inner.line_id)
            .orderby(inner.row_rank)
        )
        executor = db.executor_class(model=self.model, db=db)
        return await executor.execute_select(
            *query.get_parameterized_sql(), custom_fields=["row_rank"]
        )

    def _page(self, key: tuple[int, int], rows: list[M]) -> Page[M]:
        line_id, size = key
        items = rows[:size]
        return Page(
            items,
            [self.keyset.cursor(row) for row in items],
            has_next=len(rows) > size,
            has_previous=False,
            count=partial(self.counts.load, line_id),
        )


class LineByIdLoader(Loader[int, Line | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Line | None]:
        return _in_key_order(keys, await LINES_BY_ID.run(keys))


class LineAccessByLineIdLoader(DataLoader[int, LineAccess]):
    """The viewer's relations and capabilities per line: computed once per line per request.

    Lines it reads on the way are primed into `LineByIdLoader`, so resolving a node
    and checking its access costs the same two queries.
    """

    def __init__(self, viewer_id: int, session_cap: AccessLevel, lines: LineByIdLoader) -> None:
        super().__init__()
        self.viewer_id = viewer_id
        self.session_cap = session_cap
        self.lines = lines

    async def batch_load_fn(self, keys: list[int]) -> list[LineAccess]:
        found = await facts_for_lines(self.viewer_id, keys)
        for line_id, item in found.items():
            self.lines.prime(line_id, item.line)
        return [
            line_access(key, found[key].facts if key in found else [], self.session_cap)
            for key in keys
        ]


class Loaders:
    """One set per request: a loader caches for exactly one request, never longer."""

    def __init__(self) -> None:
        self.tariff_by_id = TariffByIdLoader()
        self.service_by_id = ServiceByIdLoader()
        self.contract_by_id = ContractByIdLoader()
        self.user_by_id = UserByIdLoader()
        self.card_by_id = CardByIdLoader()
        self.allowances_by_line_id = AllowancesByLineIdLoader()
        self.line_services_by_line_id = LineServicesByLineIdLoader()
        self.line_by_id = LineByIdLoader()
        self.grants_by_line_id = GrantsByLineIdLoader()
        self.blocks_by_line_id = BlocksByLineIdLoader()
        self.ledger_count_by_line_id = CountByLineIdLoader(LedgerEntry)
        self.ledger_page_by_line_id = FirstPageByLineIdLoader(
            LedgerEntry, LEDGER_ORDER, self.ledger_count_by_line_id
        )
        self.audit_count_by_line_id = CountByLineIdLoader(AuditEntry)
        self.audit_page_by_line_id = FirstPageByLineIdLoader(
            AuditEntry, AUDIT_ORDER, self.audit_count_by_line_id
        )
        self.payment_count_by_line_id = CountByLineIdLoader(Payment)
        self.payment_page_by_line_id = FirstPageByLineIdLoader(
            Payment, PAYMENT_ORDER, self.payment_count_by_line_id
        )
        self.autopays_by_line_id = AutopaysByLineIdLoader()
        self.trust_offer_by_line_id = TrustOfferByLineIdLoader(self.line_by_id)
        self.expenses_by_line_id = ExpensesByLineIdLoader()
        self._access: LineAccessByLineIdLoader | None = None

    def line_access(self, viewer_id: int, session_cap: AccessLevel) -> LineAccessByLineIdLoader:
        if self._access is None or self._access.viewer_id != viewer_id:
            self._access = LineAccessByLineIdLoader(viewer_id, session_cap, self.line_by_id)
        return self._access
