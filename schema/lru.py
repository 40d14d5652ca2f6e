"""A small thread-safe LRU: the per-process caches of documents (schema.documents) and of
persisted-query hashes (web.persisted) keep the most recently used entries, bounded."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most `entries` values; reading one keeps it longer.

    A lock, because strawberry may run a schema's sync path in threads.
    """

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)
