"""Payments, refunds, saved cards and idempotence keys: in memory, optionally on disk.

Memory is the truth while the acquirer runs; with a path, every change is also written
to a SQLite file (one JSON document per record) and the file is read back on start, so
saved cards and past payments survive a restart of `make run`. Writes from the event loop
go through `asyncio.to_thread`; a connection per write keeps no handle open between them.

A threading lock guards the dictionaries: the server's event loop and a test or seeding
script in another thread may use the same store at once.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from contextlib import closing
from dataclasses import asdict
from pathlib import Path
from typing import Any

from devacquirer.cards import normalise_number
from devacquirer.config import DEFAULT_SHOP_ID
from devacquirer.objects import (
    IdempotenceRecord,
    Payment,
    Refund,
    SavedMethod,
    new_payment_id,
    timestamp,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
"""


class AcquirerStore:
    """Everything one acquirer remembers.

    Args:
        path: a SQLite file to persist to (created if missing); `None` for memory only.

    Example:
        >>> store = AcquirerStore("var/dev-acquirer.sqlite3")
        >>> method_id = store.save_method("5555 5555 5555 4477", "12", "2030")
        >>> with run_acquirer(config, store=store) as acquirer: ...
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._payments: dict[str, Payment] = {}
        self._refunds: dict[str, Refund] = {}
        self._methods: dict[str, SavedMethod] = {}
        self._keys: dict[tuple[str, str], IdempotenceRecord] = {}
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._load(self.path)

    # -- reads ---------------------------------------------------------------------------

    def payment(self, payment_id: str, shop_id: str | None = None) -> Payment | None:
        """The payment, if it exists and (when `shop_id` is given) belongs to that shop."""
        with self._lock:
            found = self._payments.get(payment_id)
        return found if found and shop_id in (None, found.shop_id) else None

    def refund(self, refund_id: str, shop_id: str) -> Refund | None:
        with self._lock:
            found = self._refunds.get(refund_id)
        return found if found and found.shop_id == shop_id else None

    def method(self, method_id: str, shop_id: str) -> SavedMethod | None:
        with self._lock:
            found = self._methods.get(method_id)
        return found if found and found.shop_id == shop_id else None

    def idempotence(self, shop_id: str, key: str) -> IdempotenceRecord | None:
        with self._lock:
            return self._keys.get((shop_id, key))

    def payments(self) -> list[Payment]:
        with self._lock:
            return list(self._payments.values())

    # -- writes from the event loop ------------------------------------------------------

    async def put_payment(self, payment: Payment) -> None:
        with self._lock:
            self._payments[payment.id] = payment
        await self._persist("payment", payment.id, payment.to_row())

    async def put_refund(self, refund: Refund) -> None:
        with self._lock:
            self._refunds[refund.id] = refund
        await self._persist("refund", refund.id, asdict(refund))

    async def put_method(self, method: SavedMethod) -> None:
        with self._lock:
            self._methods[method.id] = method
        await self._persist("method", method.id, asdict(method))

    async def put_idempotence(self, record: IdempotenceRecord) -> None:
        with self._lock:
            self._keys[(record.shop_id, record.key)] = record
        await self._persist("idempotence", f"{record.shop_id}\n{record.key}", asdict(record))

    # -- seeding, from any thread --------------------------------------------------------

    def save_method(
        self,
        card_number: str,
        expiry_month: str,
        expiry_year: str,
        *,
        shop_id: str = DEFAULT_SHOP_ID,
        method_id: str | None = None,
    ) -> str:
        """Save a card for `shop_id` as if a customer had paid with it; its method id.

        For demo data and tests; works before the server starts and while it runs. Saving
        the same card (number and expiry) for the same shop again returns the same id, so
        a seeding script can run on every start.

        Args:
            card_number: any valid-Luhn number; the test numbers decide later payments.
            expiry_month: `"1"`..`"12"`.
            expiry_year: `"30"` or `"2030"`.
            shop_id: the shop that may use it.
            method_id: a fixed id, for demo data that names it; a new one when `None`.

        Raises:
            ValueError: a malformed card, or `method_id` already names another card.
        """
        number = normalise_number(card_number)
        month = f"{int(expiry_month):02d}"
        year = expiry_year if len(expiry_year) == 4 else f"20{int(expiry_year):02d}"
        if not 1 <= int(month) <= 12 or not year.isdigit():
            raise ValueError("expiry")
        with self._lock:
            for known in self._methods.values():
                same_card = (known.number, known.expiry_month, known.expiry_year) == (
                    number,
                    month,
                    year,
                )
                if known.shop_id == shop_id and same_card and method_id in (None, known.id):
                    return known.id
            if method_id is not None and method_id in self._methods:
                raise ValueError(f"method id {method_id!r} is taken by another card")
            method = SavedMethod(
                method_id or new_payment_id(), shop_id, number, month, year, timestamp()
            )
            self._methods[method.id] = method
        if self.path is not None:
            self._write(self.path, "method", method.id, asdict(method))
        return method.id

    # -- the file ------------------------------------------------------------------------

    async def _persist(self, kind: str, record_id: str, body: dict[str, Any]) -> None:
        if self.path is not None:
            await asyncio.to_thread(self._write, self.path, kind, record_id, body)

    @staticmethod
    def _write(path: Path, kind: str, record_id: str, body: dict[str, Any]) -> None:
        with closing(sqlite3.connect(path)) as db, db:
            db.execute(_SCHEMA)
            db.execute(
                "INSERT OR REPLACE INTO records (kind, id, body) VALUES (?, ?, ?)",
                (kind, record_id, json.dumps(body, sort_keys=True)),
            )

    def _load(self, path: Path) -> None:
        with closing(sqlite3.connect(path)) as db, db:
            db.execute(_SCHEMA)
            rows = db.execute("SELECT kind, body FROM records").fetchall()
        for kind, text in rows:
            body = json.loads(text)
            if kind == "payment":
                payment = Payment.from_row(body)
                self._payments[payment.id] = payment
            elif kind == "refund":
                refund = Refund.from_row(body)
                self._refunds[refund.id] = refund
            elif kind == "method":
                method = SavedMethod.from_row(body)
                self._methods[method.id] = method
            elif kind == "idempotence":
                record = IdempotenceRecord.from_row(body)
                self._keys[(record.shop_id, record.key)] = record
