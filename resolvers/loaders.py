"""Per-request aiodataloader loaders, named <Result>By<Key>Loader, results in key order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiodataloader import DataLoader

from models import Tariff


def _in_key_order(keys: Iterable[Any], rows: Iterable[Any], attr: str = "id") -> list[Any]:
    by_key = {getattr(row, attr): row for row in rows}
    return [by_key.get(key) for key in keys]


class TariffByIdLoader(DataLoader[int, Tariff | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Tariff | None]:
        return _in_key_order(keys, await Tariff.filter(id__in=keys))


class Loaders:
    """One set per request: a loader caches for exactly one request, never longer."""

    def __init__(self) -> None:
        self.tariff_by_id = TariffByIdLoader()
