"""The whole run: migrate, load, serve, measure and tabulate; `main` for `python -m bench.usage`."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.core import Table, print_table
from bench.plans import _create_database, _drop_database
from bench.usage.data import load
from bench.usage.exports import export, exports_table, writers_alone
from bench.usage.ingest import ingest_file, ingest_http
from bench.usage.paging import detail, plans
from bench.usage.report import _table
from bench.usage.server import _ready, _server, _token
from bench.usage.sizes import BIG_ROWS, BUSY_LINES, WRITER_ROWS


async def measure(url: str) -> Table:
    from tortoise import Tortoise

    from cli.db import apply_migrations
    from models import tortoise_config
    from models.usage import UsageQuery

    load_before = os.getloadavg()[0]
    scenario_began = time.perf_counter()
    await apply_migrations(url)
    migrated = time.perf_counter() - scenario_began
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        loaded = await load(url)
        loaded.timings.insert(0, ("migrations", migrated))
        now = datetime.now(UTC)
        # the export covers the big line's year: every one of its records
        export_query = UsageQuery(start=now - timedelta(days=365), end=now)
        server = _server(url)
        server.start()
        try:
            async with httpx.AsyncClient(timeout=600) as client:
                await _ready(server, client)
                token = await _token(client, server.url)
                found = await detail(client, server.url, token)
            base = server.url.rsplit("/", 1)[0]
            spread = await ingest_http(base, loaded.lines, "spread")
            busy = await ingest_http(base, loaded.lines[8 : 8 + BUSY_LINES], "busy")
        finally:
            server.stop()
        shown = await plans(loaded, found.deep_after, export_query)
        with tempfile.TemporaryDirectory(prefix="linehub-usage-bench-") as tmp:
            imported, import_seconds, start_stop = await ingest_file(url, loaded.lines, Path(tmp))
            exports = [
                await export(url, loaded, fmt, export_query, Path(tmp)) for fmt in ("XLSX", "CSV")
            ]
    finally:
        await Tortoise.close_connections()
    alone = await writers_alone(WRITER_ROWS)
    return _table(
        loaded,
        found,
        shown,
        [(f"each batch {len(loaded.lines):,} lines", *spread), (f"{BUSY_LINES} lines", *busy)],
        (imported, import_seconds, start_stop),
        exports,
        alone,
        load_before,
        time.perf_counter() - scenario_began,
    )


async def measure_exports(url: str) -> Table:
    """The exports alone (`--exports`): the demo and the big line's BIG_ROWS records,
    nothing spread over the other lines: a minute to load instead of the whole run's."""
    from tortoise import Tortoise

    from cli.db import apply_migrations
    from models import tortoise_config
    from models.usage import UsageQuery

    await apply_migrations(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        loaded = await load(url, rows=BIG_ROWS)
        now = datetime.now(UTC)
        export_query = UsageQuery(start=now - timedelta(days=365), end=now)
        with tempfile.TemporaryDirectory(prefix="linehub-usage-bench-") as tmp:
            exports = [
                await export(url, loaded, fmt, export_query, Path(tmp)) for fmt in ("XLSX", "CSV")
            ]
    finally:
        await Tortoise.close_connections()
    return exports_table(loaded, exports)


async def run_in_own_database(*, exports_only: bool = False) -> Table:
    url = await _create_database()
    try:
        return await (measure_exports(url) if exports_only else measure(url))
    finally:
        await _drop_database(url)


def main(argv: list[str]) -> int:
    import logging

    logging.disable(logging.INFO)
    table = asyncio.run(run_in_own_database(exports_only="--exports" in argv))
    return print_table(table, argv)
