"""Per-request aiodataloader loaders, named <Result>By<Key>Loader, results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from aiodataloader import DataLoader

from auth.policy import LineAccess, line_access
from models import Allowance, Contract, Line, LineService, Service, Tariff, User
from models.access import AccessLevel
from models.access.facts import facts_for_lines


def _in_key_order(keys: Iterable[Any], rows: Iterable[Any], attr: str = "id") -> list[Any]:
    by_key = {getattr(row, attr): row for row in rows}
    return [by_key.get(key) for key in keys]


def _grouped(keys: Iterable[Any], rows: Iterable[Any], attr: str) -> list[list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, attr)].append(row)
    return [groups.get(key, []) for key in keys]


class TariffByIdLoader(DataLoader[int, Tariff | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Tariff | None]:
        return _in_key_order(keys, await Tariff.filter(id__in=keys))


class ServiceByIdLoader(DataLoader[int, Service | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Service | None]:
        return _in_key_order(keys, await Service.filter(id__in=keys, archived=False))


class UserByIdLoader(DataLoader[int, User | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[User | None]:
        return _in_key_order(keys, await User.filter(id__in=keys))


class ContractByIdLoader(DataLoader[int, Contract | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Contract | None]:
        return _in_key_order(keys, await Contract.filter(id__in=keys))


class AllowancesByLineIdLoader(DataLoader[int, list[Allowance]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Allowance]]:
        rows = await Allowance.filter(line_id__in=keys).order_by("kind")
        return _grouped(keys, rows, "line_id")


class LineServicesByLineIdLoader(DataLoader[int, list[LineService]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[LineService]]:
        rows = await LineService.filter(line_id__in=keys).select_related("service").order_by("id")
        return _grouped(keys, rows, "line_id")


class LineByIdLoader(DataLoader[int, Line | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Line | None]:
        return _in_key_order(keys, await Line.filter(id__in=keys).select_related("contract"))


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
        self.allowances_by_line_id = AllowancesByLineIdLoader()
        self.line_services_by_line_id = LineServicesByLineIdLoader()
        self.line_by_id = LineByIdLoader()
        self._access: LineAccessByLineIdLoader | None = None

    def line_access(self, viewer_id: int, session_cap: AccessLevel) -> LineAccessByLineIdLoader:
        if self._access is None or self._access.viewer_id != viewer_id:
            self._access = LineAccessByLineIdLoader(viewer_id, session_cap, self.line_by_id)
        return self._access
